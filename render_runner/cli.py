"""`render-runner`: the command line. It parses, prints and calls the modules that do the work.

Every command goes through `command()`, the one error handler: a `RecapError` is printed as one
line that says what to do (with the traceback only under --verbose) and exits 1.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from render_runner.config import ManifestFormat, RenderMode, X264Preset
from render_runner.errors import RecapError

app = typer.Typer(
    help=(
        "Dream Recap render runner: reads recap_payloads from the warehouse that dbt built, renders one "
        "video + poster per user with Remotion, stores them (local folder or S3) and tracks every job in "
        "the warehouse so a run can stop, crash or be split across machines without losing or "
        "duplicating a video."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()

# -- options shared by several commands (same names as dbt where dbt has them) ---------------------
ProfilesDir = Annotated[
    Path | None,
    typer.Option("--profiles-dir", envvar="DBT_PROFILES_DIR", help="Folder with profiles.yml (as dbt: default ./ if it has one, else ~/.dbt)."),
]
Target = Annotated[
    str | None,
    typer.Option("--target", "-t", envvar="DBT_TARGET", help="profiles.yml target (as dbt: default the profile's `target`, i.e. dev = DuckDB)."),
]
Output = Annotated[
    str,
    typer.Option("--output", "-o", envvar="RECAP_OUTPUT", help="Where videos go: a folder (default ./out) or s3://bucket/prefix."),
]
S3Endpoint = Annotated[
    str | None,
    typer.Option("--s3-endpoint-url", envvar=["RECAP_S3_ENDPOINT_URL", "AWS_ENDPOINT_URL"], help="S3-compatible endpoint (MinIO, R2, SeaweedFS...)."),
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Print every job and full tracebacks.")]
RenderModeOption = Annotated[
    RenderMode,
    typer.Option(
        "--render-mode",
        envvar="RECAP_RENDER_MODE",
        help=(
            "sparse: capture only the frames that move and reuse scenes shared by users, encode once (default); "
            "full: Remotion renderMedia, every frame. --frames renders full."
        ),
    ),
]
Frames = Annotated[str | None, typer.Option("--frames", envvar="RECAP_FRAMES", help="Render only frames A-B (for smoke runs), e.g. 0-59.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _parse_frames(frames: str | None) -> tuple[int, int] | None:
    if not frames:
        return None
    match = re.fullmatch(r"(\d+)-(\d+)", frames.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise RecapError(f"--frames {frames!r}: expected a range like 0-59")
    return int(match.group(1)), int(match.group(2))


P = ParamSpec("P")
R = TypeVar("R")


def command(name: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`app.command`, with the one error handler around the command (which has a `verbose` option)."""

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except RecapError as exc:
                if kwargs.get("verbose"):
                    console.print_exception()
                console.print(f"[red]error:[/] {exc}")
                raise typer.Exit(1) from None

        app.command(name)(run)
        return run

    return register


