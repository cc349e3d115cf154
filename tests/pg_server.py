"""A real PostgreSQL server for tests: RECAP_TEST_POSTGRES_DSN, else 127.0.0.1:5432, else a throwaway
cluster started with the installed initdb/pg_ctl. Never a mock, never a skip in CI."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import psycopg2.extensions


@dataclass
class PgServer:
    host: str
    port: int
    user: str
    password: str | None = None
    admin_db: str = "postgres"
    _cluster_dir: Path | None = field(default=None, repr=False)

    def dsn(self, dbname: str | None = None) -> dict[str, object]:
        out: dict[str, object] = {"host": self.host, "port": self.port, "user": self.user, "dbname": dbname or self.admin_db}
        if self.password:
            out["password"] = self.password
        return out

    def env(self, dbname: str) -> dict[str, str]:
        """The libpq variables that profiles.example.yml's `postgres` target reads."""
        env = {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user, "PGDATABASE": dbname}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def create_database(self) -> str:
        name = f"recap_test_{uuid.uuid4().hex[:10]}"
        con = psycopg2.connect(**self.dsn())
        con.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with con.cursor() as cur:
            cur.execute(f'create database "{name}"')
        con.close()
        return name

    def drop_database(self, name: str) -> None:
        con = psycopg2.connect(**self.dsn())
        con.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with con.cursor() as cur:
            cur.execute(f'drop database if exists "{name}" with (force)')
        con.close()

    def restart_fast(self) -> None:
        """`pg_ctl restart -m fast` of a cluster this test started (never of a server it found)."""
        if self._cluster_dir is None:
            raise RuntimeError("only a throwaway cluster (start_throwaway_cluster) may be restarted by a test")
        # -l: without a log file the new server would hold pg_ctl's output pipe open, and we would wait forever
        _pg_ctl(self._cluster_dir, "-m", "fast", "-l", str(self._cluster_dir.parent / "log"), "restart")

    def stop(self) -> None:
        if self._cluster_dir is not None:
            _pg_ctl(self._cluster_dir, "stop", "-m", "immediate")
            shutil.rmtree(self._cluster_dir.parent, ignore_errors=True)


def _can_connect(**dsn: object) -> bool:
    try:
        psycopg2.connect(connect_timeout=3, **dsn).close()
        return True
    except psycopg2.OperationalError:
        return False


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / name).exists():
            return str(root / name)
    raise RuntimeError(f"PostgreSQL binary {name} not found; install postgresql or set RECAP_TEST_POSTGRES_DSN")


def _as_postgres_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def _pg_ctl(data: Path, *args: str) -> None:
    subprocess.run(_as_postgres_user([_pg_bin("pg_ctl"), "-D", str(data), "-w", *args]), check=True, capture_output=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_throwaway_cluster() -> PgServer:
    base = Path(tempfile.mkdtemp(prefix="recap-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
    subprocess.run(
        _as_postgres_user([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    port = free_port()
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={base} -c fsync=off -c full_page_writes=off"
    _pg_ctl(data, "-o", opts, "-l", str(base / "log"), "start")
    return PgServer(host="127.0.0.1", port=port, user="postgres", _cluster_dir=data)


def find_or_start_server() -> PgServer:
    url = os.environ.get("RECAP_TEST_POSTGRES_DSN")
    if url:
        params = psycopg2.extensions.parse_dsn(url)
        return PgServer(
            host=params.get("host", "127.0.0.1"),
            port=int(params.get("port", 5432)),
            user=params.get("user", "postgres"),
            password=params.get("password"),
            admin_db=params.get("dbname", "postgres"),
        )
    for user in ("postgres", "root"):
        if _can_connect(host="127.0.0.1", port=5432, user=user, dbname="postgres"):
            return PgServer(host="127.0.0.1", port=5432, user=user)
    return start_throwaway_cluster()


@contextmanager
def postgres_server() -> Iterator[PgServer]:
    server = find_or_start_server()
    try:
        yield server
    finally:
        server.stop()
