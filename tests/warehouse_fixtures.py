"""Build small warehouses for runner tests: a `recap_payloads` table written directly from payload
dicts (the dbt models are tested on their own), on DuckDB or on a real Postgres database."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg2

PROJECT_DIR = Path(__file__).resolve().parent.parent

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
    """A warehouse plus the profiles.yml and environment a `render-runner` subprocess needs."""

    dialect: str
    profiles_dir: Path
    env: dict[str, str]
    duckdb_path: Path | None = None
    pg_dsn: dict[str, Any] | None = None
    schema: str = "main"

    @property
    def target(self) -> str:
        return "dev" if self.dialect == "duckdb" else "postgres"

    def execute(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        if self.dialect == "duckdb":
            con = duckdb.connect(str(self.duckdb_path))
            try:
                res = con.execute(sql.replace("%s", "?"), params or [])
                return res.fetchall() if res.description else []
            finally:
                con.close()
        con = psycopg2.connect(**self.pg_dsn)
        try:
            with con.cursor() as cur:
                cur.execute(sql, params or [])
                rows = cur.fetchall() if cur.description else []
            con.commit()
            return rows
        finally:
            con.close()

    def write_payloads(self, payloads: list[dict[str, Any] | str]) -> None:
        """(Re)create recap_payloads; a str entry is stored as-is (to test malformed rows)."""
        json_type = "json" if self.dialect == "duckdb" else "jsonb"
        self.execute(f'create schema if not exists "{self.schema}"')
        self.execute(f'drop table if exists "{self.schema}".recap_payloads')
        self.execute(
            f'create table "{self.schema}".recap_payloads (user_id bigint, recap_year integer, payload {json_type}, payload_hash varchar)'
        )
        for i, payload in enumerate(payloads):
            text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            user_id = payload["user"]["id"] if isinstance(payload, dict) else 900000 + i
            self.execute(
                f'insert into "{self.schema}".recap_payloads values (%s, %s, %s, %s)',
                [user_id, 2026, text, payload_hash(text)],
            )

    def jobs(self) -> dict[int, dict[str, Any]]:
        cols = ["user_id", "status", "attempts", "last_error", "output_uri", "poster_uri", "rendered_by", "payload_hash", "lease_owner"]
        rows = self.execute(f'select {", ".join(cols)} from "{self.schema}".render_jobs order by user_id')
        return {int(r[0]): dict(zip(cols, r)) for r in rows}


def write_profiles(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_DIR / "profiles.example.yml", directory / "profiles.yml")
    return directory


def duckdb_warehouse(tmp: Path) -> ScratchWarehouse:
    path = tmp / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    profiles = write_profiles(tmp / "profiles")
    env = {"RECAP_DUCKDB_PATH": str(path), "DBT_PROFILES_DIR": str(profiles), "DBT_TARGET": "dev"}
    return ScratchWarehouse(dialect="duckdb", profiles_dir=profiles, env=env, duckdb_path=path, schema="main")


def postgres_warehouse(tmp: Path, dsn: dict[str, Any]) -> ScratchWarehouse:
    profiles = write_profiles(tmp / "profiles")
    env = {
        "PGHOST": str(dsn["host"]),
        "PGPORT": str(dsn["port"]),
        "PGUSER": str(dsn["user"]),
        "PGDATABASE": str(dsn["dbname"]),
        "RECAP_PG_SCHEMA": "recap",
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_TARGET": "postgres",
    }
    if dsn.get("password"):
        env["PGPASSWORD"] = str(dsn["password"])
    return ScratchWarehouse(dialect="postgres", profiles_dir=profiles, env=env, pg_dsn=dsn, schema="recap")


def runner_env(warehouse: ScratchWarehouse, **extra: str) -> dict[str, str]:
    env = {**os.environ, **warehouse.env, "RECAP_KEY_SECRET": "test-secret", "COLUMNS": "200", **extra}
    return env