@command()
def go(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-c",
            envvar="RECAP_CONCURRENCY",
            min=1,
            help="Renders in flight on this machine (one Node worker + browser each). Default: number of CPU cores.",
        ),
    ] = None,
    output: Output = "out",
    s3_endpoint_url: S3Endpoint = None,
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    lease: Annotated[
        int,
        typer.Option(
            "--lease",
            envvar="RECAP_LEASE_SECONDS",
            min=5,
            help="Seconds a claimed job stays reserved without a heartbeat; a dead runner's jobs are claimed again after it.",
        ),
    ] = 600,
    max_attempts: Annotated[int, typer.Option("--max-attempts", envvar="RECAP_MAX_ATTEMPTS", min=1, help="Attempts per job before it is marked failed.")] = 3,
    retry_backoff: Annotated[
        float, typer.Option("--retry-backoff", envvar="RECAP_RETRY_BACKOFF", min=0, help="Seconds before the first retry; doubles each attempt.")
    ] = 5.0,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", envvar="RECAP_RETRY_FAILED", help="Put failed jobs back in the queue first.")] = False,
    scale: Annotated[float, typer.Option("--scale", envvar="RECAP_SCALE", min=0.1, max=2, help="Render at this fraction of 1080x1920 (for smoke runs).")] = 1.0,
    frames: Frames = None,
    limit: Annotated[int | None, typer.Option("--limit", envvar="RECAP_LIMIT", min=1, help="Claim at most this many jobs, then stop.")] = None,
    render_timeout: Annotated[
        float,
        typer.Option("--render-timeout", envvar="RECAP_RENDER_TIMEOUT", min=5, help="Seconds before a render is considered hung (its worker is restarted)."),
    ] = 600.0,
    recycle_after: Annotated[
        int, typer.Option("--recycle-after", envvar="RECAP_RECYCLE_AFTER", min=1, help="Restart a render worker after this many renders (keeps memory flat).")
    ] = 100,
    jpeg_quality: Annotated[int, typer.Option("--jpeg-quality", envvar="RECAP_JPEG_QUALITY", min=1, max=100, help="JPEG quality of captured frames.")] = 80,
    x264_preset: Annotated[
        X264Preset, typer.Option("--x264-preset", envvar="RECAP_X264_PRESET", help="x264 preset: faster encodes, bigger files first.")
    ] = X264Preset.veryfast,
    crf: Annotated[int, typer.Option("--crf", envvar="RECAP_CRF", min=0, max=51, help="x264 constant rate factor (lower = better, bigger).")] = 20,
    render_mode: RenderModeOption = RenderMode.sparse,
    verbose: Verbose = False,
) -> None:
    """Render every pending recap: sync jobs from recap_payloads, then claim, render, store until none is left.

    Safe to stop (Ctrl-C: finish in-flight renders; twice: abort and release) and to re-run (only new,
    changed or unfinished users are rendered). On the Postgres target, start it on as many machines
    as you like against one warehouse and one bucket.
    """
    from render_runner.commands.go import go as run_go
    from render_runner.commands.progress import RichObserver
    from render_runner.config import RenderSettings, RunOptions
    from render_runner.profiles import load_config
    from render_runner.storage import open_storage

    config = load_config(profiles_dir, target)
    storage = open_storage(output, s3_endpoint_url)
    console.print(f"warehouse {config.describe()} -> {storage.describe()}")
    settings = RenderSettings(
        jpeg_quality=jpeg_quality,
        x264_preset=x264_preset.value,
        crf=crf,
        scale=scale,
        frame_range=_parse_frames(frames),
        mode=render_mode.value,
    )
    options = RunOptions(
        concurrency=concurrency or os.cpu_count() or 1,
        lease_s=lease,
        max_attempts=max_attempts,
        retry_backoff_s=retry_backoff,
        retry_failed=retry_failed,
        render_timeout_s=render_timeout,
        recycle_after=recycle_after,
        settings=settings,
        limit=limit,
    )
    with RichObserver(console, verbose=verbose) as observer:
        result = run_go(config, storage, options, observer)
    report, counts = result.report, result.counts
    console.print(
        f"done {report.done}, failed {report.failed}, retries {report.retried} in {report.elapsed_s:.0f} s; "
        f"queue: {counts['done']} done, {counts['failed']} failed, {counts['pending'] + counts['rendering']} left"
    )
    for line in report.errors[:10]:
        console.print(f"[red]failed[/] {line}")
    if report.interrupted:
        console.print("interrupted: run `render-runner go` again to finish")
        raise typer.Exit(130)
    if counts["failed"]:
        console.print("some jobs failed: see `render-runner status`, fix, then `render-runner go --retry-failed`")
        raise typer.Exit(2)
    if storage.local_dir is not None:
        console.print(f"videos are in {storage.local_dir}")


