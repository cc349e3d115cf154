"""The job queue at fleet scale, on a real Postgres: claims per second, claim latency, and what
heartbeats cost the server.

    .venv/bin/python bench/queue.py                  # 100,000 jobs, 50 claimers, batch 1 and 16, before/after indexes
    .venv/bin/python bench/queue.py --heartbeat      # 300 runners x 16 leased jobs renewing every 15 s
    .venv/bin/python bench/queue.py --jobs 5000 --claimers 8 --batch 1 --skip-before

Everything runs through the real queue code (`JobQueue.ensure_table`, `sync`, `claim`, `complete`,
`renew`) in its own schema (`--schema`, default bench_queue) of the server `--dsn` names (default:
the PG* variables, else 127.0.0.1:5432, user postgres), dropped at the end. `recap_payloads` is filled with small
fake payloads and indexed as dbt builds it.

Claims: the fleet's in-flight jobs are leased first (`--runners` x `--slots`, default 300 x 16 =
4,800, under leases that outlive the run), as in the middle of a real run; then `--claimers`
processes, each with its own connection, loop claim -> complete until only those jobs are left.
Reports claims/s (claim calls; with --batch 16 each takes up to 16 jobs), jobs/s, completes/s,
p50/p95/p99 claim latency, and the server CPU the run cost (utime + stime, from /proc, of the
claimers' own backends, parallel query off; and of the whole server, which includes anyone else's
work on it).
Every job must be claimed exactly once (by one claimer, attempts = 1, done by its claimer) and no
statement may deadlock: the bench fails (exit 1) otherwise. "before" runs the same with the job
table's and the payloads' indexes dropped, for `--before-seconds` only (it is over 20x slower).

Heartbeat (`--heartbeat`): the same 300 x 16 leased jobs, each simulated runner renewing its leases
with one statement every `--period` seconds (lease 60 s / 4 = 15 s: 20 statements/s for the fleet),
from `--connections` connections, paced for `--seconds`, then flat out for a stable per-statement
cost. Reports renews/s, latency, server CPU per renew and the share of one core the fleet's
heartbeats take; the same for the runner's other periodic statements: its progress tick
(`QueueStats.counts`, every 2 s per runner) and, at the tail of a run (every other job done),
`JobQueue.waiting` (every second per runner with nothing in flight). "before" is the same without
the indexes. Lines are `name=value`; the last ones sum up.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # Run as a script, this file's folder comes first on sys.path, and `queue.py` would stand in for
    # the standard library's `queue` (which multiprocessing imports).
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    # the project, not this folder, first: bench/queue.py must not shadow the standard library's queue
sys.path[:] = [str(PROJECT_DIR)] + [p for p in sys.path if Path(p or '.').resolve() != PROJECT_DIR / 'bench']

import argparse  # noqa: E402
import csv  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import queue as stdlib_queue  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import psycopg2  # noqa: E402
import psycopg2.errors  # noqa: E402
import psycopg2.extensions  # noqa: E402

from render_runner.db import Database, WarehouseConfig, open_database  # noqa: E402
from render_runner.queue.identity import RenderIdentity  # noqa: E402
from render_runner.queue.queue import Job, JobQueue  # noqa: E402
from render_runner.queue.schema import JOBS_TABLE, PAYLOADS_TABLE, UPGRADES, PartialIndex  # noqa: E402

# like bench/warehouse.py: the PG* variables, else the server on 127.0.0.1:5432 (PGPASSWORD is read by libpq)
DEFAULT_DSN = " ".join(f"{key}={os.environ.get(var, default)}" for key, var, default in (
    ("host", "PGHOST", "127.0.0.1"), ("port", "PGPORT", "5432"), ("user", "PGUSER", "postgres"), ("dbname", "PGDATABASE", "postgres")))
IDENTITY = RenderIdentity(template_version="bench", settings="{}", location="/bench#key=00", partial=False)
# dbt builds recap_payloads with this index (models/marts/_marts__models.yml, `indexes`): the claim
# joins it and then reads the claimed payloads by user_id.
PAYLOADS_INDEX = "create unique index recap_payloads_key on {payloads} (user_id, recap_year)"
HELD_LEASE_S = 24 * 3600  # the simulated fleet's in-flight jobs stay leased for the whole bench
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchFailure(Exception):
    """The queue did something it must never do (a job claimed twice or lost, a deadlock, an error)."""


@dataclass(frozen=True)
class SimRunner:
    """A runner of the simulated fleet: its id and the jobs it holds."""

    owner: str
    jobs: tuple[Job, ...]


def renew(queue: JobQueue, runner: SimRunner, lease_s: int) -> int:
    """One heartbeat of one runner: the statement a runner sends every lease/4 for the jobs it has in
    flight (each with its claim token). Returns how many leases it renewed."""
    return len(queue.renew(runner.owner, runner.jobs, lease_s))


def progress_tick(queue: JobQueue, runner: SimRunner, lease_s: int) -> int:
    """The runner's progress tick (every 2 s while it runs): the queue's counts."""
    return sum(queue.stats.counts().values())


def waiting(queue: JobQueue, runner: SimRunner, lease_s: int) -> int:
    """What a runner with nothing in flight and nothing to claim asks every second (the tail of a run)."""
    return queue.waiting()


PERIODIC: dict[str, Callable[[JobQueue, SimRunner, int], int]] = {"renew": renew, "tick": progress_tick, "waiting": waiting}


# -- set-up ---------------------------------------------------------------------------------------
def warehouse_config(dsn: str | dict[str, Any], schema: str) -> WarehouseConfig:
    """The bench's connections: parallel query off, so that all the CPU of a statement is in its
    connection's own backend, where it is measured (a parallel plan spends more in all, not less)."""
    pg_dsn = psycopg2.extensions.parse_dsn(dsn) if isinstance(dsn, str) else dict(dsn)
    pg_dsn["options"] = (str(pg_dsn.get("options") or "") + " -c max_parallel_workers_per_gather=0").strip()
    return WarehouseConfig(target="postgres", dialect="postgres", schema=schema, pg_dsn=pg_dsn)


