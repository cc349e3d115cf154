"""`render-runner go`: sync the queue, then claim, render, store and record jobs until none is left.

Threads: the main loop claims jobs and hands them to `concurrency` render threads (one render in
flight each, served by the worker pool); a heartbeat renews this runner's leases. Every warehouse
call goes through one connection under one lock, so DuckDB (single process) and Postgres (many
runners) share the code.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from render_runner.contract import InvalidPayload, parse_payload
from render_runner.jobs import Job, JobQueue, SyncResult, new_runner_id
from render_runner.keys import object_key, poster_key, video_key
from render_runner.render_pool import RenderError, RenderPool, RenderSettings
from render_runner.storage import Storage
from render_runner.template import CACHE_DIR, Template
from render_runner.warehouse import WarehouseConfig


@dataclass(frozen=True)
class RunOptions:
    concurrency: int = 2
    lease_s: int = 600
    max_attempts: int = 3
    retry_backoff_s: float = 5.0
    retry_failed: bool = False
    render_timeout_s: float = 600.0
    recycle_after: int = 100
    settings: RenderSettings = field(default_factory=RenderSettings)
    limit: int | None = None
    heartbeat_s: float | None = None  # default: a third of the lease


@dataclass
class RunReport:
    runner_id: str
    sync: SyncResult | None = None
    done: int = 0
    failed: int = 0
    retried: int = 0
    lost_leases: int = 0
    released: int = 0
    interrupted: bool = False
    elapsed_s: float = 0.0
    render_ms: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class RunObserver:
    """What a run reports as it goes; the default reports nothing (the CLI shows Rich progress)."""

    def synced(self, sync: SyncResult, counts: dict[str, int]) -> None: ...
    def started(self, job: Job) -> None: ...
    def finished(self, job: Job, status: str, detail: str) -> None: ...
    def tick(self, counts: dict[str, int], in_flight: int) -> None: ...
    def stopping(self, aborting: bool) -> None: ...


class Runner:
    def __init__(
        self,
        con: Any,
        config: WarehouseConfig,
        storage: Storage,
        template: Template,
        secret: bytes,
        options: RunOptions,
        observer: RunObserver | None = None,
        work_root: Path = CACHE_DIR / "work",
    ) -> None:
        self.queue = JobQueue(con, config)
        self.config = config
        self.storage = storage
        self.template = template
        self.secret = secret
        self.options = options
        self.observer = observer or RunObserver()
        self.runner_id = new_runner_id()
        self.report = RunReport(runner_id=self.runner_id)
        self.work_root = work_root
        self._db = threading.Lock()
        self._stop = threading.Event()
        self._abort = threading.Event()
        self._finished = threading.Event()
        self._pool: RenderPool | None = None

    # -- control (called from signal handlers) ------------------------------------------------
    def request_stop(self) -> None:
        """First Ctrl-C / SIGTERM: claim nothing more, let in-flight renders finish."""
        if self._stop.is_set():
            self.abort()
            return
        self._stop.set()
        self.report.interrupted = True
        self.observer.stopping(aborting=False)

    def abort(self) -> None:
        """Second Ctrl-C: kill renders now; their leases are released, nothing is lost."""
        self._stop.set()
        self._abort.set()
        self.report.interrupted = True
        self.observer.stopping(aborting=True)
        if self._pool:
            self._pool.kill()

    # -- the run ------------------------------------------------------------------------------
    def prepare(self) -> SyncResult:
        with self._db:
            self.queue.ensure_table()
            if self.options.retry_failed:
                self.queue.retry_failed()
            sync = self.queue.sync(self.template.version, release_orphans=self.config.dialect == "duckdb")
            counts = self.queue.counts()
        self.report.sync = sync
        self.observer.synced(sync, counts)
        return sync

    def run(self) -> RunReport:
        started = time.monotonic()
        self.prepare()
        work_dir = self._work_dir()
        heartbeat = threading.Thread(target=self._heartbeat, daemon=True)
        in_flight: dict[Future[str], Job] = {}
        claimed_total = 0
        try:
            with RenderPool(
                self.template,
                self.options.concurrency,
                timeout_s=self.options.render_timeout_s,
                recycle_after=self.options.recycle_after,
            ) as pool, ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="render") as executor:
                self._pool = pool
                heartbeat.start()
                last_tick = 0.0
                while True:
                    if not self._stop.is_set():
                        free = self.options.concurrency - len(in_flight)
                        if self.options.limit is not None:
                            free = min(free, self.options.limit - claimed_total)
                        if free > 0:
                            with self._db:
                                jobs = self.queue.claim(self.runner_id, free, self.options.lease_s)
                            claimed_total += len(jobs)
                            for job in jobs:
                                self.observer.started(job)
                                in_flight[executor.submit(self._process, pool, job, work_dir)] = job
                    if not in_flight:
                        if self._stop.is_set():
                            break
                        if self.options.limit is not None and claimed_total >= self.options.limit:
                            break
                        with self._db:
                            waiting = self.queue.waiting()
                        if waiting == 0:
                            break
                        self._stop.wait(1.0)  # jobs in backoff or under another runner's lease
                    else:
                        done, _ = wait(list(in_flight), timeout=1.0, return_when=FIRST_COMPLETED)
                        for future in done:
                            in_flight.pop(future)
                    if time.monotonic() - last_tick > 2.0:
                        last_tick = time.monotonic()
                        with self._db:
                            counts = self.queue.counts()
                        self.observer.tick(counts, len(in_flight))
                if self._abort.is_set():
                    pool.kill()
        finally:
            self._stop.set()
            self._finished.set()
            with self._db:
                self.report.released += self.queue.release(self.runner_id)
            shutil.rmtree(work_dir, ignore_errors=True)
            self.report.elapsed_s = time.monotonic() - started
        return self.report

    # -- one job ------------------------------------------------------------------------------
    def _process(self, pool: RenderPool, job: Job, work_dir: Path) -> str:
        job_dir = work_dir / job.job_id
        job_dir.mkdir(parents=True, exist_ok=True)
        try:
            payload = parse_payload(job.payload_text)
            video, poster = job_dir / "video.mp4", job_dir / "poster.jpg"
            result = pool.render(job.job_id, payload, video, poster, self.options.settings)
            if self._abort.is_set():
                raise RenderError("aborted", kind="aborted")
            key = object_key(job.user_id, job.recap_year, self.secret)
            with self._db:
                still_mine = self.queue.holds_lease(job, self.runner_id)
            if not still_mine:  # our lease expired and another runner took the job over
                self.report.lost_leases += 1
                self.observer.finished(job, "lost", "lease taken over by another runner")
                return "lost"
            size = video.stat().st_size
            video_uri = self.storage.put(video, video_key("", job.recap_year, key), "video/mp4")
            poster_uri = self.storage.put(poster, poster_key("", job.recap_year, key), "image/jpeg")
            with self._db:
                ok = self.queue.complete(
                    job,
                    self.runner_id,
                    template_version=self.template.version,
                    output_uri=video_uri,
                    poster_uri=poster_uri,
                    size_bytes=size,
                    render_ms=result.render_ms,
                    duration_s=result.duration_s,
                )
            if not ok:
                self.report.lost_leases += 1
                self.observer.finished(job, "lost", "lease taken over by another runner")
                return "lost"
            self.report.done += 1
            self.report.render_ms.append(result.render_ms)
            self.observer.finished(job, "done", f"{result.render_ms / 1000:.1f} s")
            return "done"
        except Exception as exc:  # every failure is recorded on its own job; the run goes on
            return self._record_failure(job, exc)
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)

    def _record_failure(self, job: Job, exc: Exception) -> str:
        if isinstance(exc, RenderError) and exc.kind == "aborted" or self._abort.is_set():
            with self._db:
                self.queue.release(self.runner_id, [(job.user_id, job.recap_year)])
            self.observer.finished(job, "released", "aborted")
            return "released"
        permanent = isinstance(exc, InvalidPayload) or (isinstance(exc, RenderError) and exc.permanent)
        message = str(exc) if isinstance(exc, (InvalidPayload, RenderError)) else f"{type(exc).__name__}: {exc}"
        message = " ".join(message.split())
        backoff = self.options.retry_backoff_s * (2 ** max(job.attempts - 1, 0))
        with self._db:
            status = self.queue.fail(
                job, self.runner_id, message, max_attempts=self.options.max_attempts, backoff_s=backoff, permanent=permanent
            )
        if status == "failed":
            self.report.failed += 1
            self.report.errors.append(f"user {job.user_id}: {message}")
        elif status == "pending":
            self.report.retried += 1
        self.observer.finished(job, status if status != "pending" else "retry", message)
        return status

    def _heartbeat(self) -> None:
        interval = self.options.heartbeat_s or max(self.options.lease_s / 3, 1.0)
        while not self._finished.wait(interval):
            with self._db:
                self.queue.renew(self.runner_id, self.options.lease_s)

    def _work_dir(self) -> Path:
        """This run's scratch folder; scratch folders of runs that died on this host are removed."""
        self.work_root.mkdir(parents=True, exist_ok=True)
        for stale in self.work_root.iterdir():
            pid = stale.name.split("-")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        path = self.work_root / f"{os.getpid()}-{self.runner_id.rsplit(':', 1)[-1]}"
        path.mkdir(parents=True, exist_ok=True)
        return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
