"""The `render_jobs` table: its names, its DDL and its versioned upgrades.

The runner owns the table (dbt only declares it as a source, models/staging/_runner__sources.yml,
which must list the same columns: tests/test_job_table_contract.py checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from render_runner.db import Database, Rows, Statement

JOBS_TABLE = "render_jobs"
PAYLOADS_TABLE = "recap_payloads"
# pending: to render; rendering: leased by a runner; done: the full video for the current render identity is
# stored; smoke: finished by a partial (`--frames`) run, never delivered; failed: out of attempts or a
# permanent error; withdrawn: the user left recap_payloads (files erased, never rendered again).
STATUSES = ("pending", "rendering", "done", "smoke", "failed", "withdrawn")

_TS = "timestamptz"
CREATE = f"""
create table if not exists {{jobs}} (
    user_id bigint not null,
    recap_year integer not null,
    status varchar not null default 'pending',
    attempts integer not null default 0,
    claim_count integer not null default 0,
    lease_owner varchar,
    lease_expires_at {_TS},
    available_at {_TS},
    payload_hash varchar,
    template_version varchar,
    render_settings varchar,
    storage_location varchar,
    output_uri varchar,
    poster_uri varchar,
    page_uri varchar,
    bytes bigint,
    render_ms bigint,
    cpu_s double precision,
    scenes integer,
    scenes_cached integer,
    frames_captured integer,
    claim_group varchar,
    segment_keys varchar,
    duration_s double precision,
    last_error varchar,
    rendered_by varchar,
    created_at {_TS},
    updated_at {_TS},
    started_at {_TS},
    finished_at {_TS},
    primary key (user_id, recap_year)
)
"""


@dataclass(frozen=True)
class PartialIndex:
    """An index on the job table over the rows `where` holds (`Database.partial_index`: none on DuckDB)."""

    name: str
    columns: str
    where: str


@dataclass(frozen=True)
class DroppedIndex:
    """An index an earlier upgrade made that is no longer wanted (`Database.drop_index`)."""

    name: str


# Version N -> the statements that bring a version N-1 table to version N, in order. Each must be
# idempotent (`add column if not exists`, ...): they run, after CREATE, every time a runner starts,
# so a table made by any older runner is brought up to date and a current one is left alone.
# CREATE is always the newest version: add a column to both CREATE and a new upgrade. Indexes live
# in the upgrades only (they run on a new table too).
UPGRADES: dict[int, Sequence[str | PartialIndex | DroppedIndex]] = {
    1: (),  # the table as the first runner made it
    # the render identity beyond payload and template (issue 12): what settings and where
    2: (
        "alter table {jobs} add column if not exists render_settings varchar",
        "alter table {jobs} add column if not exists storage_location varchar",
    ),
    # the fencing token (issue 13): how many times the job was claimed; a claim's number must still
    # be the row's for its runner to store, complete or fail the job
    3: ("alter table {jobs} add column if not exists claim_count integer default 0",),  # DuckDB: no `not null` with `if not exists`
    # the share page stored beside each video and poster (issue 15)
    5: ("alter table {jobs} add column if not exists page_uri varchar",),
    # a fleet's queue (issue 13, bench/queue.py, BENCHMARKS.md): without them every claim, renew and
    # `waiting` reads the whole table (a claim a third of a second at 100,000 jobs)
    4: (
        # the claim's two scans, each in its order, over the jobs it may take (`waiting` reads both;
        # the pending one is upgrade 6's since)
        PartialIndex("render_jobs_lease_ends", "lease_expires_at, user_id", "status = 'rendering'"),
        # a runner's leases, which its heartbeat renews and a stop releases
        PartialIndex("render_jobs_leases", "lease_owner", "status = 'rendering'"),
    ),
    # scene segments (issue 16): what each render cost and reused (`status` shows the segment cache's
    # hit rate), and the claim order that lets videos sharing scenes follow one another
    6: (
        "alter table {jobs} add column if not exists cpu_s double precision",
        "alter table {jobs} add column if not exists scenes integer",
        "alter table {jobs} add column if not exists scenes_cached integer",
        "alter table {jobs} add column if not exists frames_captured integer",
        "alter table {jobs} add column if not exists claim_group varchar",
        "alter table {jobs} add column if not exists segment_keys varchar",  # erasure deletes them
        DroppedIndex("render_jobs_pending"),  # upgrade 4's, without the group
        PartialIndex("render_jobs_pending_grouped", "available_at, claim_group, user_id", "status = 'pending'"),
    ),
}


class JobTable:
    """The job table and the payloads it is synced from, on one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.jobs = db.table(JOBS_TABLE)
        self.payloads = db.table(PAYLOADS_TABLE)

    def sql(self, template: str) -> str:
        """Fill in `{jobs}` and `{payloads}`."""
        return template.format(jobs=self.jobs, payloads=self.payloads)

    def run(self, template: str, params: Sequence[Any] = (), *, fetch: bool = False) -> Rows:
        return self.db.execute(self.sql(template), params, fetch=fetch)

    def transaction(self, statements: Sequence[Statement]) -> list[Rows]:
        return self.db.transaction([(self.sql(sql), params) for sql, params in statements])

    def ensure(self) -> None:
        """Create the table if missing and apply the upgrades.

        `create ... if not exists` is not safe against itself on Postgres (two runners starting
        together can both try and one fails on pg_type), so creation holds a lock.
        """
        statements: list[Statement] = [
            *self.db.lock_statements("dream_recap.render_jobs.ddl"),
            (f"create schema if not exists {self.db.quote(self.db.schema)}", ()),
            (CREATE, ()),
            *(statement for _, upgrade in sorted(UPGRADES.items()) for step in upgrade for statement in self._statements(step)),
        ]
        self.transaction(statements)

    def _statements(self, step: str | PartialIndex | DroppedIndex) -> list[Statement]:
        if isinstance(step, PartialIndex):
            return self.db.partial_index(step.name, self.jobs, step.columns, step.where)
        if isinstance(step, DroppedIndex):
            return self.db.drop_index(step.name)
        return [(step, ())]

    def payloads_exist(self) -> bool:
        sql = "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
        return bool(self.db.execute(sql, (self.db.schema, PAYLOADS_TABLE), fetch=True)[0][0])