def fake_payload(user_id: int) -> str:
    return json.dumps({
        "user": {"id": user_id, "name": f"Dreamer {user_id}", "locale": "en"},
        "year": 2026,
        "dreams": {"total": 12 + user_id % 50, "difference": 2, "lucid": 3, "nightmares": 1, "average": 10, "previous_year": 8,
                   "top_percent": 20, "longest_streak": 3, "busiest_month": 1 + user_id % 12},
        "persons": [["Mom", 4], ["John", 2]],
        "places": [["School", 3]],
        "emotions": [["Joy", 5], ["Fear", 2], ["Relief", 1]],
    }, separators=(",", ":"))


def queue_indexes() -> list[PartialIndex]:
    return [step for upgrade in UPGRADES.values() for step in upgrade if isinstance(step, PartialIndex)]


def fill(config: WarehouseConfig, jobs: int) -> None:
    """A fresh schema: `jobs` payloads and their pending jobs, made by the real queue code."""
    with open_database(config) as db:
        schema = db.quote(config.schema)
        payloads, jobs_table = db.table(PAYLOADS_TABLE), db.table(JOBS_TABLE)
        db.execute(f"drop schema if exists {schema} cascade")
        db.execute(f"create schema {schema}")
        db.execute(
            f"create table {payloads} (user_id bigint not null, recap_year integer not null, payload jsonb not null, "
            "payload_hash text not null, built_at timestamp not null, source_data_until timestamp not null, source_schema varchar not null)"
        )
        with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
            path = Path(tmp) / "payloads.csv"
            with path.open("w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file)
                for user_id in range(1, jobs + 1):
                    text = fake_payload(user_id)
                    writer.writerow([user_id, 2026, text, hashlib.md5(text.encode()).hexdigest(), "2026-12-01 00:00:00", "2026-11-30 23:00:00", "app"])
            db.load_csv(payloads, [], path)
        db.execute(PAYLOADS_INDEX.format(payloads=payloads))
        queue = JobQueue(db)
        queue.ensure_table()
        queue.sync(IDENTITY, release_orphans=False)
        vacuum(db, payloads, jobs_table)


def drop_indexes(config: WarehouseConfig) -> None:
    """The queue as it was before its indexes: none on the job table but its key, none on the payloads."""
    with open_database(config) as db:
        for name in [index.name for index in queue_indexes()] + ["recap_payloads_key"]:
            db.execute(f"drop index if exists {db.table(name)}")
        vacuum(db, db.table(PAYLOADS_TABLE), db.table(JOBS_TABLE))


def prepare(config: WarehouseConfig, jobs: int, runners: int, slots: int, *, indexes: bool, lease_s: int = HELD_LEASE_S) -> list[SimRunner]:
    """`fill`, then the fleet's in-flight jobs leased (`lease_fleet`), then the indexes dropped unless `indexes`."""
    fill(config, jobs)
    fleet = lease_fleet(config, runners, slots, lease_s)
    if not indexes:
        drop_indexes(config)
    return fleet


def vacuum(db: Database, *tables: str) -> None:
    db.con.commit()
    db.con.autocommit = True
    try:
        with db.con.cursor() as cur:
            for table in tables:
                cur.execute(f"vacuum analyze {table}")
    finally:
        db.con.autocommit = False


def lease_fleet(config: WarehouseConfig, runners: int, slots: int, lease_s: int = HELD_LEASE_S) -> list[SimRunner]:
    """The fleet's in-flight jobs: `runners` runners each claim `slots` jobs (the real claim)."""
    fleet = []
    with open_database(config) as db:
        queue = JobQueue(db)
        for i in range(runners):
            owner = f"fleet-{i:04d}:{os.getpid()}"
            fleet.append(SimRunner(owner, tuple(queue.claim(owner, slots, lease_s))))
        vacuum(db, db.table(JOBS_TABLE))
    return fleet


def drop_schema(config: WarehouseConfig) -> None:
    with open_database(config) as db:
        db.execute(f"drop schema if exists {db.quote(config.schema)} cascade")


# -- measuring ------------------------------------------------------------------------------------
def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state, ppid, ...), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def proc_cpu_s(pid: int, *, reaped_children: bool = False) -> float | None:
    """utime + stime of a process on this machine (plus cutime + cstime: its exited children's), or None (not here, or gone)."""
    fields = proc_stat(pid)
    if fields is None:
        return None
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped_children else 0)
    return ticks / CLK_TCK


