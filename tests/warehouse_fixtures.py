"""Scratch warehouses for tests, on DuckDB or on a real Postgres database: built by dbt
(`ScratchWarehouse.dbt`), or, for runner tests, a `recap_payloads` table written directly from
payload dicts."""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest

from render_runner.db import WarehouseConfig

PROJECT_DIR = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).with_name("dbt"))
PG_SCHEMA = "recap"
# At least 32 characters, like every real RECAP_KEY_SECRET (shorter ones are refused).
TEST_KEY_SECRET = "test-secret-0123456789abcdefghijklmnop"

BASE_PAYLOAD: dict[str, Any] = {
    "user": {"id": 1, "name": "Ana", "locale": "en"},
    "year": 2026,
    "dreams": {"total": 12, "difference": 2, "lucid": 3, "nightmares": 1, "average": 10, "previous_year": 8,
               "top_percent": 20, "longest_streak": 3, "busiest_month": 3},
    "persons": [["Mom", 4], ["John", 2]],
    "places": [["School", 3]],
    "emotions": [["Joy", 5], ["Fear", 2], ["Relief", 1]],
}


def make_payload(user_id: int, **dreams: int) -> dict[str, Any]:
    payload = copy.deepcopy(BASE_PAYLOAD)
    payload["user"]["id"] = user_id
    payload["user"]["name"] = f"Dreamer {user_id}"
    payload["dreams"].update(dreams)
    return payload


def payload_hash(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


@dataclass
class ScratchWarehouse:
    """A scratch warehouse in its own folder (profiles.yml, dbt's target/ and logs/), plus the
    environment a `dbt` or `render-runner` subprocess needs to reach it."""

    dialect: str
    directory: Path
    env: dict[str, str]
    duckdb_path: Path | None = None
    pg_dsn: dict[str, Any] | None = None
    schema: str = "main"

    @property
    def target(self) -> str:
        return "dev" if self.dialect == "duckdb" else "postgres"

    @property
    def profiles_dir(self) -> Path:
        return self.directory

    @property
    def config(self) -> WarehouseConfig:
        return WarehouseConfig(target=self.target, dialect=self.dialect, schema=self.schema,  # type: ignore[arg-type]
                               duckdb_path=self.duckdb_path, pg_dsn=self.pg_dsn)

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run dbt from the project directory against this warehouse, with its own target/ and logs/."""
        command = [DBT, *args, "--target", self.target, "--profiles-dir", str(self.directory),
                   "--target-path", str(self.directory / "target"), "--log-path", str(self.directory / "logs")]
        result = subprocess.run(command, cwd=PROJECT_DIR, env=_dbt_env() | self.env, capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
        return result

    def execute(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement in its own connection (so no lock outlives it); returns its rows."""
        if self.dialect == "duckdb":
            con = duckdb.connect(str(self.duckdb_path))
            try:
                res = con.execute(sql.replace("%s", "?"), params or [])
                return res.fetchall() if res.description else []
            finally:
                con.close()
        con = psycopg2.connect(**self.pg_dsn)  # type: ignore[arg-type]
        try:
            with con.cursor() as cur:
                cur.execute(sql, params or [])
                rows = cur.fetchall() if cur.description else []
            con.commit()
            return rows
        finally:
            con.close()

    def payloads(self) -> dict[int, tuple[dict[str, Any], str]]:
        """user_id -> (parsed payload, payload_hash). DuckDB returns JSON text, Postgres a dict."""
        rows = self.execute(f"select user_id, payload, payload_hash from {self.schema}.recap_payloads")
        return {int(u): (json.loads(p) if isinstance(p, str) else p, h) for u, p, h in rows}

    def write_payloads(self, payloads: list[dict[str, Any] | str], built_at: str | None = None,
                       source_data_until: str | None = None, source_schema: str | None = None) -> None:
        """(Re)create recap_payloads; a str entry is stored as-is (to test malformed rows).

        Like dbt's table, it has built_at (default: now, UTC), source_data_until and source_schema
        (default: null), the same on every row (models/marts/_marts__models.yml)."""
        json_type = "json" if self.dialect == "duckdb" else "jsonb"
        self.execute(f'create schema if not exists "{self.schema}"')
        self.execute(f'drop table if exists "{self.schema}".recap_payloads')
        self.execute(
            f'create table "{self.schema}".recap_payloads (user_id bigint, recap_year integer, payload {json_type}, '
            "payload_hash varchar, built_at timestamp, source_data_until timestamp, source_schema varchar)"
        )
        if built_at is None:
            built_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
        for i, payload in enumerate(payloads):
            text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            user_id = payload["user"]["id"] if isinstance(payload, dict) else 900000 + i
            self.execute(
                f'insert into "{self.schema}".recap_payloads values (%s, %s, %s, %s, %s, %s, %s)',
                [user_id, 2026, text, payload_hash(text), built_at, source_data_until, source_schema],
            )

    def jobs(self) -> dict[int, dict[str, Any]]:
        cols = ["user_id", "status", "attempts", "last_error", "output_uri", "poster_uri", "page_uri", "rendered_by", "payload_hash", "lease_owner"]
        rows = self.execute(f'select {", ".join(cols)} from "{self.schema}".render_jobs order by user_id')
        return {int(r[0]): dict(zip(cols, r, strict=True)) for r in rows}


def _dbt_env() -> dict[str, str]:
    """This process's environment without settings that would point dbt somewhere else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "RECAP_", "PG"))}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def _with_profiles(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_DIR / "profiles.example.yml", directory / "profiles.yml")
    return directory


def duckdb_warehouse(directory: Path) -> ScratchWarehouse:
    directory = _with_profiles(directory)
    path = directory / "warehouse.duckdb"
    env = {"RECAP_DUCKDB_PATH": str(path), "DBT_PROFILES_DIR": str(directory), "DBT_TARGET": "dev"}
    return ScratchWarehouse(dialect="duckdb", directory=directory, env=env, duckdb_path=path, schema="main")


def postgres_warehouse(directory: Path, dsn: dict[str, Any]) -> ScratchWarehouse:
    directory = _with_profiles(directory)
    env = {
        "PGHOST": str(dsn["host"]),
        "PGPORT": str(dsn["port"]),
        "PGUSER": str(dsn["user"]),
        "PGDATABASE": str(dsn["dbname"]),
        "RECAP_PG_SCHEMA": PG_SCHEMA,
        "DBT_PROFILES_DIR": str(directory),
        "DBT_TARGET": "postgres",
    }
    if dsn.get("password"):
        env["PGPASSWORD"] = str(dsn["password"])
    return ScratchWarehouse(dialect="postgres", directory=directory, env=env, pg_dsn=dict(dsn), schema=PG_SCHEMA)


def runner_env(warehouse: ScratchWarehouse, **extra: str) -> dict[str, str]:
    env = {**os.environ, **warehouse.env, "RECAP_KEY_SECRET": TEST_KEY_SECRET, "COLUMNS": "200", **extra}
    return env
