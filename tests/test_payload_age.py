"""When `go` warns that the payloads it is about to render are stale (the rule; the end-to-end check
against real warehouses is in tests/test_runner.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from render_runner.commands.payload_age import PayloadAge, read_payload_age
from render_runner.db import open_database
from render_runner.profiles import load_config
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, make_payload, postgres_warehouse

NOW = dt.datetime(2026, 12, 31, 12, 0)
DAY = dt.timedelta(hours=24)


def test_fresh_payloads_built_from_the_newest_data_raise_no_warning() -> None:
    age = PayloadAge(built_at=NOW - dt.timedelta(hours=2), source_data_until=NOW - dt.timedelta(hours=3),
                     newest_source_dream=NOW - dt.timedelta(hours=3))
    assert age.warnings(NOW, DAY) == []
    assert age.describe() == "payloads built 2026-12-31 10:00 UTC from data until 2026-12-31 09:00 UTC"


def test_payloads_older_than_the_maximum_age_are_flagged_with_what_to_do() -> None:
    (warning,) = PayloadAge(built_at=NOW - dt.timedelta(hours=30), source_data_until=None, newest_source_dream=None).warnings(NOW, DAY)
    assert "30 h old (older than 24 h)" in warning and "dbt build" in warning


def test_payloads_missing_dreams_the_app_has_since_are_flagged() -> None:
    age = PayloadAge(built_at=NOW - dt.timedelta(hours=1), source_data_until=NOW - dt.timedelta(days=2),
                     newest_source_dream=NOW - dt.timedelta(minutes=5))
    (warning,) = age.warnings(NOW, DAY)
    assert "newer than the payloads" in warning and "2026-12-31 11:55 UTC" in warning


def test_time_zone_aware_and_naive_times_compare_in_utc() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    age = PayloadAge(built_at=dt.datetime(2026, 12, 31, 12, 30, tzinfo=paris), source_data_until=NOW,
                     newest_source_dream=dt.datetime(2026, 12, 31, 12, 59, tzinfo=paris))
    assert age.warnings(NOW, DAY) == []  # 11:30 and 11:59 UTC: built recently, no newer dream than 12:00


def test_a_table_without_build_columns_says_so() -> None:
    age = PayloadAge(built_at=None, source_data_until=None, newest_source_dream=None)
    assert age.warnings(NOW, DAY) == []
    assert "rebuild with dbt build" in age.describe()


# --- read from real warehouses -----------------------------------------------------------------


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScratchWarehouse:
    wh = duckdb_warehouse(tmp_path) if request.param == "duckdb" else postgres_warehouse(tmp_path, request.getfixturevalue("pg_database"))
    for key, value in wh.env.items():
        monkeypatch.setenv(key, value)
    return wh


def _read(wh: ScratchWarehouse) -> PayloadAge:
    with open_database(load_config(wh.profiles_dir, wh.target)) as db:
        return read_payload_age(db)


def test_the_runner_reads_the_build_time_and_finds_dreams_the_payloads_miss(warehouse: ScratchWarehouse) -> None:
    warehouse.write_payloads([make_payload(1)], built_at="2026-11-30 10:00:00", source_data_until="2026-11-30 09:00:00",
                             source_schema="app_raw")
    warehouse.execute("create schema app_raw")
    warehouse.execute("create table app_raw.dreams (dream_id bigint, dreamt_at timestamp)")
    warehouse.execute("insert into app_raw.dreams values (1, '2026-11-30 08:00:00'), (2, '2099-01-01 00:00:00')")
    age = _read(warehouse)
    assert (age.built_at, age.source_data_until) == (dt.datetime(2026, 11, 30, 10), dt.datetime(2026, 11, 30, 9))
    assert age.newest_source_dream == dt.datetime(2026, 11, 30, 8)  # a dream in the future does not count
    assert age.warnings(dt.datetime(2026, 11, 30, 12), DAY) == []

    warehouse.execute("insert into app_raw.dreams values (3, '2026-11-30 11:00:00')")  # the app moved on
    (warning,) = _read(warehouse).warnings(dt.datetime(2026, 11, 30, 12), DAY)
    assert "newer than the payloads" in warning


def test_payloads_without_build_columns_are_read_as_unknown(warehouse: ScratchWarehouse) -> None:
    warehouse.execute(f"create schema if not exists {warehouse.schema}")
    warehouse.execute(f"create table {warehouse.schema}.recap_payloads (user_id bigint, recap_year integer, payload_hash varchar)")
    assert _read(warehouse) == PayloadAge(built_at=None, source_data_until=None, newest_source_dream=None)
