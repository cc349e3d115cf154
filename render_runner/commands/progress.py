"""What `render-runner go` shows while it runs, and the status file `status` reads during a DuckDB run.

Three ways to show a run, one `RunProgress` observer that keeps the figures (done, failed, in
flight, rate, ETA) for all of them:

- a terminal: the Rich progress bar with ETA, and a line per failure (every job with --verbose);
- no terminal (containers, CI, cron), `--log-format text`: one plain line per failure (every job
  with --verbose) and a one-line progress record every `--progress-interval` seconds (30 by
  default), never wrapped;
- `--log-format json`: the same records as one JSON object per line (`event`: start, sync, job,
  progress, stopping, summary, error), for log collectors. A job record has the user id, year,
  attempt, status, render and upload seconds, CPU seconds when known, bytes and the runner id.

Logs never carry a payload (names, places) nor a secret: a job is named by its user id only.

On DuckDB only the runner can open the warehouse file while it runs, so the runner also keeps a
small JSON status file beside it (`<warehouse>.status.json`, written atomically every few seconds
and removed at the end) that `render-runner status` shows when the file is locked.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from render_runner.config import DEFAULT_PROGRESS_INTERVAL_S, LogFormat
from render_runner.files import write_text_atomically
from render_runner.queue.queue import Job, SyncResult
from render_runner.runner import RunObserver
from render_runner.scratch import pid_alive

STATUS_FILE_INTERVAL_S = 2.0
STATUS_FILE_SUFFIX = ".status.json"


def status_file_for(duckdb_path: Path) -> Path:
    """Where a runner on this DuckDB file keeps its status snapshot."""
    return duckdb_path.with_name(duckdb_path.name + STATUS_FILE_SUFFIX)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


@dataclass
class Figures:
    """Where the whole queue stands and how fast this runner goes."""

    counts: dict[str, int]
    in_flight: int
    done_here: int
    failed_here: int
    elapsed_s: float

    @property
    def total(self) -> int:
        """Every job the queue will finish (withdrawn users are out of it)."""
        return sum(self.counts.values()) - self.counts.get("withdrawn", 0)

    @property
    def finished(self) -> int:
        """Jobs finished for the runs' settings: delivered (done), or rendered by a smoke run."""
        return self.counts.get("done", 0) + self.counts.get("smoke", 0)

    @property
    def left(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("rendering", 0)

    @property
    def rate_per_min(self) -> float | None:
        if not self.done_here or self.elapsed_s <= 0:
            return None
        return self.done_here / (self.elapsed_s / 60)

    @property
    def eta_s(self) -> float | None:
        rate = self.rate_per_min
        if not self.left:
            return 0.0
        return None if not rate else self.left / rate * 60

    def as_json(self) -> dict[str, Any]:
        rate = self.rate_per_min
        return {
            "done": self.counts.get("done", 0),
            "failed": self.counts.get("failed", 0),
            "pending": self.counts.get("pending", 0),
            "rendering": self.counts.get("rendering", 0),
            "smoke": self.counts.get("smoke", 0),
            "withdrawn": self.counts.get("withdrawn", 0),
            "total": self.total,
            "in_flight": self.in_flight,
            "done_here": self.done_here,
            "failed_here": self.failed_here,
            "rate_per_min": None if rate is None else round(rate, 2),
            "eta_s": None if self.eta_s is None else round(self.eta_s),
            "elapsed_s": round(self.elapsed_s, 1),
        }

    def line(self) -> str:
        rate = self.rate_per_min
        return (
            f"progress: {self.finished}/{self.total} done, {self.counts.get('failed', 0)} failed, "
            f"{self.in_flight} in flight, {self.left} left, "
            f"{'-' if rate is None else f'{rate:.1f}'} videos/min, ETA {format_duration(self.eta_s)}"
        )


class RunProgress(RunObserver):
    """Keeps the run's figures; the subclasses show them. Also writes the DuckDB status file."""

    def __init__(self, console: Console, *, verbose: bool = False, status_file: Path | None = None) -> None:
        self.console = console
        self.verbose = verbose
        self.status_file = status_file
        self.runner_id = ""
        self.started_at = time.monotonic()
        self.started_iso = _now_iso()
        self.counts: dict[str, int] = {}
        self.in_flight = 0
        self.done_here = 0
        self.failed_here = 0
        self._status_written = 0.0

    # -- set-up ------------------------------------------------------------------------------
    def bind(self, runner_id: str) -> None:
        """The id of the runner this observer reports on (it names the runner in records)."""
        self.runner_id = runner_id

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        # only our own snapshot: a runner that could not open the file must not remove the owner's
        if self.status_file is not None and self._status_written:
            self.status_file.unlink(missing_ok=True)

    def figures(self) -> Figures:
        return Figures(dict(self.counts), self.in_flight, self.done_here, self.failed_here, time.monotonic() - self.started_at)

    # -- RunObserver -------------------------------------------------------------------------
    def synced(self, sync: SyncResult, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        self.show_sync(sync, counts)
        self._write_status(force=True)

    def started(self, job: Job) -> None:
        self.in_flight += 1
        if self.verbose:
            self.message("render", f"render user {job.user_id}", user_id=job.user_id, attempt=job.attempts)

    def upload_retry(self, job: Job, detail: str) -> None:
        self.show_job(job, "retry", detail, None)

    def erased(self, files: int, jobs: int) -> None:
        """Withdrawn users' files deleted: counts only, never who."""
        self.message("erased", f"withdrawn users: deleted {files} stored files of {jobs} jobs", files=files, jobs=jobs)

    def finished(self, job: Job, status: str, detail: str, metrics: Any = None) -> None:
        self.in_flight = max(self.in_flight - 1, 0)
        if status == "done":
            self.done_here += 1
        elif status == "failed":
            self.failed_here += 1
        self.show_job(job, status, detail, metrics)

    def tick(self, counts: dict[str, int], in_flight: int) -> None:
        self.counts = dict(counts)
        self.show_tick()
        self._write_status()

    def stopping(self, aborting: bool) -> None:
        text = (
            "aborting: killing renders and releasing their jobs"
            if aborting
            else "stopping: no new jobs; finishing the renders in flight (Ctrl-C again to abort)"
        )
        self.message("stopping", text, aborting=aborting)

    # -- what the subclasses show ------------------------------------------------------------
    def message(self, event: str, text: str, **fields: Any) -> None:
        """One line about the run (start, stopping, summary, error)."""
        self.console.print(escape(text))

    def show_sync(self, sync: SyncResult, counts: dict[str, int]) -> None:
        self.message("sync", sync_line(sync, counts))

    def show_job(self, job: Job, status: str, detail: str, metrics: Any) -> None:
        if status in ("failed", "retry") or self.verbose:
            colour = {"done": "green", "failed": "red"}.get(status, "yellow")
            self.console.print(f"[{colour}]{status}[/] user {job.user_id}: {escape(one_line(detail))}")

    def show_tick(self) -> None: ...

    # -- the status file ---------------------------------------------------------------------
    def _write_status(self, force: bool = False) -> None:
        if self.status_file is None or (not force and time.monotonic() - self._status_written < STATUS_FILE_INTERVAL_S):
            return
        self._status_written = time.monotonic()
        snapshot = {
            "runner": self.runner_id,
            "pid": os.getpid(),
            "written_at": time.time(),
            "started_at": self.started_iso,
            "counts": self.counts,
            **self.figures().as_json(),
        }
        try:
            write_text_atomically(self.status_file, json.dumps(snapshot) + "\n")
        except OSError:
            pass  # a missing snapshot only makes `status` less helpful; never stop a run for it


class RichProgress(RunProgress):
    """A terminal: the whole queue (all runners) as one bar; rate and ETA from this runner's finishes."""

    def __init__(self, console: Console, *, verbose: bool = False, status_file: Path | None = None) -> None:
        super().__init__(console, verbose=verbose, status_file=status_file)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[green]{task.fields[failed]} failed[/] · {task.fields[in_flight]} in flight · {task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
        super().__exit__(*exc)

    def _rate(self) -> str:
        rate = self.figures().rate_per_min
        return "- videos/min" if rate is None else f"{rate:.1f} videos/min"

    def message(self, event: str, text: str, **fields: Any) -> None:
        colour = {"stopping": "yellow", "error": "red"}.get(event)
        self.progress.console.print(f"[{colour}]{escape(text)}[/]" if colour else escape(text))

    def show_sync(self, sync: SyncResult, counts: dict[str, int]) -> None:
        super().show_sync(sync, counts)
        figures = self.figures()
        self.task = self.progress.add_task(
            "rendering", total=figures.total, completed=figures.finished, failed=counts["failed"], in_flight=0, rate=self._rate()
        )

    def show_job(self, job: Job, status: str, detail: str, metrics: Any) -> None:
        if status == "done" and self.task is not None:
            self.progress.advance(self.task)
        if status in ("failed", "retry") or self.verbose:
            colour = {"done": "green", "failed": "red"}.get(status, "yellow")
            self.progress.console.print(f"[{colour}]{status}[/] user {job.user_id}: {escape(one_line(detail))}")
        self._update()

    def started(self, job: Job) -> None:
        super().started(job)
        self._update()

    def show_tick(self) -> None:
        if self.task is not None:
            figures = self.figures()
            self.progress.update(self.task, total=figures.total, completed=figures.finished, failed=self.counts["failed"])
        self._update()

    def _update(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, in_flight=self.in_flight, rate=self._rate())


class LineProgress(RunProgress):
    """No terminal: plain lines, never wrapped, and a progress record every `interval_s` seconds."""

    def __init__(
        self,
        console: Console,
        *,
        verbose: bool = False,
        status_file: Path | None = None,
        interval_s: float = DEFAULT_PROGRESS_INTERVAL_S,
    ) -> None:
        super().__init__(console, verbose=verbose, status_file=status_file)
        self.interval_s = interval_s
        self._last_progress = time.monotonic()

    def show_tick(self) -> None:
        if time.monotonic() - self._last_progress >= self.interval_s:
            self._last_progress = time.monotonic()
            self.show_progress(self.figures())

    def show_progress(self, figures: Figures) -> None:
        self.console.print(escape(figures.line()))


class JsonProgress(LineProgress):
    """`--log-format json`: every record one JSON object on one line."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        verbose: bool = False,
        status_file: Path | None = None,
        interval_s: float = DEFAULT_PROGRESS_INTERVAL_S,
    ) -> None:
        super().__init__(Console(stderr=True), verbose=verbose, status_file=status_file, interval_s=interval_s)
        self.stream = stream or sys.stderr

    def emit(self, event: str, **fields: Any) -> None:
        record = {"time": _now_iso(), "event": event, "runner": self.runner_id or None, **fields}
        self.stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.stream.flush()

    def message(self, event: str, text: str, **fields: Any) -> None:
        self.emit(event, message=one_line(text), **fields)

    def show_sync(self, sync: SyncResult, counts: dict[str, int]) -> None:
        self.emit(
            "sync",
            new=sync.new,
            changed=sync.changed,
            released=sync.released,
            withdrawn=sync.withdrawn,
            returned=sync.returned,
            rescued=sync.rescued,
            counts=counts,
            message=sync_line(sync, counts),
        )

    def show_job(self, job: Job, status: str, detail: str, metrics: Any) -> None:
        record: dict[str, Any] = {"user_id": job.user_id, "recap_year": job.recap_year, "attempt": job.attempts, "status": status}
        for name in ("render_s", "upload_s", "cpu_s", "bytes"):
            value = getattr(metrics, name, None)
            record[name] = round(value, 3) if isinstance(value, float) else value
        if status != "done":
            record["error"] = one_line(detail)
        self.emit("job", **record)

    def show_progress(self, figures: Figures) -> None:
        self.emit("progress", **figures.as_json())


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def sync_line(sync: SyncResult, counts: dict[str, int]) -> str:
    extra = [
        f"{sync.released} released from a run that died" if sync.released else "",
        f"{sync.withdrawn} withdrawn" if sync.withdrawn else "",
        f"{sync.returned} back from withdrawn" if sync.returned else "",
        f"{sync.rescued} failed jobs with a new payload or template" if sync.rescued else "",
        f"{counts.get('smoke', 0)} smoke" if counts.get("smoke") else "",
    ]
    extra = [e for e in extra if e]
    return (
        f"queue: {sync.new} new, {sync.changed} changed, {counts['done']} done, "
        f"{counts['failed']} failed, {counts['pending']} to render"
        + (f" ({', '.join(extra)})" if extra else "")
    )


def make_progress(
    log_format: LogFormat,
    *,
    verbose: bool,
    status_file: Path | None,
    interval_s: float,
    terminal: bool | None = None,
) -> RunProgress:
    """The observer for this run: json, a Rich bar on a terminal, else plain lines."""
    if log_format is LogFormat.json:
        return JsonProgress(verbose=verbose, status_file=status_file, interval_s=interval_s)
    console = plain_console()
    if terminal if terminal is not None else console.is_terminal:
        return RichProgress(Console(stderr=True), verbose=verbose, status_file=status_file)
    return LineProgress(console, verbose=verbose, status_file=status_file, interval_s=interval_s)


def plain_console() -> Console:
    """stderr for logs: on a terminal as Rich likes it; elsewhere no colours, no wrapping, no cut lines."""
    console = Console(stderr=True)
    if console.is_terminal:
        return console
    return Console(stderr=True, soft_wrap=True, highlight=False, width=max(console.width, 1000))


def read_status_file(path: Path) -> dict[str, Any] | None:
    """The snapshot a running runner keeps, with its age in seconds (`age_s`); None if there is none,
    or if its runner is gone (a file left by a killed run; the lock is then someone else's, e.g. dbt)."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not pid_alive(int(data.get("pid") or 0)):
        return None
    data["age_s"] = max(time.time() - float(data.get("written_at", 0)), 0.0)
    return data

