"""`write_demo_data`: synthetic raw app tables that are deterministic, dirty on purpose, and the same
on DuckDB and Postgres."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest

from render_runner.commands.demo_data import TABLES, write_demo_data
from render_runner.db import WarehouseConfig
from render_runner.errors import RecapError


def _duckdb_config(path: Path) -> WarehouseConfig:
    return WarehouseConfig(target="dev", dialect="duckdb", schema="main", duckdb_path=path)


def _duckdb_rows(path: Path, table: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * from app.{table} order by all").fetchall()
    finally:
        con.close()


def test_same_seed_writes_the_same_rows_and_reports_them(tmp_path: Path) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    counts = write_demo_data(_duckdb_config(first), users=150, seed=3)
    assert write_demo_data(_duckdb_config(second), users=150, seed=3) == counts
    assert set(counts) == set(TABLES)
    assert counts["users"] == 150 and counts["dreams"] > 150 * 5
    for table in TABLES:
        rows = _duckdb_rows(first, table)
        assert len(rows) == counts[table]
        assert rows == _duckdb_rows(second, table)
    assert write_demo_data(_duckdb_config(tmp_path / "c.duckdb"), users=150, seed=4) != counts


def test_demo_data_is_dirty_in_every_way_the_rules_handle(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    write_demo_data(_duckdb_config(path), users=600, seed=11)
    con = duckdb.connect(str(path), read_only=True)

    def one(sql: str) -> Any:
        return con.execute(sql).fetchone()[0]  # type: ignore[index]

    try:
        assert one("select count(*) from app.users where deleted_at is not null") > 0
        assert one("select count(*) from app.dreams where deleted_at is not null") > 0
        assert one("select count(*) from app.users where timezone is null") > 0
        assert one("select count(*) from app.users where timezone in ('Mars/Olympus_Mons', 'PST', 'europe/paris')") > 0
        assert one("select count(distinct timezone) from app.users") > 40
        assert one("select count(*) from app.users where display_name = '' or display_name is null") > 0
        # case variants of one name for one user ("Mom" and "mom ")
        assert one("select count(*) from (select user_id, lower(trim(name)) from app.persons "
                   "group by all having count(distinct name) > 1)") > 0
        assert one("select count(*) from app.persons where regexp_matches(name, '[^\\x00-\\x7F]')") > 0
        assert one("select count(*) from (select dream_id, person_id from app.dream_persons "
                   "group by all having count(*) > 1)") > 0
        assert one("select count(*) from app.dream_persons l join app.dreams d using (dream_id) "
                   "join app.persons p using (person_id) where p.user_id <> d.user_id") > 0
        assert one("select count(*) from app.dream_emotions "
                   "where dream_id not in (select dream_id from app.dreams)") > 0
        assert one("select count(*) from app.dreams where user_id not in (select user_id from app.users)") > 0
        # skewed: the busiest dreamers log many times the median
        assert one("select max(n) / median(n) from (select count(*) as n from app.dreams group by user_id)") > 8
        # whitespace survives the load (quoted CSV), as does a blank string next to a null
        assert one("select count(*) from app.persons where name <> trim(name)") > 0
    finally:
        con.close()


def test_demo_data_refuses_to_write_into_the_dbt_target_schema(tmp_path: Path) -> None:
    with pytest.raises(RecapError):
        write_demo_data(_duckdb_config(tmp_path / "w.duckdb"), schema="main", users=5)


@pytest.mark.postgres
def test_postgres_gets_exactly_the_rows_duckdb_gets(tmp_path: Path, pg_database: dict[str, Any]) -> None:
    path = tmp_path / "w.duckdb"
    counts = write_demo_data(_duckdb_config(path), users=120, seed=5)
    config = WarehouseConfig(target="postgres", dialect="postgres", schema="recap", pg_dsn=dict(pg_database))
    assert write_demo_data(config, users=120, seed=5) == counts
    con = psycopg2.connect(**pg_database)
    try:
        with con.cursor() as cur:
            for table, columns in TABLES.items():
                order = ", ".join(f"{c} nulls first" for c, _ in columns)
                cur.execute(f"select * from app.{table} order by {order}")
                pg_rows = cur.fetchall()
                duck = duckdb.connect(str(path), read_only=True)
                try:
                    duck_rows = duck.execute(f"select * from app.{table} order by {order}").fetchall()
                finally:
                    duck.close()
                assert pg_rows == duck_rows, table
    finally:
        con.close()
