"""The run loop of `render-runner go`: sync the queue, then claim, render, store and record jobs until none is left.

Threads: the main loop claims jobs and hands them to `concurrency` render threads (one render in
flight each, served by the worker pool); a heartbeat renews the leases of the jobs in flight on its
own connection, so a claim waiting for a reconnect never delays a renewal. The loop and the render
threads share one connection under one lock, so DuckDB (single process) and Postgres (many runners)
share the code. What to do with a failure is the retry policy's call (`queue.retry`).

Surviving the network (Postgres): both connections reconnect by themselves (`render_runner.db`).
A job's lease is known to hold until `lease_s` after its last successful renewal; past that, the
runner claims nothing new and abandons the render instead of storing it (another runner may have
taken the job). Files are stored under a temporary key (`<key>.part-<claim>`) and moved to their
final key only after `confirm_lease` has checked, and extended, this claim's hold on the job: a
runner that lost its job can never overwrite the newer runner's object (fencing).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from render_runner.config import WORK_ROOT, RunOptions
from render_runner.db import Database, DatabaseUnavailable
from render_runner.errors import RecapError
from render_runner.queue.identity import RenderIdentity, was_partial
from render_runner.queue.queue import Job, JobQueue, RenderCost, SyncResult, new_runner_id
from render_runner.queue.retry import JITTER, RetryPolicy, When
from render_runner.render.bundle import VideoBundle
from render_runner.render.contract import parse_payload
from render_runner.render.pool import RenderError, RenderPool, RenderResult
from render_runner.render.segment_share import SharedSegments, erase_segments, local_segment_dir
from render_runner.scratch import make_scratch_dir
from render_runner.share.page import CONTENT_TYPE as PAGE_CONTENT_TYPE
from render_runner.share.page import ShareText, page_media, write_page
from render_runner.storage.base import Storage, StorageError
from render_runner.storage.keys import object_key, stored_keys

# Seconds between reads of the queue's counts for the progress line (one runner; a fleet's runners).
TICK_S = 2.0
FLEET_TICK_S = 30.0
# How often an idle runner looks for jobs held by dead runners of its own host (Postgres).
DEAD_OWNER_CHECK_S = 5.0
# A new claim deletes the temporary files the last few claims of its job may have left.
ABANDONED_PARTS_LOOKBACK = 5

# Files of smoke runs (`--frames`) live apart, under `smoke/<year>/`, so that a smoke run can never
# overwrite a delivered video; the full render of the job deletes them.
SMOKE_PREFIX = "smoke"


@dataclass
class RunReport:
    runner_id: str
    sync: SyncResult | None = None
    done: int = 0
    failed: int = 0
    retried: int = 0
    lost_leases: int = 0
    released: int = 0
    erased: int = 0  # stored files of withdrawn users deleted by this run
    upload_retries: int = 0
    dead_owners_released: int = 0  # jobs of runners on this host whose process was gone
    interrupted: bool = False
    elapsed_s: float = 0.0
    render_ms: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class JobMetrics:
    """What one finished job cost, for logs (`--log-format json`); None where unknown."""

    render_s: float | None = None
    upload_s: float | None = None
    cpu_s: float | None = None
    bytes: int | None = None


class RunObserver:
    """What a run reports as it goes; the default reports nothing (the CLI shows progress and logs)."""

    def synced(self, sync: SyncResult, counts: dict[str, int]) -> None: ...
    def erased(self, files: int, jobs: int) -> None: ...
    def started(self, job: Job) -> None: ...
    def upload_retry(self, job: Job, detail: str) -> None: ...
    def finished(self, job: Job, status: str, detail: str, metrics: JobMetrics | None = None) -> None: ...
    def tick(self, counts: dict[str, int], in_flight: int) -> None: ...
    def stopping(self, aborting: bool) -> None: ...
    def message(self, event: str, text: str, **fields: object) -> None: ...


class Runner:
    def __init__(
        self,
        db: Database,
        storage: Storage,
        bundle: VideoBundle,
        secret: bytes,
        options: RunOptions,
        observer: RunObserver | None = None,
        work_root: Path = WORK_ROOT,
        shared_segments: SharedSegments | None = None,
    ) -> None:
        self.db = db
        self.shared_segments = shared_segments
        self.queue = JobQueue(db)
        self.storage = storage
        self.bundle = bundle
        self.secret = secret
        self.options = options
        self.retry = RetryPolicy(max_attempts=options.max_attempts, backoff_s=options.retry_backoff_s, jitter=JITTER)
        self.identity = RenderIdentity.of(bundle.version, options.settings, storage.location, secret, options.share)
        self._fatal: str | None = None  # set when a storage error stops the run
        self.observer = observer or RunObserver()
        if shared_segments is not None:
            shared_segments.on_error = lambda message: self.observer.message("warning", f"warning: {message}")
        self.runner_id = new_runner_id()
        self.report = RunReport(runner_id=self.runner_id)
        self.work_root = work_root
        self._db = threading.Lock()
        self._stop = threading.Event()
        self._abort = threading.Event()
        self._finished = threading.Event()
        self._pool: RenderPool | None = None
        # the jobs in flight and, per job, until when (monotonic) its lease is known to hold
        self._jobs = threading.Lock()
        self._in_flight: dict[tuple[int, int], Job] = {}
        self._lease_until: dict[tuple[int, int], float] = {}
        self._taken_over: set[tuple[int, int]] = set()  # a renewal found another claim on the row
        self._heartbeat_failing_since: float | None = None
        self._last_dead_owner_check = 0.0

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
            sync = self.queue.sync(self.identity, release_orphans=self.db.single_writer)
            counts = self.queue.stats.counts()
        self.release_dead_owners()
        self.report.sync = sync
        self.observer.synced(sync, counts)
        self.erase_withdrawn()
        return sync

    def release_dead_owners(self) -> int:
        """Jobs held by runners of this host whose process is gone are claimable now, not after their lease."""
        if self.db.single_writer:
            return 0  # sync already released every job a dead run left
        self._last_dead_owner_check = time.monotonic()
        with self._db:
            dead = self.queue.dead_local_owners()
            released = self.queue.release_owners(dead)
        if released:
            self.report.dead_owners_released += released
            self.observer.message("released", f"released {released} jobs of {len(dead)} runners on this host whose process is gone")
        return released

    def erase_withdrawn(self) -> int:
        """Delete the stored files of users who left recap_payloads (account deletion means erasure).

        Deletes what the job recorded and whatever this user's keys name at the current location
        (a smoke file, a full file a smoke run superseded), and the segments of the scenes the video
        showed. Only counts are reported, never users.
        A job whose files could not all be deleted keeps its URIs and is tried again next run.
        """
        with self._db:
            pending = self.queue.withdrawn_files()
        files = jobs = 0
        for user_id, year, uris, segments in pending:
            key = object_key(user_id, year, self.secret)
            try:
                for uri in uris:
                    self._delete_stored(uri)
                for prefix in ("", SMOKE_PREFIX):
                    for relative_key in stored_keys(prefix, year, key).values():
                        self.storage.delete(relative_key)
                # the scenes their video showed (their name, their people): this machine's segment
                # cache and the fleet's (a shared scene is simply made again when next needed)
                erase_segments(segments, local_segment_dir(), self.shared_segments)
            except (StorageError, OSError):
                continue
            with self._db:
                self.queue.forget_files(user_id, year)
            files += len(uris)
            jobs += 1
        self.report.erased = files
        if pending:
            self.observer.erased(files, jobs)
            if jobs < len(pending):
                self.report.errors.append(f"{len(pending) - jobs} withdrawn users' files could not be deleted yet; `go` tries again next run")
        return files

    def run(self) -> RunReport:
        started = time.monotonic()
        self.prepare()
        # this run's scratch folder (the render workers' are inside); those of runs that died are removed
        work_dir = make_scratch_dir(self.work_root, self.runner_id.rsplit(":", 1)[-1])
        heartbeat = threading.Thread(target=self._heartbeat, daemon=True)
        in_flight: dict[Future[str], Job] = {}
        claimed_total = 0
        try:
            with RenderPool(
                self.bundle,
                self.options.concurrency,
                timeout_s=self.options.render_timeout_s,
                recycle_after=self.options.recycle_after,
                work_dir=work_dir,
                shared_segments=self.shared_segments,
            ) as pool, ThreadPoolExecutor(max_workers=self.options.concurrency, thread_name_prefix="render") as executor:
                self._pool = pool
                heartbeat.start()
                last_tick = 0.0
                # the queue's counts for the progress line: cheap on DuckDB; on Postgres a count of the
                # whole table, which 300 runners every 2 s would make the database's main load
                tick_s = TICK_S if self.db.single_writer else FLEET_TICK_S
                try:
                    while True:
                        if not self._stop.is_set() and self._leases_healthy():
                            free = self.options.concurrency - len(in_flight)
                            if self.options.limit is not None:
                                free = min(free, self.options.limit - claimed_total)
                            if free > 0:
                                with self._db:
                                    jobs = self.queue.claim(self.runner_id, free, self.options.lease_s)
                                claimed_total += len(jobs)
                                for job in jobs:
                                    self._track(job)
                                    self.observer.started(job)
                                    in_flight[executor.submit(self._process, pool, job, work_dir)] = job
                        if not in_flight:
                            if self._stop.is_set():
                                break
                            if self.options.limit is not None and claimed_total >= self.options.limit:
                                break
                            with self._db:
                                waiting = self.queue.anything_waiting()
                            if not waiting:
                                break
                            if time.monotonic() - self._last_dead_owner_check > DEAD_OWNER_CHECK_S:
                                self.release_dead_owners()
                            self._stop.wait(1.0)  # jobs in backoff or under another runner's lease
                        else:
                            done, _ = wait(list(in_flight), timeout=1.0, return_when=FIRST_COMPLETED)
                            for future in done:
                                in_flight.pop(future)
                        if time.monotonic() - last_tick > tick_s:
                            last_tick = time.monotonic()
                            with self._db:
                                counts = self.queue.stats.counts()
                            self.observer.tick(counts, len(in_flight))
                except DatabaseUnavailable:
                    # no database: renders in flight cannot be confirmed; stop them, their leases run out
                    self.db.stop_reconnecting()
                    self._stop.set()
                    self._abort.set()
                    pool.kill()
                    raise
                if self._abort.is_set():
                    pool.kill()
        finally:
            self._stop.set()
            self._finished.set()
            try:
                with self._db:
                    self.report.released += self.queue.release(self.runner_id)
            except DatabaseUnavailable:
                pass  # the leases run out instead
            shutil.rmtree(work_dir, ignore_errors=True)
            self.report.elapsed_s = time.monotonic() - started
            if self.shared_segments is not None:
                self.observer.message("segments", self.shared_segments.summary())
        if self._fatal:
            raise RecapError(f"stopped the run: {self._fatal} (nothing else was tried; fix the output or its credentials and run `go` again)")
        return self.report

    # -- leases -------------------------------------------------------------------------------
    def _track(self, job: Job) -> None:
        with self._jobs:
            self._in_flight[_key(job)] = job
            self._lease_until[_key(job)] = time.monotonic() + self.options.lease_s

    def _untrack(self, job: Job) -> None:
        with self._jobs:
            self._in_flight.pop(_key(job), None)
            self._lease_until.pop(_key(job), None)
            self._taken_over.discard(_key(job))

    def _leases_renewed(self, keys: Iterable[tuple[int, int]], asked: float) -> None:
        """The database extended these jobs' leases by a lease from `asked` (monotonic) on."""
        with self._jobs:
            for key in keys:
                if key in self._lease_until:
                    self._lease_until[key] = asked + self.options.lease_s

    def _lease_lost(self, job: Job) -> str | None:
        """Why this runner must not store `job` (its lease lapsed or was taken over), or None."""
        with self._jobs:
            if _key(job) in self._taken_over:
                return "lease taken over by another runner"
            if time.monotonic() > self._lease_until.get(_key(job), 0.0):
                return f"lease lapsed: it could not be renewed for {self.options.lease_s:.0f} s (database unreachable); abandoned, another runner takes the job"
        return None

    def _leases_healthy(self) -> bool:
        """False while heartbeats have failed for longer than a lease: claim nothing new then."""
        since = self._heartbeat_failing_since
        return since is None or time.monotonic() - since <= self.options.lease_s

    def _heartbeat(self) -> None:
        """Renew the leases of the jobs in flight every quarter lease, on a connection of its own.

        A failure is reported once (and its end); the leases it could not renew run out on their
        own clock (`_lease_lost`), which the render threads and the claim loop read.
        """
        interval = self.options.heartbeat_s or max(self.options.lease_s / 4, 1.0)
        try:
            db = self.db.open_another(reconnect_s=interval)
        except Exception as exc:  # noqa: BLE001 - reported; the renewals then run on the shared connection
            self.observer.message("heartbeat", f"heartbeat: no connection of its own ({' '.join(str(exc).split())}); sharing the runner's")
            db = None
        queue = JobQueue(db) if db else self.queue
        lock = nullcontext() if db else self._db  # the shared connection is used under the runner's lock
        try:
            while not self._finished.wait(interval):
                with self._jobs:
                    jobs = list(self._in_flight.values())
                if not jobs:
                    continue
                asked = time.monotonic()
                try:
                    with lock:
                        held = queue.renew(self.runner_id, jobs, self.options.lease_s)
                except Exception as exc:  # noqa: BLE001 - any failure: the leases run out on their own clock
                    if self._heartbeat_failing_since is None:
                        self._heartbeat_failing_since = asked
                        self.observer.message("heartbeat", f"heartbeat: could not renew {len(jobs)} leases: {' '.join(str(exc).split())}")
                    continue
                if self._heartbeat_failing_since is not None:
                    self.observer.message("heartbeat", f"heartbeat: leases renewed again after {asked - self._heartbeat_failing_since:.0f} s")
                    self._heartbeat_failing_since = None
                self._leases_renewed(held, asked)
                with self._jobs:
                    self._taken_over.update(_key(job) for job in jobs if _key(job) not in held and _key(job) in self._in_flight)
        finally:
            if db is not None:
                db.close()

    # -- one job ------------------------------------------------------------------------------
    def _process(self, pool: RenderPool, job: Job, work_dir: Path) -> str:
        job_dir = work_dir / job.job_id
        job_dir.mkdir(parents=True, exist_ok=True)
        try:
            payload = parse_payload(job.payload_text)
            video, poster, page = job_dir / "video.mp4", job_dir / "poster.jpg", job_dir / "page.html"
            self._delete_abandoned_parts(job)
            result = pool.render(job.job_id, payload, video, poster, self.options.settings)
            if self._abort.is_set():
                raise RenderError("aborted", kind="aborted")
            lost = self._lease_lost(job)
            if lost:  # never store work whose job may be another runner's by now
                return self._abandon(job, lost)
            size = video.stat().st_size
            duration_s = _stored_duration(video, result, self.options.settings.frame_range)
            self._write_page(job, page, result, duration_s)
            upload_started = time.monotonic()
            files = {"video": (video, "video/mp4"), "poster": (poster, "image/jpeg"), "page": (page, PAGE_CONTENT_TYPE)}
            stored = self._store(job, files)
            if stored is None:
                return self._abandon(job, "lease taken over by another runner while storing; its files were not kept")
            video_uri, poster_uri, page_uri = stored["video"], stored["poster"], stored["page"]
            upload_s = time.monotonic() - upload_started
            if not self.identity.partial and was_partial(job.previous_settings):
                self._delete_smoke_files(job)
            with self._db:
                ok = self.queue.complete(
                    job,
                    self.runner_id,
                    identity=self.identity,
                    output_uri=video_uri,
                    poster_uri=poster_uri,
                    page_uri=page_uri,
                    size_bytes=size,
                    render_ms=result.render_ms,
                    duration_s=duration_s,
                    cost=RenderCost.of(result.cpu_s, result.sparse),
                )
            if not ok:
                return self._abandon(job, "lease taken over by another runner")
            self._delete_replaced_files(job, {video_uri, poster_uri, page_uri})
            self.report.done += 1
            self.report.render_ms.append(result.render_ms)
            metrics = JobMetrics(render_s=result.render_ms / 1000, upload_s=upload_s, cpu_s=result.cpu_s, bytes=size)
            smoke = " (smoke run: not delivered)" if self.identity.partial else ""
            self.observer.finished(job, "done", f"{result.render_ms / 1000:.1f} s{smoke}", metrics)
            return "done"
        except DatabaseUnavailable as exc:
            return self._abandon(job, str(exc))
        except Exception as exc:  # every failure is recorded on its own job; the run goes on
            return self._record_failure(job, exc)
        finally:
            self._untrack(job)
            shutil.rmtree(job_dir, ignore_errors=True)

    def _abandon(self, job: Job, reason: str) -> str:
        """Drop this render without storing or recording anything: the job is (or will be) another runner's."""
        self.report.lost_leases += 1
        self.observer.finished(job, "lost", reason)
        return "lost"

    def _write_page(self, job: Job, page: Path, result: RenderResult, duration_s: float) -> None:
        """The share page (render_runner/share/page.py) for the files `_store` is about to store."""
        if result.share is None:
            raise RenderError("the render worker returned no share page text", kind="render")
        keys = self._final_keys(job)
        scale = self.options.settings.scale
        media = page_media(
            self.storage,
            self.options.share,
            video_key=keys["video"],
            poster_key=keys["poster"],
            page_key=keys["page"],
            width=round(result.width * scale),
            height=round(result.height * scale),
            duration_s=duration_s,
        )
        write_page(page, ShareText.from_worker(result.share), media, self.options.share.link)

    def _store(self, job: Job, files: dict[str, tuple[Path, str]]) -> dict[str, str] | None:
        """Store the job's files (name -> (local path, content type)); their URIs, or None if the job was lost.

        Each file goes to a temporary key first (`<final key>.part-<claim>`); once all are there,
        `confirm_lease` checks that this claim still holds the job and extends its lease, and only
        then are they moved to their final keys. A transient storage failure retries the upload,
        not the render, following the retry policy's upload backoff.
        """
        finals = self._final_keys(job)
        parts = {name: _part_key(finals[name], job.claim) for name in files}
        staged: set[str] = set()

        def upload() -> None:
            for name, (path, content_type) in files.items():
                if name not in staged:
                    self.storage.put(path, parts[name], content_type)
                    staged.add(name)

        try:
            self._with_upload_retries(job, upload)
        except StorageError:
            self._discard_parts(parts[name] for name in staged)  # best effort; the job's next claim tries again
            raise
        if not self._confirm(job):
            self._discard_parts(parts.values())
            return None
        uris: dict[str, str] = {}

        def promote() -> None:
            for name in files:
                if name not in uris:
                    uris[name] = self.storage.move(parts[name], finals[name])

        self._with_upload_retries(job, promote, before_retry=lambda: self._confirm(job))
        # the storage answers now: what earlier claims of this job left (deleting them before the
        # render may have failed in an outage) goes, so a finished job leaves no temporary file
        self._delete_abandoned_parts(job)
        return uris

    def _final_keys(self, job: Job, prefix: str | None = None) -> dict[str, str]:
        """Where the job's files go (`storage.keys.stored_keys`): under this run's prefix, or `prefix`."""
        if prefix is None:
            prefix = SMOKE_PREFIX if self.identity.partial else ""
        return stored_keys(prefix, job.recap_year, object_key(job.user_id, job.recap_year, self.secret))

    def _confirm(self, job: Job) -> bool:
        with self._db:
            held = self.queue.confirm_lease(job, self.runner_id, self.options.lease_s)
        if held:
            self._leases_renewed([_key(job)], time.monotonic())
        return held

    def _with_upload_retries(self, job: Job, action: Callable[[], None], before_retry: Callable[[], bool] | None = None) -> None:
        """Run `action` until it succeeds; a storage error is retried after the policy's upload delay.

        `before_retry` returning False means the job was lost meanwhile: the error is raised.
        """
        tries = 0
        while True:
            try:
                action()
                return
            except StorageError as exc:
                tries += 1
                delay = None if self._abort.is_set() else self.retry.upload_delay(exc, tries)
                if delay is None:
                    raise
                self.report.upload_retries += 1
                self.observer.upload_retry(job, f"upload failed ({' '.join(str(exc).split())}); storing it again in {delay:.1f} s")
                if self._abort.wait(delay):
                    raise
                if before_retry is not None and not before_retry():
                    raise

    def _discard_parts(self, keys: Iterable[str]) -> None:
        for key in keys:
            try:
                self.storage.delete(key)
            except StorageError:
                pass  # the next claim of the job deletes it (`_delete_abandoned_parts`)

    def _delete_abandoned_parts(self, job: Job) -> None:
        """Temporary files earlier claims of this job may have left (their runner died or lost the job)."""
        if job.claim <= 1:
            return
        finals = self._final_keys(job)
        earlier = range(max(1, job.claim - ABANDONED_PARTS_LOOKBACK), job.claim)
        self._discard_parts(_part_key(key, claim) for key in finals.values() for claim in earlier)

    def _delete_smoke_files(self, job: Job) -> None:
        """The full video replaced a smoke run's: remove the smoke files (best effort; logged on failure)."""
        try:
            for relative_key in self._final_keys(job, SMOKE_PREFIX).values():
                self.storage.delete(relative_key)
        except StorageError as exc:
            self.observer.upload_retry(job, f"could not delete the smoke files: {exc}")

    def _delete_stored(self, uri: str) -> None:
        """Delete a file a job recorded: a local path whatever the current output is, else through the storage."""
        if uri.startswith("/"):
            Path(uri).unlink(missing_ok=True)
        else:
            self.storage.delete_uri(uri)

    def _delete_replaced_files(self, job: Job, kept: set[str]) -> None:
        """The job's previous files, stored under another location or key (a new --output, a new
        secret, a smoke run's), are replaced by this render: delete them, so no copy outlives the
        job row that could erase it. Best effort; a failure is reported, never fatal."""
        for uri in job.previous_uris:
            if uri in kept:
                continue
            try:
                self._delete_stored(uri)
            except (StorageError, OSError) as exc:
                self.observer.upload_retry(job, f"could not delete a replaced file at its old location: {exc}")
                self.report.errors.append(f"user {job.user_id}: a replaced file at its old location was not deleted ({exc})")

    def _record_failure(self, job: Job, exc: Exception) -> str:
        decision = self.retry.decide(exc, job.attempts, aborting=self._abort.is_set())
        if decision.when is When.NOW:
            with self._db:
                self.queue.release(self.runner_id, [job], error=decision.message if decision.stop_run else None)
            if decision.stop_run:  # every other job would fail alike: claim nothing more, fail the run
                self._fatal = self._fatal or decision.message
                self._stop.set()
                self.report.errors.append(f"user {job.user_id}: {decision.message}")
            self.observer.finished(job, "released", decision.message)
            return "released"
        with self._db:
            status = self.queue.fail(
                job, self.runner_id, decision.message, retry_after_s=decision.retry_after_s, template_version=self.bundle.version
            )
        if status == "failed":
            self.report.failed += 1
            self.report.errors.append(f"user {job.user_id}: {decision.message}")
        elif status == "pending":
            self.report.retried += 1
        self.observer.finished(job, status if status != "pending" else "retry", decision.message)
        return status


def _key(job: Job) -> tuple[int, int]:
    return (job.user_id, job.recap_year)


def _part_key(final_key: str, claim: int) -> str:
    """Where a claim stages a file before it may take its final key."""
    return f"{final_key}.part-{claim}"


def _stored_duration(video: Path, result: RenderResult, frame_range: tuple[int, int] | None) -> float:
    """The duration of the file as stored (ffprobe), else what the render says it covers."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe:
        try:
            proc = subprocess.run(
                [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(video)],
                capture_output=True, text=True, timeout=30, check=True,
            )
            return float(proc.stdout.strip())
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    if frame_range and result.fps:
        return (frame_range[1] - frame_range[0] + 1) / result.fps
    return result.duration_s
