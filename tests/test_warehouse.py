"""The dbt warehouse, built for real: `dbt build` on DuckDB and on Postgres, the demo stories, and
the same payloads from both warehouses for the same raw data.

dbt runs as a subprocess from the project directory, with its own profiles.yml, target and log
directories under tmp_path, so tests never touch ./warehouse.duckdb or ./target and can run side by
side. Building is the slow part (~3-10 s per dbt command), so warehouses are built once per module.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from render_runner.commands.demo_data import write_demo_data
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, postgres_warehouse

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCHEMA_FILE = PROJECT_DIR / "schemas" / "recap_payload.schema.json"


def assert_payloads_follow_the_contract(payloads: dict[int, tuple[dict[str, Any], str]]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text()))
    for user_id, (payload, _) in payloads.items():
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(payload)]
        assert not errors, f"payload of user {user_id} breaks the contract: {errors}"
        assert payload["user"]["id"] == user_id


# The demo seeds' stories (seeds/demo/_demo__seeds.yml), worked out by hand from the rules.
DEMO_AVERAGE = 11  # eligible totals 28, 15, 9, 7, 3, 7, 12, 3: mean 10.5, rounded half away from zero
EXPECTED_DEMO_PAYLOADS: dict[int, dict[str, Any]] = {
    1: {"user": {"id": 1, "name": "Ana", "locale": "en"}, "year": 2026,
        "dreams": {"total": 28, "difference": 17, "lucid": 9, "nightmares": 3, "average": 11, "previous_year": 5,
                   "top_percent": 13, "longest_streak": 6, "busiest_month": 3},
        "persons": [["John", 10], ["Dad", 9], ["Mom", 9]],
        "places": [["Elevator", 3], ["Swimming Pool", 3], ["School", 2]],
        "emotions": [["Friendship", 10], ["Agitation", 9], ["Relief", 8]]},
    2: {"user": {"id": 2, "name": "Élodie Lefèvre", "locale": "fr"}, "year": 2026,
        "dreams": {"total": 15, "difference": 4, "lucid": 8, "nightmares": 2, "average": 11, "previous_year": 1,
                   "top_percent": 25, "longest_streak": 3, "busiest_month": 4},
        "persons": [["Grand-mère", 5], ["Zoé", 4], ["Élise", 4]],
        "places": [["Café de Flore", 3], ["Métro", 2]],
        "emotions": [["Nostalgia", 6], ["Wonder", 5], ["Joy", 4]]},
    3: {"user": {"id": 3, "name": "Kai 🌙", "locale": "en"}, "year": 2026,
        "dreams": {"total": 9, "difference": -2, "lucid": 0, "nightmares": 1, "average": 11, "previous_year": 0,
                   "top_percent": 50, "longest_streak": 3, "busiest_month": 7},
        "persons": [["🐶 Biscuit", 4], ["Mika", 2]], "places": [["🏖️ Beach", 3]],
        "emotions": [["Wonder", 5], ["Awe", 4]]},
    4: {"user": {"id": 4, "name": None, "locale": None}, "year": 2026,
        "dreams": {"total": 7, "difference": -4, "lucid": 0, "nightmares": 0, "average": 11, "previous_year": 1,
                   "top_percent": 63, "longest_streak": 3, "busiest_month": 6},
        "persons": [["The Fox", 2]], "places": [], "emotions": [["Fear", 1]]},
    5: {"user": {"id": 5, "name": "Sam", "locale": "en"}, "year": 2026,
        "dreams": {"total": 3, "difference": -8, "lucid": 3, "nightmares": 0, "average": 11, "previous_year": 0,
                   "top_percent": 88, "longest_streak": 3, "busiest_month": 4},
        "persons": [], "places": [], "emotions": []},
    6: {"user": {"id": 6, "name": "Maximiliana Alexandrovna Konstantinopoulou-Vanderbilt de la Fuente y Montenegro",
                 "locale": "en"}, "year": 2026,
        "dreams": {"total": 7, "difference": -4, "lucid": 0, "nightmares": 1, "average": 11, "previous_year": 4,
                   "top_percent": 63, "longest_streak": 1, "busiest_month": 2},
        "persons": [], "places": [["River", 2]], "emotions": [["Sadness", 2], ["Anxiety", 1]]},
    7: {"user": {"id": 7, "name": "Ravi", "locale": "en"}, "year": 2026,
        "dreams": {"total": 12, "difference": 1, "lucid": 2, "nightmares": 0, "average": 11, "previous_year": 0,
                   "top_percent": 38, "longest_streak": 4, "busiest_month": 3},
        "persons": [["Guru", 6], ["Amma", 1]], "places": [["Temple", 2]], "emotions": [["Relief", 12]]},
    8: {"user": {"id": 8, "name": "Noor", "locale": "en"}, "year": 2026,
        "dreams": {"total": 3, "difference": -8, "lucid": 0, "nightmares": 0, "average": 11, "previous_year": 0,
                   "top_percent": 88, "longest_streak": 2, "busiest_month": 5},
        "persons": [["Cat", 1]], "places": [], "emotions": []},
}
EXPECTED_INELIGIBLE = {9: "user_deleted", 10: "too_few_dreams", 11: "no_dreams_in_recap_year", 12: "too_few_dreams"}


@pytest.fixture(scope="module")
def demo_duckdb(tmp_path_factory: pytest.TempPathFactory) -> ScratchWarehouse:
    """The out-of-the-box demo: plain `dbt build` (only scratch paths added) on a fresh DuckDB file."""
    warehouse = duckdb_warehouse(tmp_path_factory.mktemp("demo-duckdb"))
    warehouse.dbt("build")
    return warehouse


def test_plain_dbt_build_on_duckdb_renders_the_demo_stories(demo_duckdb: ScratchWarehouse) -> None:
    payloads = demo_duckdb.payloads()
    assert_payloads_follow_the_contract(payloads)
    assert {user_id: payload for user_id, (payload, _) in payloads.items()} == EXPECTED_DEMO_PAYLOADS


def test_demo_dreamer_years_explain_who_gets_no_recap(demo_duckdb: ScratchWarehouse) -> None:
    rows = demo_duckdb.execute(
        "select user_id, is_eligible, ineligibility_reason from main.dreamer_years order by user_id")
    assert {u: r for u, e, r in rows if not e} == EXPECTED_INELIGIBLE
    assert {u for u, e, _ in rows if e} == set(EXPECTED_DEMO_PAYLOADS)
    assert 99 not in {u for u, _, _ in rows}  # dreams of a user that does not exist


def test_demo_seeds_load_into_their_own_schema_and_never_into_app(demo_duckdb: ScratchWarehouse) -> None:
    tables = demo_duckdb.execute("select table_schema, table_name from information_schema.tables")
    schemas = {schema for schema, _ in tables}
    assert ("app_demo", "dreams") in tables
    assert "app" not in schemas
    assert ("main", "render_jobs") not in tables  # the runner's table: declared as a source, never built


def test_payload_hash_is_the_md5_of_the_canonical_payload_text(demo_duckdb: ScratchWarehouse) -> None:
    import hashlib

    rows = demo_duckdb.execute("select cast(payload as varchar), payload_hash from main.recap_payloads")
    for payload_text, payload_hash in rows:
        assert hashlib.md5(payload_text.encode()).hexdigest() == payload_hash
        assert json.dumps(json.loads(payload_text), ensure_ascii=False, separators=(",", ":")) == payload_text


def test_contract_test_fails_on_a_payload_that_breaks_the_schema(demo_duckdb: ScratchWarehouse, tmp_path: Path) -> None:
    warehouse = duckdb_warehouse(tmp_path / "broken")
    shutil.copy(demo_duckdb.duckdb_path, warehouse.duckdb_path)  # type: ignore[arg-type]
    bad = json.loads(json.dumps(EXPECTED_DEMO_PAYLOADS[1]))
    bad["dreams"]["top_percent"] = 0
    bad["persons"].append(["Zed", 1])  # four items
    bad["user"]["extra"] = True
    warehouse.execute(f"update main.recap_payloads set payload = '{json.dumps(bad)}' where user_id = 1")
    result = warehouse.dbt("test", "--select", "recap_payloads_payload_matches_contract", "--store-failures",
                           check=False)
    assert result.returncode != 0, result.stdout[-3000:]
    problems = warehouse.execute("select problems from dbt_test__audit.recap_payloads_payload_matches_contract")
    assert len(problems) == 1
    text = problems[0][0]
    assert "dreams.top_percent" in text and "persons must be an array of at most 3" in text and "object user" in text


def test_production_vars_point_the_source_at_app_and_disable_the_demo_seeds(demo_duckdb: ScratchWarehouse) -> None:
    result = demo_duckdb.dbt("ls", "--resource-type", "seed", "--vars", "{app_schema: app}", "--output", "name", "-q")
    assert result.stdout.split() == ["time_zones"]
    compiled = demo_duckdb.dbt("compile", "--select", "base_app__dreams", "--vars", "{app_schema: app}", "-q")
    assert '"app"."dreams"' in compiled.stdout and "depends_on" not in compiled.stdout


def test_nothing_tests_or_builds_the_runner_job_table(demo_duckdb: ScratchWarehouse) -> None:
    result = demo_duckdb.dbt("ls", "--select", "source:runner.render_jobs+", "--output", "name", "-q")
    listed = result.stdout.split()
    assert all(not name.startswith(("test", "unique", "not_null")) for name in listed), listed
    assert set(listed) <= {"runner.render_jobs", "dream_recap_app"}


def test_dbt_docs_generate_works_offline(demo_duckdb: ScratchWarehouse) -> None:
    demo_duckdb.dbt("docs", "generate")
    catalog = json.loads((demo_duckdb.directory / "target" / "catalog.json").read_text())
    assert "model.dream_recap.recap_payloads" in catalog["nodes"]


@pytest.mark.postgres
def test_plain_dbt_build_on_postgres_renders_the_same_demo(pg_database: dict[str, Any], tmp_path: Path) -> None:
    warehouse = postgres_warehouse(tmp_path, pg_database)
    warehouse.dbt("build")
    payloads = warehouse.payloads()
    assert_payloads_follow_the_contract(payloads)
    assert {user_id: payload for user_id, (payload, _) in payloads.items()} == EXPECTED_DEMO_PAYLOADS
    assert warehouse.execute("select data_type from information_schema.columns where table_name = 'recap_payloads' "
                           "and column_name = 'payload'") == [("jsonb",)]


SYNTHETIC_AS_OF = "2027-01-05 00:00:00"  # render_runner.demo_data writes dreams up to this instant


@pytest.fixture(scope="module")
def synthetic_warehouses(
    tmp_path_factory: pytest.TempPathFactory, pg_server: Any,
) -> Iterator[tuple[ScratchWarehouse, ScratchWarehouse]]:
    """The same synthetic raw data (write_demo_data, 400 users) built on DuckDB and on Postgres."""
    dbname = pg_server.create_database()
    try:
        duck = duckdb_warehouse(tmp_path_factory.mktemp("synthetic-duckdb"))
        pg = postgres_warehouse(tmp_path_factory.mktemp("synthetic-postgres"), pg_server.dsn(dbname))
        for warehouse in (duck, pg):
            write_demo_data(warehouse.config, schema="app", users=400, seed=7)
            # The synthetic dreams run to 2027-01-05: built on an earlier day, they would be "in the future".
            warehouse.dbt("build", "--vars", f"{{app_schema: app, as_of: '{SYNTHETIC_AS_OF}'}}")
        yield duck, pg
    finally:
        pg_server.drop_database(dbname)


@pytest.mark.postgres
@pytest.mark.slow
def test_duckdb_and_postgres_give_identical_payloads_for_the_same_raw_data(
    synthetic_warehouses: tuple[ScratchWarehouse, ScratchWarehouse],
) -> None:
    duck, pg = synthetic_warehouses
    duck_payloads, pg_payloads = duck.payloads(), pg.payloads()
    assert len(duck_payloads) > 200
    assert_payloads_follow_the_contract(duck_payloads)
    assert duck_payloads.keys() == pg_payloads.keys()
    different = [u for u in duck_payloads if duck_payloads[u][0] != pg_payloads[u][0]]
    assert not different, (f"{len(different)} payloads differ, e.g. {duck_payloads[different[0]][0]} "
                           f"vs {pg_payloads[different[0]][0]}")
    assert {u: h for u, (_, h) in duck_payloads.items()} == {u: h for u, (_, h) in pg_payloads.items()}


@pytest.mark.postgres
@pytest.mark.slow
def test_duckdb_and_postgres_agree_on_every_dreamer_year(
    synthetic_warehouses: tuple[ScratchWarehouse, ScratchWarehouse],
) -> None:
    duck, pg = synthetic_warehouses
    sql = ("select user_id, is_eligible, ineligibility_reason, logged_dreams, total_dreams, previous_year_dreams, "
           "lucid_dreams, nightmare_dreams, longest_streak_days, longest_streak_start_date, busiest_month, "
           "average_dreams, top_percent, time_zone_name, display_name from {schema}.dreamer_years order by user_id")
    duck_rows = duck.execute(sql.format(schema=duck.schema))
    pg_rows = pg.execute(sql.format(schema=pg.schema))
    assert len(duck_rows) > 300
    assert [tuple(map(str, r)) for r in duck_rows] == [tuple(map(str, r)) for r in pg_rows]


# --- An independent oracle: the rules in plain Python, applied to the raw tables --------------

def reference_payloads(raw: dict[str, list[tuple[Any, ...]]], zones: set[str], year: int = 2026,
                       min_dreams: int = 3) -> dict[int, dict[str, Any]]:
    """Compute every payload from the raw rows with the rules as written in the issue (no SQL)."""
    import datetime as dt
    import math
    import re
    from collections import Counter, defaultdict
    from zoneinfo import ZoneInfo

    unsafe = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

    def clean(text: str | None) -> str | None:
        return (text.strip() or None) if text is not None else None

    def clean_name(text: str | None) -> str | None:  # names also lose control and bidi characters
        return clean(unsafe.sub("", text)) if text is not None else None

    by_lower = {zone.lower(): zone for zone in zones}
    users = {}
    for user_id, name, locale, zone, _, deleted_at in raw["users"]:
        zone = clean(zone)
        users[user_id] = {"name": clean_name(name), "locale": clean(locale), "deleted": deleted_at is not None,
                          "zone": ZoneInfo(by_lower.get(zone.lower(), "UTC") if zone else "UTC")}
    local_dates: dict[int, tuple[int, dt.date]] = {}  # counted dream -> (user, local date)
    flags: dict[int, tuple[bool, bool]] = {}
    for dream_id, user_id, dreamt_at, lucid, nightmare, deleted_at in raw["dreams"]:
        user = users.get(user_id)
        if deleted_at is not None or user is None or user["deleted"]:
            continue
        local = dreamt_at.replace(tzinfo=dt.UTC).astimezone(user["zone"])
        local_dates[dream_id] = (user_id, local.date())
        flags[dream_id] = (bool(lucid), bool(nightmare))
    this_year = {d: v for d, v in local_dates.items() if v[1].year == year}
    totals = Counter(u for u, _ in this_year.values())
    previous = Counter(u for u, day in local_dates.values() if day.year == year - 1)
    eligible = {u: n for u, n in totals.items() if n >= min_dreams}
    average = (2 * sum(eligible.values()) + len(eligible)) // (2 * len(eligible))  # half away from zero

    mentions: dict[tuple[int, str], dict[str, dict[str, set[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set)))
    for kind, links, entities, owned in (("persons", "dream_persons", "persons", True),
                                         ("places", "dream_places", "places", True),
                                         ("emotions", "dream_emotions", "emotions", False)):
        names = {row[0]: (row[1] if owned else None, clean_name(row[-1])) for row in raw[entities]}
        for dream_id, entity_id in raw[links]:
            if dream_id not in this_year or entity_id not in names:
                continue
            owner, name = names[entity_id]
            user_id = this_year[dream_id][0]
            if name is None or (owned and owner != user_id):
                continue
            mentions[(user_id, kind)][name.lower()][name].add(dream_id)

    def top3(user_id: int, kind: str) -> list[list[Any]]:
        ranked = []
        for key, spellings in mentions.get((user_id, kind), {}).items():
            dreams = set().union(*spellings.values())
            shown = min(spellings, key=lambda s: (-len(spellings[s]), s))
            ranked.append((-len(dreams), key, shown))
        return [[shown, -count] for count, _, shown in sorted(ranked)[:3]]

    payloads = {}
    for user_id, total in eligible.items():
        days = sorted({day for u, day in this_year.values() if u == user_id})
        longest = run = 1
        for before, after in zip(days, days[1:], strict=False):
            run = run + 1 if (after - before).days == 1 else 1
            longest = max(longest, run)
        months = Counter(day.month for u, day in this_year.values() if u == user_id)
        user = users[user_id]
        locale = user["locale"] if user["locale"] is None or len(user["locale"]) <= 35 else None
        payloads[user_id] = {
            "user": {"id": user_id, "name": user["name"][:200] if user["name"] else None, "locale": locale},
            "year": year,
            "dreams": {
                "total": total, "difference": total - average,
                "lucid": sum(flags[d][0] for d, (u, _) in this_year.items() if u == user_id),
                "nightmares": sum(flags[d][1] for d, (u, _) in this_year.items() if u == user_id),
                "average": average, "previous_year": previous[user_id],
                "top_percent": math.ceil(100 * (1 + sum(n > total for n in eligible.values())) / len(eligible)),
                "longest_streak": longest,
                "busiest_month": min(months, key=lambda m: (-months[m], m)),
            },
            "persons": top3(user_id, "persons"), "places": top3(user_id, "places"),
            "emotions": top3(user_id, "emotions"),
        }
    return payloads


@pytest.mark.postgres
@pytest.mark.slow
def test_warehouse_payloads_match_a_plain_python_reading_of_the_rules(
    synthetic_warehouses: tuple[ScratchWarehouse, ScratchWarehouse],
) -> None:
    duck, _ = synthetic_warehouses
    raw = {table: duck.execute(f"select * from app.{table}") for table in
           ("users", "dreams", "persons", "dream_persons", "places", "dream_places", "emotions", "dream_emotions")}
    zones = {row[0] for row in duck.execute("select time_zone_name from main.time_zones")}
    expected = reference_payloads(raw, zones)
    assert len(expected) > 200
    actual = {user_id: payload for user_id, (payload, _) in duck.payloads().items()}
    assert actual.keys() == expected.keys()
    different = [u for u in expected if actual[u] != expected[u]]
    assert not different, (f"{len(different)} differ, e.g. user {different[0]}:\n"
                           f"{actual[different[0]]}\n{expected[different[0]]}")