@command()
def status(
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Where the run stands: counts by status, throughput, most common errors, per-runner activity."""
    from render_runner.profiles import load_config
    from render_runner.queue.queue import open_queue

    with open_queue(load_config(profiles_dir, target)) as queue:
        state = queue.stats.status()
    if as_json:
        out.print_json(json.dumps(state.as_json()))
        return
    c = state.counts
    total = sum(c.values())
    out.print(
        f"[bold]{total}[/] jobs: {c['done']} done, {c['pending']} pending, {c['rendering']} rendering, {c['failed']} failed, "
        f"{c['smoke']} smoke (partial runs), {c['withdrawn']} withdrawn"
    )
    out.print("done in the last 1 / 5 / 15 min: " + " / ".join(str(state.done_last[m]) for m in ("1", "5", "15")))
    if state.avg_render_ms:
        out.print(f"average render: {state.avg_render_ms / 1000:.1f} s per video")
    if state.top_errors:
        table = Table("failed jobs", "error", title="most common errors")
        for error, n in state.top_errors:
            table.add_row(str(n), error)
        out.print(table)
    if state.runners:
        table = Table("runner", "rendering", "done (15 min)", "last seen", title="runners")
        for r in state.runners:
            table.add_row(r["runner"], str(r["rendering"]), str(r["done_last_15_min"]), r["last_seen"])
        out.print(table)


def _parse_duration(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*([smhd]?)", text.strip())
    if not match:
        raise RecapError(f"--expires {text!r}: expected e.g. 3600, 90m, 12h or 7d")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]


@command()
def export(
    output: Output = "out",
    s3_endpoint_url: S3Endpoint = None,
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    expires: Annotated[
        str, typer.Option("--expires", envvar="RECAP_EXPIRES", help="Lifetime of presigned URLs (S3): 3600, 90m, 12h, 7d (max 7d on AWS).")
    ] = "7d",
    fmt: Annotated[ManifestFormat, typer.Option("--format", "-f", help="Manifest format.")] = ManifestFormat.csv,
    dest: Annotated[Path | None, typer.Option("--to", help="Write the manifest here instead of stdout.")] = None,
    verbose: Verbose = False,
) -> None:
    """Write the delivery manifest: user id, year, video and poster URL (or local path), size, duration."""
    from render_runner.commands.export import manifest, save_manifest, write_manifest
    from render_runner.profiles import load_config
    from render_runner.queue.queue import open_queue
    from render_runner.storage import open_storage

    expires_s = _parse_duration(expires)
    storage = open_storage(output, s3_endpoint_url)
    with open_queue(load_config(profiles_dir, target)) as queue:
        records = manifest(queue.stats, storage, expires_s)
    if dest is None:
        write_manifest(records, fmt, sys.stdout)
        return
    save_manifest(records, fmt, dest)
    console.print(f"{len(records)} videos -> {dest}")


@command()
def preview(
    user_id: Annotated[int, typer.Argument(help="The user whose recap to render.")],
    still: Annotated[bool, typer.Option("--still", help="Render only the poster (JPEG), in seconds.")] = False,
    dest: Annotated[Path | None, typer.Option("--out", help="Output file (default out/preview/<user>.mp4 or .jpg).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Recap year (default: the one in recap_payloads).")] = None,
    scale: Annotated[float, typer.Option("--scale", min=0.1, max=2, help="Fraction of 1080x1920.")] = 1.0,
    frames: Annotated[str | None, typer.Option("--frames", help="Only frames A-B, e.g. 0-59.")] = None,
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    verbose: Verbose = False,
) -> None:
    """Render one user's video (or poster) straight from the warehouse, for designers. Touches no job."""
    from render_runner.commands.preview import render_preview

    path = render_preview(
        user_id,
        still=still,
        dest=dest,
        year=year,
        scale=scale,
        frame_range=_parse_frames(frames),
        profiles_dir=profiles_dir,
        target=target,
    )
    console.print(f"wrote {path}")


@command()
def plan(
    machines: Annotated[int, typer.Option("--machines", "-m", min=1, help="Machines the run will use.")] = 1,
    cores: Annotated[int, typer.Option("--cores", min=0, help="vCPUs per machine (default 0: this machine's).")] = 0,
    price_per_vcpu_hour: Annotated[
        float, typer.Option("--price-per-vcpu-hour", envvar="RECAP_PRICE_PER_VCPU_HOUR", min=0, help="Price of one vCPU for one hour, in $.")
    ] = 0.05,
    calibrate: Annotated[
        bool, typer.Option("--calibrate", help="Measure this machine with a short render (2-3 videos) instead of the last run's timings.")
    ] = False,
    render_mode: RenderModeOption = RenderMode.sparse,
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Estimate a run before it starts: eligible users, frames, CPU-hours, wall time and cost."""
    from render_runner.commands.cost_estimate import estimate_cost
    from render_runner.config import RenderSettings
    from render_runner.profiles import load_config
    from render_runner.queue.queue import open_queue
    from render_runner.render.bundle import ensure_bundle

    config = load_config(profiles_dir, target)
    bundle = ensure_bundle()
    with open_queue(config) as queue:
        if not queue.payloads_exist():
            raise RecapError(f"no recap_payloads table in schema {config.schema}; run `dbt build` first")
        estimate = estimate_cost(
            queue.stats,
            bundle,
            machines=machines,
            cores=cores or os.cpu_count() or 1,
            price_per_vcpu_hour=price_per_vcpu_hour,
            do_calibrate=calibrate,
            settings=RenderSettings(mode=render_mode.value),
        )
    if as_json:
        out.print_json(json.dumps(estimate.as_json()))
        return
    f, t = estimate.frames, estimate.throughput
    out.print(f"[bold]{estimate.eligible}[/] users to render ({f.invalid} with an invalid payload), {f.frames:,} frames shown")
    out.print(f"sparse capture: {f.captured_frames:,} frames ({f.unique_captured_frames:,} if every shared scene is captured once)")
    out.print(f"throughput: {t.cpu_s_per_video:.1f} CPU-s, {t.wall_s_per_video:.1f} s wall per video, from {t.source}, {t.samples} samples")
    out.print(
        f"projected: {estimate.cpu_hours:.1f} CPU-hours; {estimate.wall_hours:.2f} h wall on {estimate.machines} x {estimate.cores} vCPU; "
        f"${estimate.cost:.2f} at ${estimate.price_per_vcpu_hour}/vCPU-hour (${estimate.cost_per_1000:.2f} per 1,000 videos)"
    )


@command("demo-data")
def demo_data(
    users: Annotated[int, typer.Option("--users", min=1, help="Number of synthetic users.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data).")] = 42,
    schema: Annotated[str, typer.Option("--schema", help="Schema for the raw app tables (point dbt at it with --vars '{app_schema: ...}').")] = "app",
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    verbose: Verbose = False,
) -> None:
    """Write realistic synthetic raw app tables (users, dreams, persons, places, emotions, links) for scale tests."""
    from render_runner.commands.demo_data import write_demo_data
    from render_runner.profiles import load_config

    config = load_config(profiles_dir, target)
    counts = write_demo_data(config, schema=schema, users=users, seed=seed)
    console.print(", ".join(f"{n} {table}" for table, n in counts.items()) + f" -> {config.describe()} schema {schema}")
    console.print(f"now: dbt build --vars '{{app_schema: {schema}}}'")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
