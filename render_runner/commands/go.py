"""`render-runner go`: wire the warehouse, the storage, the bundle and the secret to a `Runner`, and run it.

The first SIGINT / SIGTERM asks the run to stop (in-flight renders finish), the second aborts it.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass

from render_runner.config import PROJECT_DIR, RunOptions
from render_runner.db import WarehouseConfig, open_database
from render_runner.errors import RecapError
from render_runner.render.bundle import ensure_bundle
from render_runner.runner import Runner, RunObserver, RunReport
from render_runner.storage.base import Storage
from render_runner.storage.secret import load_secret


@dataclass(frozen=True)
class GoResult:
    report: RunReport
    counts: dict[str, int]  # the whole queue after the run (all runners)


def go(config: WarehouseConfig, storage: Storage, options: RunOptions, observer: RunObserver) -> GoResult:
    secret = load_secret(PROJECT_DIR)
    bundle = ensure_bundle()
    with open_database(config) as db:
        runner = Runner(db, storage, bundle, secret, options, observer=observer)
        if not runner.queue.payloads_exist():
            raise RecapError(f"no recap_payloads table in schema {config.schema}; run `dbt build` first")
        previous = {s: signal.signal(s, lambda *_: runner.request_stop()) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            report = runner.run()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
        return GoResult(report=report, counts=runner.queue.stats.counts())