def postmaster_pid(config: WarehouseConfig) -> int | None:
    """The server's main process, when it runs on this machine (its data directory's postmaster.pid is readable)."""
    with open_database(config) as db:
        data_dir = db.execute("show data_directory", fetch=True)[0][0]
    try:
        pid = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pid if proc_stat(pid) is not None else None


def server_cpu_s(postmaster: int | None) -> float | None:
    """CPU seconds the server has used: the postmaster's and every child's own, plus what its exited
    children used (reaped by the postmaster), so the difference of two readings is the server's CPU
    in between, short-lived processes included. None when the server is not on this machine."""
    if postmaster is None:
        return None
    total = proc_cpu_s(postmaster, reaped_children=True) or 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = proc_stat(int(entry.name))
            if fields is not None and fields[1] == str(postmaster):
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def backend_cpu(db: Database) -> tuple[int, float | None]:
    """This connection's server process and its CPU seconds so far (None when the server is not on this machine)."""
    with db.con.cursor() as cur:
        cur.execute("select pg_backend_pid()")
        pid = int(cur.fetchone()[0])
    db.con.commit()
    cpu = proc_cpu_s(pid)
    if cpu is not None and Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
        cpu = None  # a pid of another machine's server
    return pid, cpu


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class WorkerResult:
    owner: str
    claimed: list[int] = field(default_factory=list)  # user ids, in claim order
    claim_ms: list[float] = field(default_factory=list)  # claim calls that returned jobs
    complete_ms: list[float] = field(default_factory=list)
    statement_ms: list[float] = field(default_factory=list)  # periodic statements (heartbeat mode)
    empty_claims: int = 0
    deadlocks: int = 0
    errors: list[str] = field(default_factory=list)
    server_cpu_s: float | None = None
    client_cpu_s: float = 0.0
    finished_at: float = 0.0


Body = Callable[[JobQueue, WorkerResult], None]  # what a worker process does on its connection


