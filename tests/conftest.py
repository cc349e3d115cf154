"""Shared fixtures: real services (PostgreSQL, S3-compatible server) and project paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_server import PgServer, postgres_server

PROJECT_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT_DIR


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server (found or started); fails, never skips, when none can be had."""
    try:
        with postgres_server() as server:
            yield server
    except Exception as exc:  # a missing service is a failure, with the reason
        pytest.fail(f"no PostgreSQL server available and none could be started: {exc}")


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[dict[str, object]]:
    """A fresh empty database on the test server; yields its psycopg2 connection parameters."""
    name = pg_server.create_database()
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


# Separate network hosts (Linux network namespaces): network, db_host, netns_postgres, netns_s3
from tests.netns import db_host, netns_postgres, netns_s3, network  # noqa: E402,F401

# The real S3-compatible server (SeaweedFS): s3_server (session), fresh_s3_server (own, stoppable), s3_bucket
from tests.s3_server import fresh_s3_server, s3_bucket, s3_server  # noqa: E402,F401
