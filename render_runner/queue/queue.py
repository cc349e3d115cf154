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

Fencing: every claim adds one to the row's `claim_count` and the runner keeps that number with the
job (`Job.claim`). Storing, completing or failing the job requires the row to still carry it (and
this runner as owner), so a runner that lost its lease - partitioned, paused, slow - can neither
mark the job done nor overwrite the newer object of the runner that took it over.
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

from render_runner.db import Database, Statement, WarehouseConfig, open_database
from render_runner.queue.identity import RenderIdentity
from render_runner.queue.schema import JobTable
from render_runner.queue.stats import QueueStats, payload_text
from render_runner.render.segment_share import valid_keys
from render_runner.scratch import pid_alive


def runner_host() -> str:
    """This process's host as runner ids name it: `<hostname>#<pid namespace>`.

    Two runners with equal hosts see each other's pids, so one can tell that the other is gone
    (`dead_local_owners`); containers sharing a hostname have different pid namespaces.
    """
    try:
        pidns = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        pidns = 0
    return f"{socket.gethostname()}#{pidns}"


def new_runner_id() -> str:
    """`<host>:<pid>:<random>`: unique per run, and it says where the runner's process lives."""
    return f"{runner_host()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def local_pid(owner: str) -> int | None:
    """The pid of a runner id on this host (same hostname and pid namespace), else None."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return int(pid) if host == runner_host() and pid.isdigit() else None


@dataclass(frozen=True)
class Job:
    user_id: int
    recap_year: int
    attempts: int
    payload_text: str
    payload_hash: str
    claim: int = 0  # the fencing token: the row's claim_count when this runner claimed it
    previous_settings: str | None = None  # render_settings of the job's last finished render
    previous_uris: tuple[str, ...] = ()  # where its last finished render is stored (replaced files are deleted)

    @property
    def job_id(self) -> str:
        return f"{self.user_id}-{self.recap_year}"


@dataclass(frozen=True)
class RenderCost:
    """What one render cost and reused, kept on its job (`status` reports the segment cache from it)."""

    cpu_s: float | None = None  # CPU-seconds of the render worker's process tree for this job
    scenes: int | None = None  # scenes of the video (one segment each)
    scenes_cached: int | None = None  # of which came from the segment cache
    frames_captured: int | None = None  # frames captured in the browser for the others
    segment_keys: tuple[str, ...] = ()  # the segments the video shows (erasure deletes them)

    def columns(self) -> tuple[float | int | str | None, ...]:
        keys = json.dumps(list(self.segment_keys)) if self.segment_keys else None
        return (self.cpu_s, self.scenes, self.scenes_cached, self.frames_captured, keys)

    @classmethod
    def of(cls, cpu_s: float | None, sparse: dict[str, Any] | None) -> RenderCost:
        figures = sparse or {}
        keys = tuple(valid_keys(figures.get("segmentKeys")))
        return cls(cpu_s, figures.get("scenes"), figures.get("segmentsCached"), figures.get("capturedFrames"), keys)


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
            *self.db.unbounded_statements(),  # a first sync of 30K users may take longer than a statement may
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
        group = self.claim_group("p.payload").replace("{", "{{").replace("}", "}}")  # literal braces in the template
        statements.append(
            (  # the claim order of the jobs to render (claim_group below)
                f"""
                update {{jobs}} as j set claim_group = {group}
                from {{payloads}} as p
                where j.user_id = p.user_id and j.recap_year = p.recap_year and j.status = 'pending'
                    and j.claim_group is distinct from {group}
                """,
                (),
            )
        )
        released, new, withdrawn, returned, changed, rescued = self.table.transaction(statements)[-7:-1]
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

    def withdrawn_files(self) -> list[tuple[int, int, list[str], list[str]]]:
        """Withdrawn jobs that still have stored files: (user, year, uris, segment keys)."""
        rows = self.table.run(
            """
            select user_id, recap_year, output_uri, poster_uri, page_uri, segment_keys from {jobs}
            where status = 'withdrawn'
                and (output_uri is not null or poster_uri is not null or page_uri is not null or segment_keys is not null)
            order by user_id, recap_year
            """,
            fetch=True,
        )
        return [
            (int(u), int(y), [str(x) for x in (video, poster, page) if x], valid_keys(json.loads(keys)) if keys else [])
            for u, y, video, poster, page, keys in rows
        ]

    def forget_files(self, user_id: int, recap_year: int) -> None:
        """After erasure: a withdrawn job keeps no trace of where its files were."""
        self.table.run(
            """
            update {jobs} set output_uri = null, poster_uri = null, page_uri = null, segment_keys = null,
                bytes = null, duration_s = null, updated_at = now()
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
    def claim_group(self, payload: str) -> str:
        """SQL for a payload's claim group: its locale, then its dream total.

        Pending jobs are claimed in (available_at, claim_group, user_id) order, so videos likely to
        share scenes follow one another and even a small segment cache finds them: every scene's
        words are in the user's language, and the total opens the second scene. Simulated over the
        30,000 demo users (BENCHMARKS.md, "Claim order"): with a cache of 2,000 segments, 80 frames
        captured per video against 116 in user order.
        """
        locale = f"coalesce({self.db.json_text(payload, 'user', 'locale')}, '')"
        total = f"lpad(coalesce({self.db.json_text(payload, 'dreams', 'total')}, ''), 8, '0')"
        return f"{locale} || '/' || {total}"


    def claim(self, owner: str, limit: int, lease_s: int) -> list[Job]:
        """Take up to `limit` jobs: pending ones whose backoff has passed, or ones whose lease expired.

        The two kinds are picked apart, each in the order of its own index (schema.UPGRADES[4] and
        [6]), so a claim never walks past the jobs in flight under live leases (a fleet's thousands),
        then the first `limit` of both in (available_at, claim_group) order are taken.
        """
        rows = self.table.transaction(
            [
                (
                    """
                    update {jobs} set status = 'rendering', lease_owner = %s,
                        lease_expires_at = now() + %s * interval '1 second',
                        attempts = attempts + 1, claim_count = claim_count + 1, started_at = now(), updated_at = now()
                    where (user_id, recap_year) in (
                        select c.user_id, c.recap_year
                        from (
                            select * from (
                                select j.user_id, j.recap_year, j.available_at, j.claim_group
                                from {jobs} as j
                                inner join {payloads} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
                                where j.status = 'pending' and coalesce(j.available_at, now()) <= now()
                                order by j.available_at, j.claim_group, j.user_id
                                limit %s
                                """
                    + self.db.skip_locked("j")
                    + """
                            ) as pending
                            union all
                            select * from (
                                select j.user_id, j.recap_year, j.available_at, j.claim_group
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
                        order by c.available_at, c.claim_group, c.user_id
                        limit %s
                    )
                    returning user_id, recap_year, attempts, render_settings, output_uri, poster_uri, page_uri, claim_count
                    """,
                    (owner, lease_s, limit, limit, limit),
                )
            ]
        )[0]
        if not rows:
            return []
        keys = {(int(r[0]), int(r[1])): int(r[2]) for r in rows}
        previous = {(int(r[0]), int(r[1])): r[3] for r in rows}
        stored = {(int(r[0]), int(r[1])): tuple(str(u) for u in r[4:7] if u) for r in rows}
        claims = {(int(r[0]), int(r[1])): int(r[7]) for r in rows}
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
                        claim=claims[key],
                        previous_settings=None if previous[key] is None else str(previous[key]),
                        previous_uris=stored[key],
                    )
                )
        return jobs

    def renew(self, owner: str, jobs: Sequence[Job], lease_s: float) -> set[tuple[int, int]]:
        """Extend the leases of `jobs` (this runner's renders in flight); returns the keys still held.

        Only the given jobs are renewed: a claim whose reply was lost (the connection broke after
        the commit) is not in flight anywhere, so its lease runs out and another runner takes it.
        """
        if not jobs:
            return set()
        held, held_params = _these_claims(jobs)
        rows = self.table.run(
            """
            update {jobs} set lease_expires_at = now() + %s * interval '1 second'
            where lease_owner = %s and status = 'rendering' and """
            + held
            + """
            returning user_id, recap_year
            """,
            [lease_s, owner, *held_params],
            fetch=True,
        )
        return {(int(u), int(y)) for u, y in rows}

    def confirm_lease(self, job: Job, owner: str, lease_s: float) -> bool:
        """Whether this claim still holds the job; if so its lease is extended by `lease_s` from now.

        Called right before a stored file is promoted to its final key: for the next `lease_s`
        nobody else can claim the job, so the promotion cannot overwrite a newer runner's object.
        """
        rows = self.table.run(
            """
            update {jobs} set lease_expires_at = now() + %s * interval '1 second'
            where user_id = %s and recap_year = %s and lease_owner = %s and claim_count = %s and status = 'rendering'
            returning user_id
            """,
            (lease_s, job.user_id, job.recap_year, owner, job.claim),
            fetch=True,
        )
        return bool(rows)

    def dead_local_owners(self) -> list[str]:
        """Owners of `rendering` jobs whose process ran on this host and is gone (killed, crashed)."""
        rows = self.table.run("select distinct lease_owner from {jobs} where status = 'rendering' and lease_owner is not null", fetch=True)
        owners = [str(r[0]) for r in rows]
        return [o for o in owners if (pid := local_pid(o)) is not None and not pid_alive(pid)]

    def release_owners(self, owners: Sequence[str]) -> int:
        """Give back the jobs of runners known to be dead now, without waiting for their leases.

        The attempt stays counted: a job that kills its runner must not be retried forever.
        """
        if not owners:
            return 0
        rows = self.table.run(
            """
            update {jobs} set status = 'pending', lease_owner = null, lease_expires_at = null,
                available_at = now(), updated_at = now(), last_error = 'its runner process died; released'
            where status = 'rendering' and lease_owner in ("""
            + ", ".join(["%s"] * len(owners))
            + ") returning user_id",
            list(owners),
            fetch=True,
        )
        return len(rows)

    def anything_waiting(self) -> bool:
        """Whether any job will still be claimable (the run loop's question when it is idle; `exists`
        stops at the first row, where `waiting` counts them all - a fleet's idle runners ask every second)."""
        rows = self.table.run(
            """
            select exists (
                select 1 from {jobs} as j
                inner join {payloads} as p on p.user_id = j.user_id and p.recap_year = j.recap_year
                where j.status = 'pending' or j.status = 'rendering'
            )
            """,
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
        page_uri: str | None = None,
        size_bytes: int,
        render_ms: int,
        duration_s: float,
        cost: RenderCost | None = None,
    ) -> bool:
        """Mark done (`smoke` for a partial render) under `identity`; False if this claim no longer holds the job.

        Safe to run twice (a retry after a lost reply finds the row already done by this claim).
        """
        rows = self.table.run(
            """
            update {jobs} set status = %s, lease_owner = null, lease_expires_at = null,
                payload_hash = %s, template_version = %s, render_settings = %s, storage_location = %s,
                output_uri = %s, poster_uri = %s, page_uri = %s,
                bytes = %s, render_ms = %s, duration_s = %s, last_error = null, rendered_by = %s,
                cpu_s = %s, scenes = %s, scenes_cached = %s, frames_captured = %s, segment_keys = %s,
                finished_at = now(), updated_at = now()
            where user_id = %s and recap_year = %s and claim_count = %s
                and ((status = 'rendering' and lease_owner = %s) or (status = %s and rendered_by = %s))
            returning user_id
            """,
            (
                identity.finished_status, job.payload_hash, identity.template_version, identity.settings, identity.location,
                output_uri, poster_uri, page_uri, size_bytes, render_ms, duration_s, owner,
                *(cost or RenderCost()).columns(),
                job.user_id, job.recap_year, job.claim, owner, identity.finished_status, owner,
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
            where user_id = %s and recap_year = %s and lease_owner = %s and claim_count = %s and status = 'rendering'
            returning status
            """,
            (status, error[:1000], job.payload_hash, template_version, retry_after_s or 0.0, status, job.user_id, job.recap_year, owner, job.claim),
            fetch=True,
        )
        return str(rows[0][0]) if rows else "lost"

    def release(self, owner: str, jobs: Sequence[Job] | None = None, error: str | None = None) -> int:
        """Give jobs back (retry now: a graceful stop, an abort, a run stopped by storage): pending again, the attempt not counted.

        All of this runner's jobs, or only `jobs` (each while it still carries its claim).
        """
        sql = """
            update {jobs} set status = 'pending', lease_owner = null, lease_expires_at = null,
                attempts = greatest(attempts - 1, 0), available_at = now(), updated_at = now(),
                last_error = coalesce(%s, last_error)
            where lease_owner = %s and status = 'rendering'
        """
        params: list[Any] = [error[:1000] if error else None, owner]
        if jobs is not None:
            if not jobs:
                return 0
            held, held_params = _these_claims(jobs)
            sql += " and " + held
            params += held_params
        return len(self.table.run(sql + " returning user_id", params, fetch=True))


def _these_claims(jobs: Sequence[Job]) -> tuple[str, list[Any]]:
    """A condition matching exactly these claims (each job's row while it still carries its claim token)."""
    sql = "(" + " or ".join(["(user_id = %s and recap_year = %s and claim_count = %s)"] * len(jobs)) + ")"
    return sql, [v for job in jobs for v in (job.user_id, job.recap_year, job.claim)]


@contextmanager
def open_queue(config: WarehouseConfig) -> Iterator[JobQueue]:
    """The job queue on a fresh warehouse connection, its table created if missing."""
    with open_database(config) as db:
        queue = JobQueue(db)
        queue.ensure_table()
        yield queue