def _worker(config: WarehouseConfig, body: Body, owner: str,
            ready: Any, start: Any, leave: Any, results: Any) -> None:
    """One process, one connection: wait for the start, run `body`, report, stay connected until the parent has measured the server."""
    result = WorkerResult(owner)
    try:
        with open_database(config) as db:
            queue = JobQueue(db)
            pid, cpu_before = backend_cpu(db)
            client_before = own_cpu_s()
            ready.put(pid)
            start.wait()
            try:
                body(queue, result)
            except Exception as exc:  # reported to the parent, which fails the bench
                db.con.rollback()
                result.errors.append(f"{owner}: {type(exc).__name__}: {exc}")
            result.finished_at = time.monotonic()
            result.client_cpu_s = own_cpu_s() - client_before
            _, cpu_after = backend_cpu(db)
            if cpu_before is not None and cpu_after is not None:
                result.server_cpu_s = cpu_after - cpu_before
            results.put(result)
            leave.wait()
    except Exception as exc:
        result.errors.append(f"{owner}: {type(exc).__name__}: {exc}")
        ready.put(-1)
        results.put(result)


def run_workers(config: WarehouseConfig, bodies: Sequence[tuple[str, Body]]) -> tuple[list[WorkerResult], float, float | None]:
    """Start one process per (owner, body), all connected before the clock starts; returns the
    results, the wall time from the start to the last one finishing, and the whole server's CPU."""
    ctx = multiprocessing.get_context("fork")
    ready, results = ctx.Queue(), ctx.Queue()
    start, leave = ctx.Event(), ctx.Event()
    postmaster = postmaster_pid(config)
    procs = [ctx.Process(target=_worker, args=(config, body, owner, ready, start, leave, results), daemon=True) for owner, body in bodies]
    for proc in procs:
        proc.start()
    out: list[WorkerResult] = []
    try:
        for _ in procs:
            ready.get(timeout=120)
        server_before = server_cpu_s(postmaster)
        started = time.monotonic()
        start.set()
        while len(out) < len(procs):
            try:
                out.append(results.get(timeout=1.0))
            except stdlib_queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise BenchFailure(f"{len(dead)} worker process(es) died (exit code {dead[0].exitcode})") from None
        server_after = server_cpu_s(postmaster)
    finally:
        leave.set()
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    wall = max(r.finished_at for r in out) - started
    return out, wall, None if server_before is None or server_after is None else server_after - server_before


# -- claims ---------------------------------------------------------------------------------------
def claim_loop(batch: int, lease_s: int, held: int, deadline_s: float | None) -> Body:
    """A claimer: claim -> complete until only the fleet's `held` jobs are left (or the deadline)."""

    def body(queue: JobQueue, result: WorkerResult) -> None:
        stop_at = None if deadline_s is None else time.monotonic() + deadline_s
        while stop_at is None or time.monotonic() < stop_at:
            began = time.perf_counter()
            try:
                jobs = queue.claim(result.owner, batch, lease_s)
            except psycopg2.errors.DeadlockDetected:
                result.deadlocks += 1
                continue
            if not jobs:
                result.empty_claims += 1
                if queue.waiting() <= held:  # drained: what is left is under the fleet's leases
                    return
                time.sleep(0.002)  # the last jobs are being completed by other claimers
                continue
            result.claim_ms.append((time.perf_counter() - began) * 1000)
            for job in jobs:
                result.claimed.append(job.user_id)
                began = time.perf_counter()
                done = queue.complete(job, result.owner, identity=IDENTITY, output_uri=f"/bench/{job.job_id}.mp4",
                                      poster_uri=f"/bench/{job.job_id}.jpg", size_bytes=1_500_000, render_ms=30_000, duration_s=30.0)
                result.complete_ms.append((time.perf_counter() - began) * 1000)
                if not done:
                    result.errors.append(f"{result.owner}: lost the lease of job {job.job_id} it had just claimed")

    return body


