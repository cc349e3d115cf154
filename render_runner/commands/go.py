"""`render-runner go`: check the run, then wire the warehouse, the storage, the bundle and the secret to a `Runner`, and run it.

Everything that can be wrong with a run's settings is checked before the first job is claimed
(`check_frame_range` here; the options' syntax, the output and the secret in the CLI, the storage
probe in `render_runner.storage`), so a bad setting stops the run with one line instead of
failing every job. The first SIGINT / SIGTERM asks the run to stop (in-flight renders finish),
the second aborts it.
"""

from __future__ import annotations

import datetime as dt
import signal
from dataclasses import dataclass

from render_runner.commands.cost_estimate import frame_stats
from render_runner.commands.payload_age import read_payload_age
from render_runner.commands.progress import RunProgress
from render_runner.config import RunOptions
from render_runner.db import Database, Session, WarehouseConfig, open_database
from render_runner.errors import RecapError
from render_runner.queue.schema import PAYLOADS_TABLE
from render_runner.queue.stats import payload_text
from render_runner.render.bundle import ensure_bundle
from render_runner.render.segment_share import SharedSegments
from render_runner.runner import Runner, RunReport
from render_runner.storage.base import Storage


@dataclass(frozen=True)
class GoResult:
    report: RunReport
    counts: dict[str, int]  # the whole queue after the run (all runners)


def check_frame_range(frame_range: tuple[int, int], payloads: list[str], what: str = "the shortest video in recap_payloads") -> None:
    """Refuse a `--frames A-B` that some video of this warehouse does not have.

    Videos are 21-33 s long depending on the user's data, so the range is checked against the
    shortest video in `recap_payloads` (its own timeline, remotion/src/timeline.ts): then every
    job of the run can render it. Invalid payloads do not count (their jobs fail on their own).
    """
    first, last = frame_range
    stats = frame_stats(payloads)
    if stats.min_frames is None:
        return  # no valid payload: nothing will be rendered
    if last >= stats.min_frames:
        raise RecapError(
            f"--frames {first}-{last} is past the end of the video: {what} has "
            f"{stats.min_frames} frames, so the valid range is 0-{stats.min_frames - 1} (e.g. --frames 0-59)"
        )


def payload_texts(db: Database) -> list[str]:
    """Every payload in recap_payloads, as JSON text (for the --frames check)."""
    rows = db.execute(f"select cast(payload as varchar) from {db.table(PAYLOADS_TABLE)}", fetch=True)
    return [payload_text(r[0]) for r in rows]


def go(
    config: WarehouseConfig,
    storage: Storage,
    options: RunOptions,
    observer: RunProgress,
    secret: bytes,
    shared_segments: SharedSegments | None = None,
) -> GoResult:
    """Run `go` with a checked secret and a probed storage (the CLI has done both)."""
    session = Session(
        reconnect_s=options.reconnect_s,
        statement_timeout_s=options.statement_timeout_s,
        on_event=lambda text: observer.message("database", text),
    )
    with open_database(config, session=session) as db:
        if not db.relation_exists(PAYLOADS_TABLE):
            raise RecapError(f"no recap_payloads table in schema {config.schema}; run `dbt build` first")
        age = read_payload_age(db)  # stale payloads are never rendered silently
        observer.message("payloads", age.describe())
        for warning in age.warnings(dt.datetime.now(dt.UTC).replace(tzinfo=None), dt.timedelta(hours=options.max_payload_age_h)):
            observer.message("warning", f"warning: {warning}")
        if options.settings.frame_range is not None:
            check_frame_range(options.settings.frame_range, payload_texts(db))
        runner = Runner(db, storage, ensure_bundle(), secret, options, observer=observer, shared_segments=shared_segments)
        observer.bind(runner.runner_id)
        previous = {s: signal.signal(s, lambda *_: runner.request_stop()) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            report = runner.run()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return GoResult(report=report, counts=runner.queue.stats.counts())
