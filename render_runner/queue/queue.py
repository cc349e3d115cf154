r"""The job queue's state machine: sync from `recap_payloads`, claim, renew, complete, fail, release.

One row per (user, year). Life of a job:

    pending --claim--> rendering --complete--> done (smoke: a `--frames` run)
       ^                  |  \--fail (retry later, after a backoff)--> pending
       |                  |  \--fail (retry never)--> failed
       |                  |  \--release (retry now: stopped; the attempt is not counted)--> pending
       |                  \--lease expired (its runner died) --> claimable again
       \-- sync: a done / smoke job whose render identity changed (payload hash, template version,
           render settings, storage location; `queue.identity`), a smoke job in a full run, a failed
           job whose payload hash or template version changed; --retry-failed
    any --sync: the user left recap_payloads--> withdrawn --sync: the user is back--> pending

Which failure is retried when is the retry policy's call (`render_runner.queue.retry`); this
module carries the decision out. On Postgres, claims skip rows another runner is claiming
(`for update skip locked`), so any number of runners on any number of machines can share one
queue; a lease (renewed by a heartbeat) marks who renders what, and a job whose lease expired is
claimed again. On DuckDB one process owns the file; jobs a dead run left `rendering` are released
when the next run starts.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from render_runner.db import Database, Statement, WarehouseConfig, open_database
from render_runner.queue.identity import RenderIdentity
from render_runner.queue.schema import JobTable
from render_runner.queue.stats import QueueStats, payload_text


def new_runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Job:
    user_id: int
    recap_year: int
    attempts: int
    payload_text: str
    payload_hash: str
    previous_settings: str | None = None  # render_settings of the job's last finished render
    previous_uris: tuple[str, ...] = ()  # where its last finished render is stored (replaced files are deleted)

    @property
    def job_id(self) -> str:
        return f"{self.user_id}-{self.recap_year}"


@dataclass(frozen=True)
class SyncResult:
    new: int
    changed: int
    unchanged_done: int  # finished for this run's identity (`done`; `smoke` in a smoke run)
    released: int
    withdrawn: int = 0  # users gone from recap_payloads
    returned: int = 0  # withdrawn users who are back
    rescued: int = 0  # failed jobs whose payload or template changed


class JobQueue:
    """All writes of the job table; `stats` reads it. Not thread-safe: the runner serialises calls."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.table = JobTable(db)
        self.stats = QueueStats(db)

    def ensure_table(self) -> None:
        self.table.ensure()

    def payloads_exist(self) -> bool:
        return self.table.payloads_exist()

    # -- sync -------------------------------------------------------------------------------
    def sync(self, identity: RenderIdentity, release_orphans: bool) -> SyncResult:
        """Bring the queue in line with recap_payloads and this run's render identity.

        New users become pending; users gone from recap_payloads become `withdrawn` (their files
        are erased by the runner, `erase_withdrawn`); a withdrawn user who is back is pending again;
        a finished job whose identity differs from this run's is pending again (a full run always
        replaces `smoke` results; a smoke run accepts a `done` job of the same payload, template and
        location); a failed job whose payload or template changed is pending again.

        `release_orphans` (DuckDB, single process): jobs left `rendering` by a run that died go
        back to pending now; on Postgres, leases expire instead.
        """
        statements: list[Statement] = [
            *self.db.lock_statements("dream_recap.render_jobs.sync"),  # one sync at a time
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
            (  # a job under a live lease is left to finish: the next sync withdraws it
                """
                update {jobs} as j set status = 'withdrawn', lease_owner = null, lease_expires_at = null,
                    last_error = null, updated_at = now()
                where j.status <> 'withdrawn' and (j.status <> 'rendering' or j.lease_expires_at < now())
                    and not exists (select 1 from {payloads} as p where p.user_id = j.user_id and p.recap_year = j.recap_year)
                returning j.user_id
                """,
                (),
            ),
            (
                """
                update {jobs} as j set status = 'pending', attempts = 0, last_error = null,
                    available_at = now(), updated_at = now()
                from {payloads} as p
                where j.user_id = p.user_id and j.recap_year = p.recap_year and j.status = 'withdrawn'
                returning j.user_id
                """,
                (),
            ),
            (
                """
                update {jobs} as j set status = 'pending', attempts = 0, last_error = null,
                    available_at = now(), updated_at = now()
                from {payloads} as p
                where j.user_id = p.user_id and j.recap_year = p.recap_year and j.status in ('done', 'smoke')
                    and ((j.status = 'smoke' and not %s)
                        or j.payload_hash is distinct from p.payload_hash
                        or j.template_version is distinct from %s
                        or j.storage_location is distinct from %s
                        or (j.status = %s and j.render_settings is distinct from %s))
                returning j.user_id
                """,
                (identity.partial, identity.template_version, identity.location, identity.finished_status, identity.settings),
            ),
            (
                """
                update {jobs} as j set status = 'pending', attempts = 0, last_error = null,
                    available_at = now(), updated_at = now()
                from {payloads} as p
                where j.user_id = p.user_id and j.recap_year = p.recap_year and j.status = 'failed'
                    and (j.payload_hash is distinct from p.payload_hash or j.template_version is distinct from %s)
                returning j.user_id
                """,
                (identity.template_version,),
            ),
        ]
        released, new, withdrawn, returned, changed, rescued = self.table.transaction(statements)[-6:]
        done = self.stats.counts()[identity.finished_status]
        return SyncResult(
            new=len(new),
            changed=len(changed),
            unchanged_done=done,
            released=len(released),
            withdrawn=len(withdrawn),
            returned=len(returned),
            rescued=len(rescued),
        )

    def withdrawn_files(self) -> list[tuple[int, int, list[str]]]:
        """Withdrawn jobs that still have stored files: (user, year, uris)."""
        rows = self.table.run(
            """
            select user_id, recap_year, output_uri, poster_uri from {jobs}
            where status = 'withdrawn' and (output_uri is not null or poster_uri is not null)
            order by user_id, recap_year
            """,
            fetch=True,
        )
        return [(int(u), int(y), [str(x) for x in (video, poster) if x]) for u, y, video, poster in rows]

    def forget_files(self, user_id: int, recap_year: int) -> None:
        """After erasure: a withdrawn job keeps no trace of where its files were."""
        self.table.run(
            """
            update {jobs} set output_uri = null, poster_uri = null, bytes = null, duration_s = null, updated_at = now()
            where user_id = %s and recap_year = %s and status = 'withdrawn'
            """,
            (user_id, recap_year),
        )

    def retry_failed(self) -> int:
        rows = self.table.run(
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
        """Take up to `limit` jobs: pending ones whose backoff has passed, or ones whose lease expired.

        The two kinds are picked apart, each in the order of its own index (schema.UPGRADES[4]), so a
        claim never walks past the jobs in flight under live leases (a fleet's thousands), then the
        first `limit` of both in `available_at` order are taken.
        """
        rows = self.table.transaction(
            [
                (
                    """
                    update {jobs} set status = 'rendering', lease_owner = %s,
                        lease_expires_at = now() + %s * interval '1 second',
                        attempts = attempts + 1, started_at = now(), updated_at = now()
                    where (user_id, recap_year) in (
                        select c.user_id, c.recap_year
                        from (
                            select * from (
                                select j.user_id, j.recap_year, j.available_at
                                from {jobs} as j
                                inner join {payloads} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
                                where j.status = 'pending' and coalesce(j.available_at, now()) <= now()
                                order by j.available_at, j.user_id
                                limit %s
                                """
                    + self.db.skip_locked("j")
                    + """
                            ) as pending
                            union all
                            select * from (
                                select j.user_id, j.recap_year, j.available_at
                                from {jobs} as j
                                inner join {payloads} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
                                where j.status = 'rendering' and j.lease_expires_at < now()
                                order by j.lease_expires_at, j.user_id
                                limit %s
                                """
                    + self.db.skip_locked("j")
                    + """
                            ) as expired
                        ) as c
                        order by c.available_at, c.user_id
                        limit %s
                    )
                    returning user_id, recap_year, attempts, render_settings, output_uri, poster_uri
                    """,
                    (owner, lease_s, limit, limit, limit),
                )
            ]
        )[0]
        if not rows:
            return []
        keys = {(int(r[0]), int(r[1])): int(r[2]) for r in rows}
        previous = {(int(r[0]), int(r[1])): r[3] for r in rows}
        stored = {(int(r[0]), int(r[1])): tuple(str(u) for u in r[4:6] if u) for r in rows}
        payload_rows = self.table.run(
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
        for user_id, year, payload, payload_hash in payload_rows:
            key = (int(user_id), int(year))
            if key in keys:
                jobs.append(
                    Job(
                        user_id=key[0],
                        recap_year=key[1],
                        attempts=keys[key],
                        payload_text=payload_text(payload),
                        payload_hash=str(payload_hash),
                        previous_settings=None if previous[key] is None else str(previous[key]),
                        previous_uris=stored[key],
                    )
                )
        return jobs

    def renew(self, owner: str, lease_s: int) -> int:
        rows = self.table.run(
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
        rows = self.table.run(
            """
            select count(*) from {jobs}
            where user_id = %s and recap_year = %s and lease_owner = %s and status = 'rendering'
            """,
            (job.user_id, job.recap_year, owner),
            fetch=True,
        )
        return bool(rows[0][0])

    def waiting(self) -> int:
        """Jobs that are not claimable now but will be: in backoff, or rendering under another lease."""
        rows = self.table.run(
            """
            select count(*) from {jobs} as j
            inner join {payloads} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
            where j.status = 'pending' or j.status = 'rendering'
            """,
            fetch=True,
        )
        return int(rows[0][0])

    # -- outcomes ---------------------------------------------------------------------------
    def complete(
        self,
        job: Job,
        owner: str,
        *,
        identity: RenderIdentity,
        output_uri: str,
        poster_uri: str | None,
        size_bytes: int,
        render_ms: int,
        duration_s: float,
    ) -> bool:
        """Mark done (`smoke` for a partial render) under `identity`; False if this runner no longer held the lease."""
        rows = self.table.run(
            """
            update {jobs} set status = %s, lease_owner = null, lease_expires_at = null,
                payload_hash = %s, template_version = %s, render_settings = %s, storage_location = %s,
                output_uri = %s, poster_uri = %s,
                bytes = %s, render_ms = %s, duration_s = %s, last_error = null, rendered_by = %s,
                finished_at = now(), updated_at = now()
            where user_id = %s and recap_year = %s and lease_owner = %s and status = 'rendering'
            returning user_id
            """,
            (
                identity.finished_status, job.payload_hash, identity.template_version, identity.settings, identity.location,
                output_uri, poster_uri, size_bytes, render_ms, duration_s, owner,
                job.user_id, job.recap_year, owner,
            ),
            fetch=True,
        )
        return bool(rows)

    def fail(self, job: Job, owner: str, error: str, *, retry_after_s: float | None, template_version: str | None = None) -> str:
        """Record a failed attempt: pending again after `retry_after_s`, or `failed` when it is None.

        The payload hash (and template version, when given) of the attempt are recorded, so that
        `sync` puts a failed job back in the queue once either changes. Returns the new status, or
        "lost" when this runner no longer held the lease.
        """
        status = "failed" if retry_after_s is None else "pending"
        rows = self.table.run(
            """
            update {jobs} set
                status = %s, last_error = %s, lease_owner = null, lease_expires_at = null,
                payload_hash = %s, template_version = coalesce(%s, template_version),
                available_at = now() + %s * interval '1 second',
                finished_at = case when %s = 'failed' then now() else finished_at end,
                updated_at = now()
            where user_id = %s and recap_year = %s and lease_owner = %s and status = 'rendering'
            returning status
            """,
            (status, error[:1000], job.payload_hash, template_version, retry_after_s or 0.0, status, job.user_id, job.recap_year, owner),
            fetch=True,
        )
        return str(rows[0][0]) if rows else "lost"

    def release(self, owner: str, keys: Sequence[tuple[int, int]] | None = None, error: str | None = None) -> int:
        """Give jobs back (retry now: a graceful stop, an abort, a run stopped by storage): pending again, the attempt not counted."""
        sql = """
            update {jobs} set status = 'pending', lease_owner = null, lease_expires_at = null,
                attempts = greatest(attempts - 1, 0), available_at = now(), updated_at = now(),
                last_error = coalesce(%s, last_error)
            where lease_owner = %s and status = 'rendering'
        """
        params: list[Any] = [error[:1000] if error else None, owner]
        if keys is not None:
            if not keys:
                return 0
            sql += " and user_id in (" + ", ".join(["%s"] * len(keys)) + ")"
            params += [k[0] for k in keys]
        return len(self.table.run(sql + " returning user_id", params, fetch=True))


@contextmanager
def open_queue(config: WarehouseConfig) -> Iterator[JobQueue]:
    """The job queue on a fresh warehouse connection, its table created if missing."""
    with open_database(config) as db:
        queue = JobQueue(db)
        queue.ensure_table()
        yield queue