@dataclass
class ClaimReport:
    label: str
    jobs: int
    claimers: int
    batch: int
    held: int
    wall_s: float
    claim_calls: int
    claimed: int
    completes: int
    claim_ms: list[float]
    empty_claims: int
    deadlocks: int
    server_cpu_own_s: float | None
    server_cpu_all_s: float | None
    client_cpu_s: float
    time_limited: bool

    @property
    def claims_per_s(self) -> float:
        return self.claim_calls / self.wall_s

    @property
    def jobs_per_s(self) -> float:
        return self.claimed / self.wall_s

    def lines(self) -> list[str]:
        p = self.label
        out = [
            f"{p}.jobs={self.jobs}", f"{p}.claimers={self.claimers}", f"{p}.batch={self.batch}", f"{p}.in_flight_held={self.held}",
            f"{p}.time_limited={self.time_limited}", f"{p}.wall_s={self.wall_s:.2f}",
            f"{p}.claim_calls={self.claim_calls}", f"{p}.jobs_claimed={self.claimed}",
            f"{p}.claims_per_s={self.claims_per_s:.1f}", f"{p}.jobs_claimed_per_s={self.jobs_per_s:.1f}",
            f"{p}.completes_per_s={self.completes / self.wall_s:.1f}",
            f"{p}.claim_p50_ms={percentile(self.claim_ms, 0.50):.2f}", f"{p}.claim_p95_ms={percentile(self.claim_ms, 0.95):.2f}",
            f"{p}.claim_p99_ms={percentile(self.claim_ms, 0.99):.2f}",
            f"{p}.empty_claims={self.empty_claims}", f"{p}.deadlocks={self.deadlocks}",
            f"{p}.client_cpu_s={self.client_cpu_s:.1f}",
        ]
        if self.server_cpu_own_s is not None:
            out += [f"{p}.server_cpu_s={self.server_cpu_own_s:.1f}",
                    f"{p}.server_cpu_ms_per_job={1000 * self.server_cpu_own_s / max(self.claimed, 1):.2f}"]
        if self.server_cpu_all_s is not None:
            out += [f"{p}.server_cpu_s_whole_server={self.server_cpu_all_s:.1f}",
                    f"{p}.server_cpu_ms_per_job_whole_server={1000 * self.server_cpu_all_s / max(self.claimed, 1):.2f}",
                    # what one core of a server that does nothing else could sustain
                    f"{p}.jobs_per_s_per_server_core={self.claimed / max(self.server_cpu_all_s, 1e-9):.0f}"]
        return out


def run_claims(config: WarehouseConfig, *, jobs: int, claimers: int, batch: int, runners: int = 0, slots: int = 16,
               indexes: bool = True, lease_s: int = 60, max_seconds: float | None = None, label: str = "claims") -> ClaimReport:
    """Fill the queue, lease the fleet's jobs, run the claimers; check that every job was claimed exactly once."""
    fleet = prepare(config, jobs, runners, slots, indexes=indexes)
    held = sum(len(r.jobs) for r in fleet)
    bodies = [(f"claimer-{i:03d}", claim_loop(batch, lease_s, held, max_seconds)) for i in range(claimers)]
    results, wall, server_all = run_workers(config, bodies)
    check_exactly_once(config, results, fleet, jobs, complete=max_seconds is None)
    own = [r.server_cpu_s for r in results]
    return ClaimReport(
        label=label, jobs=jobs, claimers=claimers, batch=batch, held=held, wall_s=wall,
        claim_calls=sum(len(r.claim_ms) for r in results), claimed=sum(len(r.claimed) for r in results),
        completes=sum(len(r.complete_ms) for r in results), claim_ms=[ms for r in results for ms in r.claim_ms],
        empty_claims=sum(r.empty_claims for r in results), deadlocks=sum(r.deadlocks for r in results),
        server_cpu_own_s=None if None in own else sum(x for x in own if x is not None), server_cpu_all_s=server_all,
        client_cpu_s=sum(r.client_cpu_s for r in results), time_limited=max_seconds is not None,
    )


