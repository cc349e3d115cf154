"""Rich progress for a run: done / failed / in flight, videos per minute and ETA."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from render_runner.queue.queue import Job, SyncResult
from render_runner.runner import RunObserver


class RichObserver(RunObserver):
    """Shows the whole queue (all runners) as one bar; rate and ETA from this runner's finishes."""

    def __init__(self, console: Console, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose
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
        self.started_at = time.monotonic()
        self.finished_here = 0
        self.in_flight = 0

    def __enter__(self) -> RichObserver:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def _rate(self) -> str:
        minutes = (time.monotonic() - self.started_at) / 60
        return f"{self.finished_here / minutes:.1f} videos/min" if minutes > 0 and self.finished_here else "- videos/min"

    def synced(self, sync: SyncResult, counts: dict[str, int]) -> None:
        total = sum(counts.values()) - counts["withdrawn"]
        extra = [
            f"{sync.released} released from a run that died" if sync.released else "",
            f"{sync.withdrawn} withdrawn" if sync.withdrawn else "",
            f"{sync.returned} back from withdrawn" if sync.returned else "",
            f"{sync.rescued} failed jobs with a new payload or template" if sync.rescued else "",
            f"{counts['smoke']} smoke" if counts["smoke"] else "",
        ]
        extra = [e for e in extra if e]
        self.console.print(
            f"queue: {sync.new} new, {sync.changed} changed, {counts['done']} done, "
            f"{counts['failed']} failed, {counts['pending']} to render"
            + (f" ({', '.join(extra)})" if extra else "")
        )
        finished = counts["done"] + counts["smoke"]
        self.task = self.progress.add_task("rendering", total=total, completed=finished, failed=counts["failed"], in_flight=0, rate=self._rate())

    def erased(self, files: int, jobs: int) -> None:
        self.console.print(f"withdrawn users: deleted {files} stored files of {jobs} jobs")

    def started(self, job: Job) -> None:
        self.in_flight += 1
        if self.verbose:
            self.progress.console.print(f"render user {job.user_id}")
        self._update()

    def upload_retry(self, job: Job, detail: str) -> None:
        self.progress.console.print(f"[yellow]retry[/] user {job.user_id}: {detail}")

    def finished(self, job: Job, status: str, detail: str) -> None:
        self.in_flight = max(self.in_flight - 1, 0)
        if status == "done":
            self.finished_here += 1
            if self.task is not None:
                self.progress.advance(self.task)
        if status in ("failed", "retry") or self.verbose:
            colour = {"done": "green", "failed": "red"}.get(status, "yellow")
            self.progress.console.print(f"[{colour}]{status}[/] user {job.user_id}: {detail}")
        self._update()

    def tick(self, counts: dict[str, int], in_flight: int) -> None:
        if self.task is not None:
            total = sum(counts.values()) - counts["withdrawn"]
            self.progress.update(self.task, total=total, completed=counts["done"] + counts["smoke"], failed=counts["failed"])
        self._update()

    def _update(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, in_flight=self.in_flight, rate=self._rate())

    def stopping(self, aborting: bool) -> None:
        if aborting:
            self.console.print("[red]aborting: killing renders and releasing their jobs[/]")
        else:
            self.console.print("[yellow]stopping: no new jobs; finishing the renders in flight (Ctrl-C again to abort)[/]")
