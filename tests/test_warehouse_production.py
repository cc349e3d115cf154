"""The warehouse on production-shaped data, on DuckDB and Postgres: another recap year and another
`min_dreams` than the defaults, a handful of bad raw rows that are quarantined instead of stopping
the build (every other payload exactly as the rules give without them), names with control and
bidi characters, a broken extract that stops the build before any payload changes, and vars that
are not numbers refused at once.

The expected payloads come from the plain-Python reading of the rules in tests/test_warehouse.py,
applied to the raw tables before the bad rows are added.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from render_runner.commands.demo_data import write_demo_data
from tests.test_warehouse import assert_payloads_follow_the_contract, reference_payloads
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, postgres_warehouse

YEAR = 2025  # not the default recap_year (2026)
MIN_DREAMS = 5  # not the default min_dreams (3)
AS_OF = "2025-12-20 00:00:00"  # the extract's clock: inside the recap year
# The emotion taxonomy has 27 rows, so its one bad key below is 7% of the table: over the default
# threshold (1%), as any bad row of a table under 100 rows is. Bad rows here must pass with a warning.
THRESHOLD = 0.1
VARS = (f"{{app_schema: app, recap_year: {YEAR}, min_dreams: {MIN_DREAMS}, as_of: '{AS_OF}', "
        f"quarantine_threshold: {THRESHOLD}}}")
RAW_TABLES = ("users", "dreams", "persons", "dream_persons", "places", "dream_places", "emotions", "dream_emotions")

# A user whose names carry controls and bidi overrides (U+202E shows a name reversed on the poster).
# Not a bad row: the names are cleaned, the user keeps their recap.
DIRTY_TEXT_USER = 900_002
DIRTY_NAME = "\u202eAna\u202c \u2066Lee\u2069\u0007"
DIRTY_PERSON = (90_000_010, DIRTY_TEXT_USER, "\u200eMo\u200fm\t\u0085")

# (source_table, source_key, reason) of every bad row added below.
EXPECTED_QUARANTINE = {
    ("dreams", "900000001", "missing author"),
    ("dreams", "900000002", "missing date"),
    ("dreams", "900000003", "in the future"),
    ("dreams", "900000004", "duplicate key"),
    ("users", "900001", "duplicate key"),
    ("persons", "90000001", "duplicate key"),
    ("places", "90000002", "missing owner"),
    ("emotions", "9001", "duplicate key"),
}


def _insert(warehouse: ScratchWarehouse, table: str, *rows: tuple[Any, ...]) -> None:
    for row in rows:
        placeholders = ", ".join(["%s"] * len(row))
        warehouse.execute(f"insert into app.{table} values ({placeholders})", list(row))


def _write_raw_data(warehouse: ScratchWarehouse) -> None:
    """Synthetic raw tables cut at the extract's clock, plus the user with dirty names."""
    write_demo_data(warehouse.config, schema="app", users=250, seed=5)
    warehouse.execute(f"delete from app.dreams where dreamt_at >= '{AS_OF}'")
    _insert(warehouse, "users", (DIRTY_TEXT_USER, DIRTY_NAME, "en", "Europe/Paris", "2024-01-01 00:00:00", None))
    _insert(warehouse, "dreams", *[(900_000_100 + day, DIRTY_TEXT_USER, f"2025-03-{day:02d} 08:00:00",
                                    False, False, None) for day in range(1, 7)])
    _insert(warehouse, "persons", DIRTY_PERSON)
    _insert(warehouse, "dream_persons", (900_000_101, DIRTY_PERSON[0]), (900_000_102, DIRTY_PERSON[0]))