def check_exactly_once(config: WarehouseConfig, results: Sequence[WorkerResult], fleet: Sequence[SimRunner], jobs: int, *, complete: bool) -> None:
    """Every job claimed by one claimer at most once, finished by it, nothing else touched; with
    `complete`, every job not held by the fleet claimed. Raises BenchFailure with what went wrong."""
    problems = [e for r in results for e in r.errors]
    deadlocks = sum(r.deadlocks for r in results)
    if deadlocks:
        problems.append(f"{deadlocks} claim(s) deadlocked")
    counts = Counter(u for r in results for u in r.claimed)
    twice = sorted(u for u, n in counts.items() if n > 1)
    if twice:
        problems.append(f"{len(twice)} job(s) claimed more than once, e.g. users {twice[:5]}")
    claimed_by = {u: r.owner for r in results for u in r.claimed}
    held_by = {job.user_id: runner.owner for runner in fleet for job in runner.jobs}
    with open_database(config) as db:
        rows = db.execute(f"select user_id, status, attempts, rendered_by, lease_owner from {db.table(JOBS_TABLE)}", fetch=True)
    if len(rows) != jobs:
        problems.append(f"{len(rows)} job rows for {jobs} payloads")
    wrong: list[str] = []
    for user_id, status, attempts, rendered_by, lease_owner in rows:
        user_id = int(user_id)
        if user_id in held_by:
            expected = ("rendering", 1, None, held_by[user_id])
        elif user_id in claimed_by:
            expected = ("done", 1, claimed_by[user_id], None)
        elif complete:
            wrong.append(f"user {user_id}: never claimed ({status})")
            continue
        else:
            expected = ("pending", 0, None, None)
        if (status, attempts, rendered_by, lease_owner) != expected:
            wrong.append(f"user {user_id}: (status, attempts, rendered_by, lease_owner) = {(status, attempts, rendered_by, lease_owner)}, not {expected}")
    if wrong:
        problems.append(f"{len(wrong)} job(s) in the wrong state, e.g. " + "; ".join(wrong[:3]))
    if problems:
        raise BenchFailure("not exactly once: " + " | ".join(problems))


# -- heartbeats -----------------------------------------------------------------------------------
def periodic_loop(kind: str, runners: Sequence[SimRunner], offsets: Sequence[float], period_s: float | None,
                  seconds: float, lease_s: int) -> Body:
    """Send `kind`'s statement for each of `runners`: every `period_s` (runner i first at offsets[i]),
    or back to back when `period_s` is None; for `seconds`."""
    statement = PERIODIC[kind]

    def body(queue: JobQueue, result: WorkerResult) -> None:
        t0 = time.monotonic()
        due = [t0 + offset for offset in offsets]
        i = 0
        while True:
            if period_s is not None:
                i = min(range(len(runners)), key=due.__getitem__)
                wait = due[i] - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                due[i] += period_s
            if time.monotonic() - t0 >= seconds:
                return
            runner = runners[i]
            began = time.perf_counter()
            count = statement(queue, runner, lease_s)
            result.statement_ms.append((time.perf_counter() - began) * 1000)
            if kind == "renew" and count != len(runner.jobs):
                result.errors.append(f"{runner.owner}: renewed {count} leases of {len(runner.jobs)}")
                return
            if period_s is None:
                i = (i + 1) % len(runners)

    return body


@dataclass
class PeriodicReport:
    label: str
    statements: int
    wall_s: float
    statement_ms: list[float]
    server_cpu_own_s: float | None  # the connections' own backends
    server_cpu_all_s: float | None  # the whole server, anyone else's work on it included
    fleet_rate: float  # statements/s the whole fleet sends

    def per_statement_s(self) -> float | None:
        """Server CPU per statement, in the connections' own backends."""
        return None if self.server_cpu_own_s is None else self.server_cpu_own_s / max(self.statements, 1)

    def lines(self) -> list[str]:
        p = self.label
        out = [
            f"{p}.statements={self.statements}", f"{p}.per_s={self.statements / self.wall_s:.1f}",
            f"{p}.p50_ms={percentile(self.statement_ms, 0.5):.2f}", f"{p}.p95_ms={percentile(self.statement_ms, 0.95):.2f}",
            f"{p}.p99_ms={percentile(self.statement_ms, 0.99):.2f}",
        ]
        per = self.per_statement_s()
        if per is not None:
            out += [f"{p}.server_cpu_ms_per_statement={1000 * per:.3f}", f"{p}.fleet_statements_per_s={self.fleet_rate:.1f}",
                    f"{p}.fleet_share_of_one_core={per * self.fleet_rate:.4f}"]
        if self.server_cpu_all_s is not None:  # anyone else's work on the server is in this one
            out.append(f"{p}.server_cpu_ms_per_statement_whole_server={1000 * self.server_cpu_all_s / max(self.statements, 1):.3f}")
        return out


