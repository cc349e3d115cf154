"""Synthetic raw app tables for scale tests: `render-runner demo-data --users N --seed S`.

Writes the eight tables of the `app` source contract (see models/staging/_app__sources.yml) into a
schema of any warehouse, replacing them if they exist. The data is realistic and dirty on purpose:
skewed dreams per user (most users dream a little, a few a lot), names in case variants ("Mom",
"mom ", " MOM"), accents, emoji and other scripts, blank names, many IANA time zones plus null and
unknown ones, deleted users and dreams, duplicate links, links to other users' persons and places,
and links to rows that do not exist.

The same (users, seed) gives the same rows on every warehouse: rows are generated once into CSV
files and bulk-loaded (`Database.load_csv`: DuckDB `read_csv`, Postgres `COPY FROM STDIN`), which also keeps 30,000 users
/ ~1,000,000 dreams to tens of seconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from render_runner.db import Database, WarehouseConfig, open_database
from render_runner.errors import RecapError

# Table name -> [(column, type)], the app source contract. Types are valid on DuckDB and Postgres.
TABLES: dict[str, list[tuple[str, str]]] = {
    "users": [("user_id", "bigint"), ("display_name", "text"), ("locale", "text"), ("timezone", "text"),
              ("created_at", "timestamp"), ("deleted_at", "timestamp")],
    "dreams": [("dream_id", "bigint"), ("user_id", "bigint"), ("dreamt_at", "timestamp"), ("is_lucid", "boolean"),
               ("is_nightmare", "boolean"), ("deleted_at", "timestamp")],
    "persons": [("person_id", "bigint"), ("user_id", "bigint"), ("name", "text")],
    "dream_persons": [("dream_id", "bigint"), ("person_id", "bigint")],
    "places": [("place_id", "bigint"), ("user_id", "bigint"), ("name", "text")],
    "dream_places": [("dream_id", "bigint"), ("place_id", "bigint")],
    "emotions": [("emotion_id", "bigint"), ("name", "text")],
    "dream_emotions": [("dream_id", "bigint"), ("emotion_id", "bigint")],
}

NULL = r"\N"  # the CSV null marker; strings are always quoted, so a name can never be mistaken for it

FIRST_NAMES = [
    "Ana", "Élodie", "José", "Zoë", "Björn", "Łukasz", "Søren", "Chloé", "Noémie", "Kai", "Mika", "Ravi",
    "Aïcha", "Nguyễn", "李雷", "Наташа", "محمد", "Sam", "Lee", "Priya", "Olu", "Mateo", "Inès", "Hana",
    "Kai 🌙", "✨ Stella ✨", "Maximiliana Alexandrovna Konstantinopoulou-Vanderbilt", "François-Xavier",
]
LOCALES = ["en"] * 10 + ["fr"] * 4 + ["de", "es", "pt-BR", "ja", "en-GB", " fr ", "", None, None]
# Zones that exist on both DuckDB (ICU) and Postgres, including half-hour, 45-minute and far-east
# offsets and southern-hemisphere summer time; plus null, blank, unknown and badly spelled ones.
TIME_ZONES = [
    "America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Anchorage", "America/Sao_Paulo", "America/Mexico_City", "America/Bogota", "America/Toronto",
    "America/Argentina/Buenos_Aires", "America/St_Johns", "America/Halifax", "Pacific/Honolulu",
    "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Lisbon",
    "Europe/Dublin", "Europe/Warsaw", "Europe/Kyiv", "Europe/Istanbul", "Europe/Moscow", "Africa/Lagos",
    "Africa/Cairo", "Africa/Johannesburg", "Africa/Nairobi", "Africa/Casablanca", "Asia/Tokyo", "Asia/Seoul",
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dubai",
    "Asia/Tehran", "Asia/Jakarta", "Asia/Manila", "Asia/Karachi", "Asia/Dhaka", "Australia/Sydney",
    "Australia/Adelaide", "Australia/Perth", "Australia/Eucla", "Pacific/Auckland", "Pacific/Chatham",
    "Pacific/Kiritimati", "Pacific/Pago_Pago", "Atlantic/Reykjavik", "UTC", "Etc/GMT+12", "US/Pacific",
]
ODD_TIME_ZONES = [None, None, None, "", "Mars/Olympus_Mons", "PST", "europe/paris", " Asia/Tokyo ", "GMT+25"]
PERSON_NAMES = [
    "Mom", "Dad", "John", "Grandma", "Grand-mère", "Sister", "Brother", "Best Friend", "The Teacher", "Boss",
    "Ex", "Neighbour", "Élise", "Zoé", "José", "Björn", "Chloé", "Aïcha", "李雷", "Наташа", "🐶 Biscuit",
    "Baby", "A Stranger", "Grandpa 👴🏽", "Ana", "Kai", "Mika", "Ravi", "Doctor", "Old Friend",
]
PLACE_NAMES = [
    "Home", "School", "Office", "Beach", "Forest", "Swimming Pool", "Elevator", "Airport", "Train", "Café de Flore",
    "Hôpital", "Mountain", "City", "🏖️ Beach", "Old House", "Attic", "Underwater", "Space", "Castle", "Supermarket",
    "Grandma's Kitchen", "Église", "東京", "Bridge",
]
EMOTION_NAMES = [
    "Joy", "Fear", "Friendship", "Agitation", "Relief", "Wonder", "Sadness", "Anxiety", "Anger", "Love",
    "Nostalgia", "Confusion", "Shame", "Awe", "Calm", "Surprise", "Guilt", "Excitement", "Loneliness", "Hope",
]
# Taxonomy rows that are dirty: case variants of existing emotions and a blank one.
EMOTION_VARIANTS = ["joy ", " FEAR", "nostalgia", "\u00a0Calm", "   "]

WINDOW_START = dt.datetime(2024, 12, 25)  # a little before the previous year, for time zone edges
WINDOW_SECONDS = int((dt.datetime(2027, 1, 5) - WINDOW_START).total_seconds())


def _variant(name: str, rng: random.Random) -> str:
    """Another spelling of the same entity: case and surrounding whitespace change, the key does not."""
    return rng.choice([name.lower() + " ", " " + name.upper(), "\t" + name, name + "\u00a0", name.lower()])


def _field(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return str(value.replace(microsecond=0))
    return '"' + str(value).replace('"', '""') + '"'


class _CsvTables:
    """One CSV file per table in a temporary directory, written row by row."""

    def __init__(self, directory: Path) -> None:
        self.paths = {name: directory / f"{name}.csv" for name in TABLES}
        self.files = {name: path.open("w", encoding="utf-8", newline="") for name, path in self.paths.items()}
        self.counts = dict.fromkeys(TABLES, 0)

    def writer(self, table: str) -> Callable[[Iterable[Any]], None]:
        """A function writing one row of Python values (None, bool, int, datetime, str)."""
        file = self.files[table]
        counts = self.counts

        def write(row: Iterable[Any]) -> None:
            file.write(",".join(map(_field, row)) + "\n")
            counts[table] += 1

        return write

    def pair_writer(self, table: str) -> Callable[[int, int], None]:
        """A faster writer for the two-integer link tables (most of the rows)."""
        file = self.files[table]
        counts = self.counts

        def write(left: int, right: int) -> None:
            file.write(f"{left},{right}\n")
            counts[table] += 1

        return write

    def close(self) -> None:
        for file in self.files.values():
            file.close()


def _generate(tables: _CsvTables, users: int, rng: random.Random) -> None:
    write_user, write_dream = tables.writer("users"), tables.writer("dreams")
    write_person, write_place = tables.writer("persons"), tables.writer("places")
    write_dream_person, write_dream_place = tables.pair_writer("dream_persons"), tables.pair_writer("dream_places")
    write_emotion, write_dream_emotion = tables.writer("emotions"), tables.pair_writer("dream_emotions")

    emotion_ids = list(range(1, len(EMOTION_NAMES) + 1))
    for emotion_id, name in enumerate(EMOTION_NAMES + EMOTION_VARIANTS, start=1):
        write_emotion((emotion_id, name))
    all_emotion_ids = list(range(1, len(EMOTION_NAMES) + len(EMOTION_VARIANTS) + 1))
    # Popularity of emotions is skewed (Zipf-like) so rankings have leaders and ties.
    emotion_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(all_emotion_ids))))

    dream_id = person_id = place_id = 0
    for user_id in range(1, users + 1):
        is_deleted_user = rng.random() < 0.02
        created = WINDOW_START - dt.timedelta(days=rng.randint(0, 900))
        zone = rng.choice(ODD_TIME_ZONES) if rng.random() < 0.12 else rng.choice(TIME_ZONES)
        name = rng.choice(FIRST_NAMES)
        name = rng.choice([None, "", "   ", name.upper(), f"  {name} "]) if rng.random() < 0.1 else name
        write_user((user_id, name, rng.choice(LOCALES), zone, created,
                    created + dt.timedelta(days=rng.randint(1, 700)) if is_deleted_user else None))

        # The user's own persons and places, a few in case variants or blank.
        own_persons: list[int] = []
        for person in rng.sample(PERSON_NAMES, rng.randint(0, 10)):
            person_id += 1
            write_person((person_id, user_id, person))
            own_persons.append(person_id)
            if rng.random() < 0.15:
                person_id += 1
                write_person((person_id, user_id, _variant(person, rng)))
                own_persons.append(person_id)
        if rng.random() < 0.03:
            person_id += 1
            write_person((person_id, user_id, rng.choice(["", "  ", "\t"])))
            own_persons.append(person_id)
        own_places: list[int] = []
        for place in rng.sample(PLACE_NAMES, rng.randint(0, 6)):
            place_id += 1
            write_place((place_id, user_id, place))
            own_places.append(place_id)
            if rng.random() < 0.1:
                place_id += 1
                write_place((place_id, user_id, _variant(place, rng)))
                own_places.append(place_id)
        person_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(own_persons))))
        place_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(own_places))))

        # Dreams per user: log-normal, mean ~33, a long tail of prolific dreamers.
        for _ in range(min(int(rng.lognormvariate(3.0, 1.0)), 3000)):
            dream_id += 1
            dreamt_at = WINDOW_START + dt.timedelta(seconds=rng.randrange(WINDOW_SECONDS))
            flags = rng.random()
            is_lucid = None if flags < 0.05 else flags < 0.3
            is_nightmare = None if flags > 0.95 else rng.random() < 0.15
            deleted = dreamt_at + dt.timedelta(days=1) if rng.random() < 0.03 else None
            write_dream((dream_id, user_id, dreamt_at, is_lucid, is_nightmare, deleted))
            if own_persons:
                # choices() draws with replacement: the occasional duplicate link row is intended.
                for linked in rng.choices(own_persons, cum_weights=person_weights, k=rng.choice((0, 1, 1, 2, 3))):
                    write_dream_person(dream_id, linked)
            if own_places:
                for linked in rng.choices(own_places, cum_weights=place_weights, k=rng.choice((0, 0, 1, 1, 2))):
                    write_dream_place(dream_id, linked)
            for linked in rng.choices(all_emotion_ids, cum_weights=emotion_weights, k=rng.choice((0, 1, 2, 3))):
                write_dream_emotion(dream_id, linked)
            dirt = rng.random()
            if dirt < 0.004 and person_id:  # another user's person (or, rarely, one that does not exist)
                write_dream_person(dream_id, rng.randint(1, person_id + 50))
            elif dirt < 0.006 and place_id:
                write_dream_place(dream_id, rng.randint(1, place_id + 50))
            elif dirt < 0.008:  # a link to a dream that does not exist
                write_dream_emotion(10**12 + dream_id, rng.choice(emotion_ids))

    # Dreams of users that do not exist.
    for _ in range(max(1, users // 200)):
        dream_id += 1
        write_dream((dream_id, users + rng.randint(1, 1000),
                     WINDOW_START + dt.timedelta(seconds=rng.randrange(WINDOW_SECONDS)), False, False, None))


def _load(db: Database, schema: str, paths: dict[str, Path]) -> None:
    db.execute(f"create schema if not exists {db.quote(schema)}")
    for table, columns in TABLES.items():
        relation = db.table(table, schema)
        db.execute(f"drop table if exists {relation}")
        db.execute(f"create table {relation} ({', '.join(f'{c} {t}' for c, t in columns)})")
        db.load_csv(relation, columns, paths[table])


def write_demo_data(config: WarehouseConfig, schema: str = "app", users: int = 1000, seed: int = 42) -> dict[str, int]:
    """(Re)create the app source tables in `schema` with synthetic data; return rows written per table.

    Deterministic: the same `users` and `seed` write the same rows on DuckDB and on Postgres.
    """
    if users < 1:
        raise RecapError(f"--users must be at least 1, got {users}")
    if schema == config.schema:
        raise RecapError(f"demo data must not go into the dbt target schema {schema!r}; choose another --schema")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="recap-demo-data-") as directory:
        tables = _CsvTables(Path(directory))
        try:
            _generate(tables, users, rng)
        finally:
            tables.close()
        with open_database(config, create=True) as db:  # demo data may come before any dbt build
            _load(db, schema, tables.paths)
        return dict(tables.counts)