def _add_bad_rows(warehouse: ScratchWarehouse) -> None:
    """A handful of rows that break a key or a required field, and links to them."""
    clean_dream, author = warehouse.execute(
        f"select dream_id, user_id from app.dreams where dreamt_at >= '{YEAR}-03-01' and deleted_at is null "
        "and user_id in (select user_id from app.users where deleted_at is null) order by dream_id limit 1")[0]
    _insert(warehouse, "dreams",
            (900_000_001, None, f"{YEAR}-05-01 10:00:00", False, False, None),   # no author
            (900_000_002, author, None, False, False, None),                      # no date
            (900_000_003, author, f"{YEAR}-12-24 10:00:00", True, False, None),   # after the extract's clock
            (900_000_004, author, f"{YEAR}-05-02 10:00:00", True, False, None),   # one key, two different rows
            (900_000_004, author, f"{YEAR}-05-02 10:00:00", False, False, None))
    # An exact copy of a clean dream counts once: nothing changes.
    warehouse.execute(f"insert into app.dreams select * from app.dreams where dream_id = {clean_dream}")
    # A user_id with two different rows: the user and, through them, their dreams leave.
    _insert(warehouse, "users", (900_001, "Twin A", "en", "UTC", "2024-01-01 00:00:00", None),
            (900_001, "Twin B", "en", "UTC", "2024-01-01 00:00:00", None))
    _insert(warehouse, "dreams", *[(900_000_010 + i, 900_001, f"{YEAR}-04-{i + 1:02d} 10:00:00", False, False, None)
                                   for i in range(6)])
    # Entities with a broken key or no owner, linked from a clean dream: the links are ignored.
    _insert(warehouse, "persons", (90_000_001, author, "Ghost"), (90_000_001, author, "Other ghost"))
    _insert(warehouse, "places", (90_000_002, None, "Nowhere"))
    _insert(warehouse, "emotions", (9001, "Dread"), (9001, "Awe"))
    _insert(warehouse, "dream_persons", (clean_dream, 90_000_001))
    _insert(warehouse, "dream_places", (clean_dream, 90_000_002))
    _insert(warehouse, "dream_emotions", (clean_dream, 9001))


def _read_raw(warehouse: ScratchWarehouse) -> dict[str, list[tuple[Any, ...]]]:
    return {table: warehouse.execute(f"select * from app.{table}") for table in RAW_TABLES}


def _build_dirty(warehouse: ScratchWarehouse) -> dict[str, Any]:
    """Raw data, the rules' payloads for it, then the bad rows and `dbt build`."""
    _write_raw_data(warehouse)
    raw = _read_raw(warehouse)
    _add_bad_rows(warehouse)
    result = warehouse.dbt("build", "--vars", VARS)
    zones = {row[0] for row in warehouse.execute(f"select time_zone_name from {warehouse.schema}.time_zones")}
    return {"warehouse": warehouse, "expected": reference_payloads(raw, zones, year=YEAR, min_dreams=MIN_DREAMS),
            "stdout": result.stdout}