def run_periodic(config: WarehouseConfig, fleet: Sequence[SimRunner], kind: str, *, connections: int, period_s: float | None,
                 fleet_period_s: float, seconds: float, lease_s: int, label: str) -> PeriodicReport:
    """The fleet's `kind` statements from `connections` processes (runners dealt out among them)."""
    n = len(fleet)
    bodies = []
    for c in range(connections):
        mine = list(range(c, n, connections))
        offsets = [g * fleet_period_s / n for g in mine] if period_s is not None else [0.0] * len(mine)
        bodies.append((f"{kind}-{c:02d}", periodic_loop(kind, [fleet[g] for g in mine], offsets, period_s, seconds, lease_s)))
    results, wall, server_all = run_workers(config, bodies)
    errors = [e for r in results for e in r.errors]
    if errors:
        raise BenchFailure(f"{kind}: " + " | ".join(errors[:5]))
    own = [r.server_cpu_s for r in results]
    return PeriodicReport(
        label=label, statements=sum(len(r.statement_ms) for r in results), wall_s=wall,
        statement_ms=[ms for r in results for ms in r.statement_ms],
        server_cpu_own_s=None if None in own else sum(x for x in own if x is not None), server_cpu_all_s=server_all,
        fleet_rate=n / fleet_period_s,
    )


def finish_pending(config: WarehouseConfig) -> None:
    """The tail of a run: every job done but the fleet's in-flight ones."""
    with open_database(config) as db:
        jobs = db.table(JOBS_TABLE)
        db.execute(f"update {jobs} set status = 'done', finished_at = now(), updated_at = now() where status = 'pending'")
        vacuum(db, jobs)


def run_heartbeats(config: WarehouseConfig, *, jobs: int, runners: int, slots: int, period_s: float, seconds: float,
                   connections: int, lease_s: int, indexes: bool, label: str) -> list[PeriodicReport]:
    """In the middle of a run: renews paced at the fleet's rate, renews flat out, progress ticks
    (every 2 s per runner) flat out; at its tail (only the fleet's jobs left): `waiting` (every
    second per idle runner) flat out."""
    fleet = prepare(config, jobs, runners, slots, indexes=indexes, lease_s=lease_s)
    common = {"connections": connections, "seconds": seconds, "lease_s": lease_s}
    reports = [
        run_periodic(config, fleet, "renew", period_s=period_s, fleet_period_s=period_s, label=f"{label}.renew_paced", **common),
        run_periodic(config, fleet, "renew", period_s=None, fleet_period_s=period_s, label=f"{label}.renew_flat_out", **common),
        run_periodic(config, fleet, "tick", period_s=None, fleet_period_s=2.0, label=f"{label}.tick_flat_out", **common),
    ]
    finish_pending(config)
    reports.append(run_periodic(config, fleet, "waiting", period_s=None, fleet_period_s=1.0, label=f"{label}.waiting_at_tail_flat_out", **common))
    return reports


def heartbeat_summary(reports: Sequence[PeriodicReport]) -> list[str]:
    """Per statement: its server CPU (flat out), what the fleet's rate of it costs, its p99 (flat out; and paced, at the fleet's rate)."""
    out = []
    paced = {r.label.replace("_paced", ""): r for r in reports if r.label.endswith("_paced")}
    for report in reports:
        per = report.per_statement_s()
        if per is None or "flat_out" not in report.label:
            continue
        name = report.label.replace("_flat_out", "")
        line = (f"{name}: fleet_statements_per_s={report.fleet_rate:.0f} server_cpu_ms_per_statement={1000 * per:.3f} "
                f"fleet_share_of_one_core={per * report.fleet_rate:.3f} p99_ms_flat_out={percentile(report.statement_ms, 0.99):.2f}")
        if name in paced:
            line += f" p99_ms_at_fleet_rate={percentile(paced[name].statement_ms, 0.99):.2f}"
        out.append(line)
    return out


