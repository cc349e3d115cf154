"""`render-runner plan`: the cost estimate of a run before it starts.

Counts the eligible users (recap_payloads rows without a done job for the same payload and
template), the frames their videos show and the frames a sparse render captures, then projects
CPU-hours, wall time on `machines` x `cores` and the cost at a price per vCPU-hour, from either

- the last run's recorded timings: `render_jobs.render_ms` of the most recent done jobs (wall ms of
  one render on one worker; the runner's default of one render in flight per core means one render
  keeps about one core busy, so render seconds ~ CPU-seconds per video), or
- a short calibration render on this machine (`calibrate=True`): a few eligible payloads rendered
  with the run's settings by one worker, CPU-seconds measured over the worker's whole process tree
  (Node, Chromium, ffmpeg).

The projection assumes every core runs one render (`--concurrency` = cores, the default) and
perfect packing; the last machine-hour is rounded up by nobody, so treat it as a floor.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from render_runner.config import REMOTION_DIR, TIMELINE_STATS_CLI, RenderSettings
from render_runner.errors import RecapError
from render_runner.queue.stats import QueueStats
from render_runner.render.bundle import VideoBundle
from render_runner.render.cpu import process_tree_cpu_s
from render_runner.render.node import node_binary
from render_runner.render.pool import RenderPool

DEFAULT_PRICE_PER_VCPU_HOUR = 0.05
SAMPLE_JOBS = 200  # recent done jobs averaged for the "last run" estimate


@dataclass(frozen=True)
class FrameStats:
    videos: int
    invalid: int
    frames: int
    captured_frames: int
    unique_captured_frames: int
    min_frames: int | None = None  # the shortest and longest video; None without a valid payload
    max_frames: int | None = None


@dataclass(frozen=True)
class Throughput:
    """CPU-seconds and wall seconds of one render on one worker, and where the figure comes from."""

    cpu_s_per_video: float
    wall_s_per_video: float
    source: str
    samples: int


@dataclass(frozen=True)
class CostEstimate:
    eligible: int
    frames: FrameStats
    throughput: Throughput
    machines: int
    cores: int
    price_per_vcpu_hour: float
    cpu_hours: float = field(init=False)
    wall_hours: float = field(init=False)
    cost: float = field(init=False)
    cost_per_1000: float = field(init=False)

    def __post_init__(self) -> None:
        cpu_hours = self.eligible * self.throughput.cpu_s_per_video / 3600
        # one render per core, side by side: a machine finishes `cores` videos per render time
        per_core_s = max(self.throughput.cpu_s_per_video, 1e-9)
        wall_hours = self.eligible * per_core_s / (self.machines * self.cores) / 3600
        object.__setattr__(self, "cpu_hours", cpu_hours)
        object.__setattr__(self, "wall_hours", wall_hours)
        # billed: every vCPU of every machine for the whole wall time (= CPU-hours when packed)
        object.__setattr__(self, "cost", self.machines * self.cores * wall_hours * self.price_per_vcpu_hour)
        object.__setattr__(self, "cost_per_1000", 1000 * self.throughput.cpu_s_per_video / 3600 * self.price_per_vcpu_hour)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(cpu_hours=self.cpu_hours, wall_hours=self.wall_hours, cost=self.cost, cost_per_1000=self.cost_per_1000)
        return data


# -- the warehouse side ------------------------------------------------------------------------------
def recorded_throughput(stats: QueueStats) -> Throughput | None:
    values = stats.recent_render_ms(SAMPLE_JOBS)
    if not values:
        return None
    wall_s = sum(values) / len(values) / 1000
    return Throughput(cpu_s_per_video=wall_s, wall_s_per_video=wall_s, source="last run (render_jobs.render_ms)", samples=len(values))


# -- frames ------------------------------------------------------------------------------------------
def frame_stats(payloads: list[str]) -> FrameStats:
    """Frames shown and captured, from the composition's own timeline (remotion/src/timeline.ts)."""
    proc = subprocess.run(
        [node_binary(), str(TIMELINE_STATS_CLI)],
        input="".join(p.replace("\n", " ") + "\n" for p in payloads),
        cwd=REMOTION_DIR,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RecapError(f"counting frames failed: {(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    return FrameStats(s["videos"], s["invalid"], s["frames"], s["capturedFrames"], s["uniqueCapturedFrames"], s.get("minFrames"), s.get("maxFrames"))


# -- calibration -------------------------------------------------------------------------------------
@contextmanager
def _cold_segment_cache(path: Path) -> Iterator[None]:
    """Calibrate with an empty segment cache (the worker inherits the variable): a conservative figure."""
    previous = os.environ.get("RECAP_SEGMENT_CACHE_DIR")
    os.environ["RECAP_SEGMENT_CACHE_DIR"] = str(path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("RECAP_SEGMENT_CACHE_DIR", None)
        else:
            os.environ["RECAP_SEGMENT_CACHE_DIR"] = previous


def calibrate(bundle: VideoBundle, payloads: list[str], settings: RenderSettings, renders: int = 2) -> Throughput:
    """Render a few payloads on one worker (the first one also warms the browser, and is not counted)."""
    if not payloads:
        raise RecapError("nothing to calibrate on: no eligible payload")
    chosen = [json.loads(payloads[i % len(payloads)]) for i in range(renders + 1)]
    cpu, wall = [], []
    with tempfile.TemporaryDirectory(prefix="recap-calibrate-") as tmp, _cold_segment_cache(Path(tmp) / "cache"), RenderPool(bundle, 1) as pool:
        for i, payload in enumerate(chosen):
            worker_pid = pool.worker_pids()[0] if pool.worker_pids() else None
            before = process_tree_cpu_s(worker_pid) if worker_pid else 0.0
            started = time.monotonic()
            pool.render(f"calibrate-{i}", payload, Path(tmp) / f"{i}.mp4", Path(tmp) / f"{i}.jpg", settings)
            elapsed = time.monotonic() - started
            if i == 0 or worker_pid is None:
                continue  # browser start-up and first page load
            cpu.append(process_tree_cpu_s(worker_pid) - before)
            wall.append(elapsed)
    return Throughput(
        cpu_s_per_video=sum(cpu) / len(cpu),
        wall_s_per_video=sum(wall) / len(wall),
        source=f"calibration on this machine ({settings.mode}, {len(cpu)} renders)",
        samples=len(cpu),
    )


def estimate_cost(
    stats: QueueStats,
    bundle: VideoBundle,
    *,
    machines: int,
    cores: int,
    price_per_vcpu_hour: float = DEFAULT_PRICE_PER_VCPU_HOUR,
    do_calibrate: bool = False,
    settings: RenderSettings | None = None,
) -> CostEstimate:
    """Eligible users (what `go` would render now), their frames, and the projection."""
    payloads = stats.payloads_to_render(bundle.version)
    frames = frame_stats(payloads)
    throughput = None if do_calibrate else recorded_throughput(stats)
    if throughput is None:
        if not do_calibrate:
            raise RecapError("no recorded timings yet (no done job); run `render-runner plan --calibrate` to measure this machine")
        throughput = calibrate(bundle, payloads, settings or RenderSettings())
    return CostEstimate(
        eligible=len(payloads),
        frames=frames,
        throughput=throughput,
        machines=machines,
        cores=cores,
        price_per_vcpu_hour=price_per_vcpu_hour,
    )