@pytest.fixture(scope="module")
def dirty_duckdb(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _build_dirty(duckdb_warehouse(tmp_path_factory.mktemp("production-duckdb")))


@pytest.fixture(scope="module")
def dirty_postgres(tmp_path_factory: pytest.TempPathFactory, pg_server: Any) -> Iterator[dict[str, Any]]:
    dbname = pg_server.create_database()
    try:
        yield _build_dirty(postgres_warehouse(tmp_path_factory.mktemp("production-postgres"), pg_server.dsn(dbname)))
    finally:
        pg_server.drop_database(dbname)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def dirty(request: pytest.FixtureRequest) -> dict[str, Any]:
    return request.getfixturevalue(f"dirty_{request.param}")


@pytest.mark.slow
def test_bad_rows_are_quarantined_with_their_keys_and_reasons(dirty: dict[str, Any]) -> None:
    warehouse: ScratchWarehouse = dirty["warehouse"]
    rows = warehouse.execute(f"select source_table, source_key, reason from {warehouse.schema}.quarantined_rows")
    assert set(rows) == EXPECTED_QUARANTINE
    assert len(rows) == len(EXPECTED_QUARANTINE)


@pytest.mark.slow
def test_the_build_passes_with_a_warning_while_bad_rows_are_rare(dirty: dict[str, Any]) -> None:
    assert "WARN" in dirty["stdout"] and "warn_when_rows_are_quarantined" in dirty["stdout"]


@pytest.mark.slow
def test_every_other_payload_is_what_the_rules_give_without_the_bad_rows(dirty: dict[str, Any]) -> None:
    warehouse: ScratchWarehouse = dirty["warehouse"]
    expected = dirty["expected"]
    payloads = warehouse.payloads()
    assert_payloads_follow_the_contract(payloads)
    actual = {user_id: payload for user_id, (payload, _) in payloads.items()}
    assert len(expected) > 60 and DIRTY_TEXT_USER in expected
    assert actual.keys() == expected.keys()
    different = [u for u in expected if actual[u] != expected[u]]
    assert not different, (f"{len(different)} differ, e.g. user {different[0]}:\n"
                           f"{actual[different[0]]}\n{expected[different[0]]}")


@pytest.mark.slow
def test_names_lose_control_and_bidi_characters(dirty: dict[str, Any]) -> None:
    payload, _ = dirty["warehouse"].payloads()[DIRTY_TEXT_USER]
    assert payload["user"]["name"] == "Ana Lee"
    assert ["Mom", 2] in payload["persons"]


@pytest.mark.slow
def test_the_recap_year_and_min_dreams_come_from_the_vars(dirty: dict[str, Any]) -> None:
    warehouse: ScratchWarehouse = dirty["warehouse"]
    rows = warehouse.execute("select recap_year, is_eligible, total_dreams, ineligibility_reason "
                             f"from {warehouse.schema}.dreamer_years")
    assert {year for year, *_ in rows} == {YEAR}
    assert min(total for _, eligible, total, _ in rows if eligible) == MIN_DREAMS
    assert any(reason == "too_few_dreams" and total == MIN_DREAMS - 1 for _, _, total, reason in rows)


@pytest.mark.slow
def test_payloads_carry_the_build_time_and_their_newest_source_row(dirty: dict[str, Any]) -> None:
    warehouse: ScratchWarehouse = dirty["warehouse"]
    rows = warehouse.execute(f"select distinct cast(built_at as varchar), cast(source_data_until as varchar) "
                             f"from {warehouse.schema}.recap_payloads")
    assert len(rows) == 1
    built_at, until = rows[0]
    newest = warehouse.execute("select cast(max(dreamt_at) as varchar) from app.dreams "
                               f"where dreamt_at <= '{AS_OF}' and user_id is not null and dream_id <> 900000004")[0][0]
    assert until == newest  # the future dream is quarantined, so it is not the newest source row
    assert built_at > "2026-01-01"  # the real build time, not the extract's clock


@pytest.mark.slow
def test_a_broken_extract_fails_the_build_and_leaves_the_payloads_alone(
    dirty_duckdb: dict[str, Any], tmp_path: Path,
) -> None:
    source: ScratchWarehouse = dirty_duckdb["warehouse"]
    warehouse = duckdb_warehouse(tmp_path / "broken")
    shutil.copy(source.duckdb_path, warehouse.duckdb_path)  # type: ignore[arg-type]
    payloads_sql = "select user_id, payload_hash, built_at from main.recap_payloads order by user_id"
    before = warehouse.execute(payloads_sql)
    # Five bad dreams out of thousands are above a threshold of one in ten thousand.
    strict_vars = VARS.replace(f"quarantine_threshold: {THRESHOLD}", "quarantine_threshold: 1e-4")
    result = warehouse.dbt("build", "--vars", strict_vars, check=False)
    assert result.returncode != 0
    assert "assert_quarantine_stays_under_the_threshold" in result.stdout
    assert "SKIP relation main.recap_payloads" in result.stdout
    assert warehouse.execute(payloads_sql) == before


@pytest.mark.parametrize("bad_vars, message", [
    ("{recap_year: twenty}", 'var recap_year must be a whole number between 1970 and 2999, got "twenty"'),
    ("{recap_year: '2025; drop table x'}", "var recap_year must be a whole number"),
    ("{min_dreams: 2.5}", 'var min_dreams must be a whole number between 1 and 1000000, got "2.5"'),
    ("{min_dreams: 0}", "var min_dreams must be a whole number between 1 and 1000000, got 0"),
    ("{quarantine_threshold: lots}", "var quarantine_threshold must be a share between 0 and 1"),
    ("{as_of: yesterday}", "var as_of must be a UTC time"),
])
def test_vars_that_are_not_numbers_fail_at_once(tmp_path: Path, bad_vars: str, message: str) -> None:
    warehouse = duckdb_warehouse(tmp_path)
    result = warehouse.dbt("build", "--vars", bad_vars, check=False)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]
    assert not warehouse.duckdb_path.exists() or not warehouse.execute(  # type: ignore[union-attr]
        "select * from information_schema.tables where table_schema = 'main'")