# -- the command ----------------------------------------------------------------------------------
def machine_lines(config: WarehouseConfig) -> list[str]:
    load = os.getloadavg()
    with open_database(config) as db:
        version = db.execute("show server_version", fetch=True)[0][0]
        names = ("synchronous_commit", "autovacuum", "shared_buffers", "jit")
        settings = dict(db.execute("select name, setting from pg_settings where name in %s", (names,), fetch=True))
    return [f"machine={platform.node()} cpus={os.cpu_count()} python={platform.python_version()}",
            f"postgres={version} " + " ".join(f"{k}={v}" for k, v in sorted(settings.items())),
            f"load_average_at_start={load[0]:.2f}"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dsn", default=DEFAULT_DSN, help="libpq connection string (default: %(default)s)")
    parser.add_argument("--schema", default="bench_queue", help="the bench's own schema, dropped at the end")
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--claimers", type=int, default=50, help="claimer processes, one connection each")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 16], help="jobs per claim call (one run each)")
    parser.add_argument("--runners", type=int, default=300, help="the simulated fleet: runners holding leases")
    parser.add_argument("--slots", type=int, default=16, help="in-flight jobs per runner")
    parser.add_argument("--lease", type=int, default=60, help="lease seconds (the runner's default)")
    parser.add_argument("--before-seconds", type=float, default=30.0, help="how long each run without the indexes lasts")
    parser.add_argument("--skip-before", action="store_true", help="only the queue with its indexes")
    parser.add_argument("--heartbeat", action="store_true", help="measure heartbeats (renew) instead of claims")
    parser.add_argument("--period", type=float, default=15.0, help="heartbeat period per runner (lease / 4)")
    parser.add_argument("--seconds", type=float, default=60.0, help="heartbeat: seconds of each phase")
    parser.add_argument("--connections", type=int, default=4, help="heartbeat: connections the fleet's statements are sent on")
    args = parser.parse_args(argv)
    config = warehouse_config(args.dsn, args.schema)

    print(*machine_lines(config), sep="\n", flush=True)
    summary: list[str] = []
    try:
        if args.heartbeat:
            phases = [("before", False)] if not args.skip_before else []
            for name, indexes in [*phases, ("after", True)]:
                seconds = min(args.seconds, args.before_seconds) if not indexes else args.seconds
                reports = run_heartbeats(config, jobs=args.jobs, runners=args.runners, slots=args.slots, period_s=args.period,
                                         seconds=seconds, connections=args.connections, lease_s=args.lease, indexes=indexes, label=name)
                for report in reports:
                    print(*report.lines(), sep="\n", flush=True)
                summary += heartbeat_summary(reports)
        else:
            runs: dict[str, ClaimReport] = {}
            for batch in args.batch:
                phases = [] if args.skip_before else [("before", False)]
                for name, indexes in [*phases, ("after", True)]:
                    label = f"{name}.batch{batch}"
                    report = run_claims(config, jobs=args.jobs, claimers=args.claimers, batch=batch, runners=args.runners, slots=args.slots,
                                        indexes=indexes, lease_s=args.lease, max_seconds=None if indexes else args.before_seconds, label=label)
                    runs[label] = report
                    print(*report.lines(), f"{label}.exactly_once=ok", sep="\n", flush=True)
            for label, report in runs.items():
                summary.append(f"{label}: claims_per_s={report.claims_per_s:.1f} jobs_claimed_per_s={report.jobs_per_s:.1f} "
                               f"claim_p99_ms={percentile(report.claim_ms, 0.99):.2f} deadlocks={report.deadlocks} exactly_once=ok")
                before = runs.get(label.replace("after.", "before."))
                if label.startswith("after.") and before is not None:
                    summary.append(f"{label}: speed-up over no indexes={report.jobs_per_s / before.jobs_per_s:.0f}x")
    except BenchFailure as exc:
        print(f"FAILED: {exc}", flush=True)
        return 1
    finally:
        drop_schema(config)
    print("-- summary", *summary, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
