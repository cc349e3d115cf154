"""When `go` warns that the payloads it is about to render are stale (the rule; the end-to-end check
against real warehouses is in tests/test_runner.py)."""

from __future__ import annotations

import datetime as dt

from render_runner.commands.payload_age import PayloadAge

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
