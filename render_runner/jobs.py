r"""The render job queue: the one module that owns the `render_jobs` table and its SQL.

One row per (user, year). Life of a job:

    pending --claim--> rendering --complete--> done
       ^                  |  \--fail (attempts left, after a backoff)--> pending
       |                  |  \--fail (no attempts left, or a bad payload)--> failed
       |                  \--lease expired (its runner died) --> claimable again
       \-- sync: a done job whose payload_hash or template_version changed; --retry-failed

On Postgres, claims use `for update skip locked`, so any number of runners on any number of
machines can share one queue; a lease (renewed by a heartbeat) marks who renders what, and a job
whose lease expired is claimed again. On DuckDB one process owns the file; jobs a dead run left
`rendering` are released when the next run starts.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from render_runner.warehouse import WarehouseConfig, connect

STATUSES = ("pending", "rendering", "done", "failed")
JOBS_TABLE = "render_jobs"
PAYLOADS_TABLE = "recap_payloads"


def new_runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Job:
    user_id: int
    recap_year: int
    attempts: int
    payload_text: str
    payload_hash: str

    @property
    def job_id(self) -> str:
        return f"{self.user_id}-{self.recap_year}"


@dataclass(frozen=True)
class SyncResult:
    new: int
    changed: int
    unchanged_done: int
    released: int


@dataclass(frozen=True)
class QueueStatus:
    counts: dict[str, int]
    done_last: dict[str, int]
    top_errors: list[tuple[str, int]]
    runners: list[dict[str, Any]]
    avg_render_ms: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "total": sum(self.counts.values()),
            "done_last_minutes": self.done_last,
            "avg_render_ms": self.avg_render_ms,
            "top_errors": [{"error": e, "count": n} for e, n in self.top_errors],
            "runners": self.runners,
        }


class JobQueue:
    """All reads and writes of the job table. Not thread-safe: the runner serialises calls."""

    def __init__(self, con: Any, config: WarehouseConfig) -> None:
        self.con = con
        self.dialect = config.dialect
        self.schema = config.schema
        self.jobs = f'"{config.schema}".{JOBS_TABLE}'
        self.payloads = f'"{config.schema}".{PAYLOADS_TABLE}'

    # -- plumbing ---------------------------------------------------------------------------
    def _sql(self, template: str) -> str:
        """Fill in the table names; DuckDB takes `?` where psycopg2 takes `%s`."""
        sql = template.format(jobs=self.jobs, payloads=self.payloads, schema=self.schema)
        return sql.replace("%s", "?") if self.dialect == "duckdb" else sql

    def _run(self, sql: str, params: Sequence[Any] = (), fetch: bool = False) -> list[tuple[Any, ...]]:
        sql = self._sql(sql)
        if self.dialect == "duckdb":
            result = self.con.execute(sql, list(params))
            return result.fetchall() if fetch else []
        with self.con.cursor() as cur:
            cur.execute(sql, tuple(params))
            rows = cur.fetchall() if fetch else []
        self.con.commit()
        return rows

    def _transaction(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
        """Run statements in one transaction; each returns its `returning` rows."""
        out: list[list[tuple[Any, ...]]] = []
        if self.dialect == "duckdb":
            self.con.execute("begin transaction")
            try:
                for sql, params in statements:
                    res = self.con.execute(self._sql(sql), list(params))
                    out.append(res.fetchall())
                self.con.execute("commit")
            except Exception:
                self.con.execute("rollback")
                raise
            return out
        try:
            with self.con.cursor() as cur:
                for sql, params in statements:
                    cur.execute(self._sql(sql), tuple(params))
                    out.append(cur.fetchall() if cur.description else [])
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise
        return out

    # -- schema -----------------------------------------------------------------------------
    def ensure_table(self) -> None:
        """Create the job table if missing (the runner owns it; dbt only declares it as a source).

        `create ... if not exists` is not safe against itself on Postgres (two runners starting
        together can both try and one fails on pg_type), so creation holds an advisory lock.
        """
        ts = "timestamptz"
        statements: list[tuple[str, Sequence[Any]]] = []
        if self.dialect == "postgres":
            statements.append(("select pg_advisory_xact_lock(hashtext('dream_recap.render_jobs.ddl'))", ()))
        statements += [
            ('create schema if not exists "{schema}"', ()),
            (
                f"""
                create table if not exists {{jobs}} (
                    user_id bigint not null,
                    recap_year integer not null,
                    status varchar not null default 'pending',
                    attempts integer not null default 0,
                    lease_owner varchar,
                    lease_expires_at {ts},
                    available_at {ts},
                    payload_hash varchar,
                    template_version varchar,
                    output_uri varchar,
                    poster_uri varchar,
                    bytes bigint,
                    render_ms bigint,
                    duration_s double precision,
                    last_error varchar,
                    rendered_by varchar,
                    created_at {ts},
                    updated_at {ts},
                    started_at {ts},
                    finished_at {ts},
                    primary key (user_id, recap_year)
                )
                """,
                (),
            ),
        ]
        self._transaction(statements)

    def payloads_exist(self) -> bool:
        sql = "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
        return bool(self._run(sql, (self.schema, PAYLOADS_TABLE), fetch=True)[0][0])

    # -- sync -------------------------------------------------------------------------------
    def sync(self, template_version: str, release_orphans: bool) -> SyncResult:
        """Bring the queue in line with recap_payloads: new users pending, changed done jobs pending.

        `release_orphans` (DuckDB, single process): jobs left `rendering` by a run that died go
        back to pending now; on Postgres, leases expire instead.
        """
        statements: list[tuple[str, Sequence[Any]]] = []
        if self.dialect == "postgres":
            # one sync at a time when many runners start together
            statements.append(("select pg_advisory_xact_lock(hashtext('dream_recap.render_jobs.sync'))", ()))
        statements += [
            (
                """
                update {jobs} set status = 'pending', lease_owner = null, lease_expires_at = null,
                    attempts = greatest(attempts - 1, 0), updated_at = now()
                where status = 'rendering' and %s
                returning user_id
                """,
                (release_orphans,),
            ),
            (
                """
                insert into {jobs} (user_id, recap_year, status, attempts, payload_hash, available_at, created_at, updated_at)
                select p.user_id, p.recap_year, 'pending', 0, p.payload_hash, now(), now(), now()
                from {payloads} as p
                on conflict (user_id, recap_year) do nothing
                returning user_id
                """,
                (),
            ),
            (
                """
                update {jobs} as j set status = 'pending', attempts = 0, last_error = null,
                    available_at = now(), updated_at = now()
                from {payloads} as p
                where j.user_id = p.user_id and j.recap_year = p.recap_year and j.status = 'done'
                    and (j.payload_hash is distinct from p.payload_hash or j.template_version is distinct from %s)
                returning j.user_id
                """,
                (template_version,),
            ),
        ]
        results = self._transaction(statements)
        released, new, changed = results[-3:]
        done = self.counts()["done"]
        return SyncResult(new=len(new), changed=len(changed), unchanged_done=done, released=len(released))

    def retry_failed(self) -> int:
        rows = self._run(
            """
            update {jobs} set status = 'pending', attempts = 0, available_at = now(), updated_at = now()
            where status = 'failed'
            returning user_id
            """,
            fetch=True,
        )
        return len(rows)

    # -- claiming ---------------------------------------------------------------------------
    def claim(self, owner: str, limit: int, lease_s: int) -> list[Job]:
        """Take up to `limit` jobs: pending ones whose backoff has passed, or ones whose lease expired."""
        lock = "for update of j skip locked" if self.dialect == "postgres" else ""
        rows = self._transaction(
            [
                (
                    f"""
                    update {{jobs}} set status = 'rendering', lease_owner = %s,
                        lease_expires_at = now() + %s * interval '1 second',
                        attempts = attempts + 1, started_at = now(), updated_at = now()
                    where (user_id, recap_year) in (
                        select j.user_id, j.recap_year
                        from {{jobs}} as j
                        inner join {{payloads}} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
                        where (j.status = 'pending' and coalesce(j.available_at, now()) <= now())
                           or (j.status = 'rendering' and j.lease_expires_at < now())
                        order by j.available_at, j.user_id
                        limit %s
                        {lock}
                    )
                    returning user_id, recap_year, attempts
                    """,
                    (owner, lease_s, limit),
                )
            ]
        )[0]
        if not rows:
            return []
        keys = {(int(r[0]), int(r[1])): int(r[2]) for r in rows}
        payload_rows = self._run(
            """
            select user_id, recap_year, cast(payload as varchar), payload_hash
            from {payloads}
            where user_id in ("""
            + ", ".join(["%s"] * len(keys))
            + ")",
            [k[0] for k in keys],
            fetch=True,
        )
        jobs: list[Job] = []
        for user_id, year, payload_text, payload_hash in payload_rows:
            key = (int(user_id), int(year))
            if key in keys:
                text = payload_text if isinstance(payload_text, str) else json.dumps(payload_text)
                jobs.append(Job(user_id=key[0], recap_year=key[1], attempts=keys[key], payload_text=text, payload_hash=str(payload_hash)))
        return jobs

    def renew(self, owner: str, lease_s: int) -> int:
        rows = self._run(
            """
            update {jobs} set lease_expires_at = now() + %s * interval '1 second'
            where lease_owner = %s and status = 'rendering'
            returning user_id
            """,
            (lease_s, owner),
            fetch=True,
        )
        return len(rows)

    def holds_lease(self, job: Job, owner: str) -> bool:
        rows = self._run(
            "select count(*) from {jobs} where user_id = %s and recap_year = %s and lease_owner = %s and status = 'rendering'",
            (job.user_id, job.recap_year, owner),
            fetch=True,
        )
        return bool(rows[0][0])

    # -- outcomes ---------------------------------------------------------------------------
    def complete(
        self,
        job: Job,
        owner: str,
        *,
        template_version: str,
        output_uri: str,
        poster_uri: str | None,
        size_bytes: int,
        render_ms: int,
        duration_s: float,
    ) -> bool:
        """Mark done; False if this runner no longer held the lease (another runner took it over)."""
        rows = self._run(
            """
            update {jobs} set status = 'done', lease_owner = null, lease_expires_at = null,
                payload_hash = %s, template_version = %s, output_uri = %s, poster_uri = %s,
                bytes = %s, render_ms = %s, duration_s = %s, last_error = null, rendered_by = %s,
                finished_at = now(), updated_at = now()
            where user_id = %s and recap_year = %s and lease_owner = %s and status = 'rendering'
            returning user_id
            """,
            (job.payload_hash, template_version, output_uri, poster_uri, size_bytes, render_ms, duration_s, owner,
             job.user_id, job.recap_year, owner),
            fetch=True,
        )
        return bool(rows)

    def fail(self, job: Job, owner: str, error: str, *, max_attempts: int, backoff_s: float, permanent: bool = False) -> str:
        """Record a failed attempt: back to pending after `backoff_s`, or `failed` when out of attempts."""
        rows = self._run(
            """
            update {jobs} set
                status = case when %s or attempts >= %s then 'failed' else 'pending' end,
                last_error = %s, lease_owner = null, lease_expires_at = null,
                available_at = now() + %s * interval '1 second',
                finished_at = case when %s or attempts >= %s then now() else finished_at end,
                updated_at = now()
            where user_id = %s and recap_year = %s and lease_owner = %s and status = 'rendering'
            returning status
            """,
            (permanent, max_attempts, error[:1000], backoff_s, permanent, max_attempts, job.user_id, job.recap_year, owner),
            fetch=True,
        )
        return str(rows[0][0]) if rows else "lost"

    def release(self, owner: str, keys: Sequence[tuple[int, int]] | None = None) -> int:
        """Give jobs back (graceful stop): pending again, the attempt not counted."""
        sql = """
            update {jobs} set status = 'pending', lease_owner = null, lease_expires_at = null,
                attempts = greatest(attempts - 1, 0), available_at = now(), updated_at = now()
            where lease_owner = %s and status = 'rendering'
        """
        params: list[Any] = [owner]
        if keys is not None:
            if not keys:
                return 0
            sql += " and user_id in (" + ", ".join(["%s"] * len(keys)) + ")"
            params += [k[0] for k in keys]
        return len(self._run(sql + " returning user_id", params, fetch=True))

    # -- reading ----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        rows = self._run("select status, count(*) from {jobs} group by status", fetch=True)
        counts = {s: 0 for s in STATUSES}
        counts.update({str(s): int(n) for s, n in rows})
        return counts

    def waiting(self) -> int:
        """Jobs that are not claimable now but will be: in backoff, or rendering under another lease."""
        rows = self._run(
            """
            select count(*) from {jobs} as j
            inner join {payloads} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
            where j.status in ('pending', 'rendering')
            """,
            fetch=True,
        )
        return int(rows[0][0])

    def status(self) -> QueueStatus:
        done_last = {}
        for minutes in (1, 5, 15):
            rows = self._run(
                "select count(*) from {jobs} where status = 'done' and finished_at > now() - %s * interval '1 minute'",
                (minutes,),
                fetch=True,
            )
            done_last[str(minutes)] = int(rows[0][0])
        errors = self._run(
            """
            select last_error, count(*) as n from {jobs}
            where status = 'failed' group by last_error order by n desc, last_error limit 5
            """,
            fetch=True,
        )
        runners = self._run(
            """
            select owner, sum(rendering) as rendering, sum(done_15) as done_15, max(last_seen) as last_seen
            from (
                select lease_owner as owner, 1 as rendering, 0 as done_15, updated_at as last_seen
                from {jobs} where status = 'rendering'
                union all
                select rendered_by as owner, 0 as rendering, 1 as done_15, finished_at as last_seen
                from {jobs} where status = 'done' and finished_at > now() - 15 * interval '1 minute'
            ) as activity
            group by owner order by owner
            """,
            fetch=True,
        )
        avg = self._run(
            "select avg(render_ms) from (select render_ms from {jobs} where status = 'done' and render_ms is not null order by finished_at desc limit 200) as recent",
            fetch=True,
        )
        return QueueStatus(
            counts=self.counts(),
            done_last=done_last,
            top_errors=[(str(e), int(n)) for e, n in errors],
            runners=[
                {"runner": str(o), "rendering": int(r or 0), "done_last_15_min": int(d or 0), "last_seen": str(t)}
                for o, r, d, t in runners
            ],
            avg_render_ms=float(avg[0][0]) if avg and avg[0][0] is not None else None,
        )

    def payloads_to_render(self, template_version: str) -> list[str]:
        """Payloads (JSON text) that `go` would render now: new, changed, unfinished (for `plan`)."""
        rows = self._run(
            """
            select cast(p.payload as varchar) from {payloads} as p
            left join {jobs} as j on j.user_id = p.user_id and j.recap_year = p.recap_year
            where j.status is null or j.status <> 'done'
                or j.payload_hash is distinct from p.payload_hash
                or j.template_version is distinct from %s
            """,
            (template_version,),
            fetch=True,
        )
        return [r[0] if isinstance(r[0], str) else json.dumps(r[0]) for r in rows]

    def recent_render_ms(self, limit: int) -> list[int]:
        """Render times of the most recently finished jobs (for `plan`)."""
        rows = self._run(
            """
            select render_ms from {jobs}
            where status = 'done' and render_ms is not null
            order by finished_at desc limit %s
            """,
            (limit,),
            fetch=True,
        )
        return [int(r[0]) for r in rows if r[0]]

    def done_jobs(self) -> list[dict[str, Any]]:
        rows = self._run(
            """
            select user_id, recap_year, output_uri, poster_uri, bytes, duration_s
            from {jobs} where status = 'done' order by recap_year, user_id
            """,
            fetch=True,
        )
        keys = ("user_id", "recap_year", "output_uri", "poster_uri", "bytes", "duration_s")
        return [dict(zip(keys, r)) for r in rows]


@contextmanager
def open_queue(config: WarehouseConfig) -> Iterator[JobQueue]:
    """The job queue on a fresh warehouse connection, its table created if missing."""
    with connect(config) as con:
        queue = JobQueue(con, config)
        queue.ensure_table()
        yield queue
