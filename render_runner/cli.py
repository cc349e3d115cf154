"""`render-runner`: the command line. It parses, prints and calls the modules that do the work.

Every command goes through `command()`, the one error handler: a `RecapError` is printed as one
line that says what to do (with the traceback only under --verbose) and exits 1.

Exit codes (the README has the table): 0 all done; 1 an error (bad settings, warehouse, storage,
secret); 2 a usage error (Click's: unknown option, a value that does not parse, e.g.
`--x264-preset warp`, `--frames 5-1`, `--output gs://b`); 3 some jobs failed; 130 interrupted.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from render_runner.config import DEFAULT_PROGRESS_INTERVAL_S, LogFormat, ManifestFormat, RenderMode, X264Preset
from render_runner.errors import RecapError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2  # Click's own code for usage errors
EXIT_JOBS_FAILED = 3
EXIT_INTERRUPTED = 130

app = typer.Typer(
    help=(
        "Dream Recap render runner: reads recap_payloads from the warehouse that dbt built, renders one "
        "video + poster + share page per user with Remotion, stores them (local folder or S3) and tracks every job in "
        "the warehouse so a run can stop, crash or be split across machines without losing or "
        "duplicating a video."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)  # messages and errors: never wrapped (logs are read by machines too)
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
Frames = Annotated[
    str | None,
    typer.Option(
        "--frames",
        envvar="RECAP_FRAMES",
        help="Render only frames A-B (for smoke runs), e.g. 0-59; B must be inside the shortest video (checked before any render).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
SoundtrackOption = Annotated[
    str,
    typer.Option(
        "--soundtrack",
        envvar="RECAP_SOUNDTRACK",
        help=(
            "The sound of every video: default (the project's own ambient bed), none (a silent track) or an audio file "
            "ffmpeg reads; cut to each video, faded, normalised to -14 LUFS."
        ),
    ),
]
LogFormatOption = Annotated[
    LogFormat,
    typer.Option(
        "--log-format",
        envvar="RECAP_LOG_FORMAT",
        help="text: for people (a progress bar on a terminal, plain lines elsewhere); json: one JSON object per line, for log collectors.",
    ),
]


def _parse_frames(frames: str | None) -> tuple[int, int] | None:
    """`A-B` -> (A, B); a usage error (exit 2) when it does not parse. The length check is `go`'s."""
    if not frames:
        return None
    match = re.fullmatch(r"(\d+)-(\d+)", frames.strip())
    if not match or int(match.group(1)) > int(match.group(2)):
        raise typer.BadParameter(f"{frames!r}: expected a range A-B with A <= B, like 0-59", param_hint="'--frames'")
    return int(match.group(1)), int(match.group(2))


def _check_web_url(value: str | None, option: str) -> str | None:
    """An absolute http(s) URL (for a page's link or address), else a usage error (exit 2)."""
    if value is None or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() or ord(c) < 32 for c in value.strip()):
        raise typer.BadParameter(f"{value!r}: expected an absolute http:// or https:// URL", param_hint=f"'{option}'")
    return value.strip()


def _check_share_public(output: str, public: bool) -> None:
    """`--share-public` with a folder output is a usage error (exit 2)."""
    from render_runner.storage import StorageError, check_public_output

    try:
        check_public_output(output, public)
    except StorageError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--share-public'") from None


def _check_output(output: str) -> str:
    """A local path or a clean s3://bucket[/prefix]; anything else is a usage error (exit 2)."""
    from render_runner.storage import StorageError, check_output

    try:
        return check_output(output)
    except StorageError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--output'") from None


P = ParamSpec("P")
R = TypeVar("R")


def command(name: str | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`app.command`, with the one error handler around the command (which has a `verbose` option).

    A `RecapError` is one line (one JSON object with `--log-format json`), exit 1; Ctrl-C before a
    run has its own handlers is exit 130.
    """

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except RecapError as exc:
                if kwargs.get("verbose"):
                    console.print_exception()
                if kwargs.get("log_format") == LogFormat.json:
                    record = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "event": "error", "message": " ".join(str(exc).split())}
                    print(json.dumps(record), file=sys.stderr, flush=True)
                else:
                    console.print(f"[red]error:[/] {escape(str(exc))}")
                raise typer.Exit(EXIT_ERROR) from None
            except KeyboardInterrupt:
                console.print("interrupted")
                raise typer.Exit(EXIT_INTERRUPTED) from None

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
            help=(
                "Seconds a claimed job stays reserved without a heartbeat (renewed every quarter of it); "
                "a dead or cut-off runner's jobs are claimed again after it."
            ),
        ),
    ] = 60,
    reconnect_timeout: Annotated[
        float,
        typer.Option(
            "--reconnect-timeout",
            envvar="RECAP_RECONNECT_TIMEOUT",
            min=0,
            help="Seconds to keep reconnecting to Postgres after the connection broke (a restart, a failover, a network blip) before the run stops.",
        ),
    ] = 300.0,
    max_attempts: Annotated[int, typer.Option("--max-attempts", envvar="RECAP_MAX_ATTEMPTS", min=1, help="Attempts per job before it is marked failed.")] = 3,
    retry_backoff: Annotated[
        float, typer.Option("--retry-backoff", envvar="RECAP_RETRY_BACKOFF", min=0, help="Seconds before the first retry; doubles each attempt.")
    ] = 5.0,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", envvar="RECAP_RETRY_FAILED", help="Put failed jobs back in the queue first.")] = False,
    scale: Annotated[float, typer.Option("--scale", envvar="RECAP_SCALE", min=0.1, max=2, help="Render at this fraction of 1080x1920 (for smoke runs).")] = 1.0,
    frames: Frames = None,
    limit: Annotated[int | None, typer.Option("--limit", envvar="RECAP_LIMIT", min=1, help="Claim at most this many jobs, then stop.")] = None,
    max_payload_age: Annotated[
        float,
        typer.Option(
            "--max-payload-age",
            envvar="RECAP_MAX_PAYLOAD_AGE",
            min=0,
            help="Hours: warn when recap_payloads was built longer ago than this (or misses dreams the app has since).",
        ),
    ] = 24.0,
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
    soundtrack: SoundtrackOption = "default",
    share_link: Annotated[
        str | None,
        typer.Option(
            "--share-link",
            envvar="RECAP_SHARE_LINK",
            help="Where the call-to-action of each video's share page (<key>.html) goes, e.g. the app's store page (http/https). Default: no call to action.",
        ),
    ] = None,
    share_public: Annotated[
        bool,
        typer.Option(
            "--share-public",
            envvar="RECAP_SHARE_PUBLIC",
            help=(
                "S3 only: store video, poster and share page readable by anyone under their unguessable keys (link previews need it); "
                "the page's preview tags then use the objects' URLs. Checked before the run. Default: private."
            ),
        ),
    ] = False,
    share_base_url: Annotated[
        str | None,
        typer.Option(
            "--share-base-url",
            envvar="RECAP_SHARE_BASE_URL",
            help="The public address of the output root (a CDN or web server in front of it): the share page's preview tags point there.",
        ),
    ] = None,
    segment_cache: Annotated[
        str | None,
        typer.Option(
            "--segment-cache",
            envvar="RECAP_SEGMENT_CACHE",
            help=(
                "A segment cache shared by every machine of a run (s3://bucket/prefix, or a folder they all mount): each scene "
                "is then captured and encoded once per fleet, not once per machine. Keep it outside the output (it is private; "
                "expire it with a lifecycle rule). Default: each machine's own cache only."
            ),
        ),
    ] = None,
    log_format: LogFormatOption = LogFormat.text,
    progress_interval: Annotated[
        float,
        typer.Option(
            "--progress-interval",
            envvar="RECAP_PROGRESS_INTERVAL",
            min=0.1,
            help="Without a terminal (or with --log-format json): seconds between one-line progress records.",
        ),
    ] = DEFAULT_PROGRESS_INTERVAL_S,
    verbose: Verbose = False,
) -> None:
    """Render every pending recap: sync jobs from recap_payloads, then claim, render, store until none is left.

    Safe to stop (Ctrl-C: finish in-flight renders; twice: abort and release) and to re-run (only new,
    changed or unfinished users are rendered). On the Postgres target, start it on as many machines
    as you like against one warehouse and one bucket. Settings, output, storage and secret are
    checked before the first job is claimed. Exit codes: 0 all done, 1 error, 2 usage error,
    3 some jobs failed, 130 interrupted.
    """
    from render_runner.commands.go import go as run_go
    from render_runner.commands.progress import make_progress, status_file_for
    from render_runner.config import PROJECT_DIR, RenderSettings, RunOptions, ShareSettings
    from render_runner.profiles import load_config
    from render_runner.render.segment_share import SharedSegments
    from render_runner.render.soundtrack import resolve_soundtrack
    from render_runner.storage import open_storage
    from render_runner.storage.secret import load_secret

    # Before the first claim, cheapest first: the options' syntax (usage errors, exit 2), then the
    # secret, the warehouse settings and a write + delete in the storage (errors, exit 1).
    frame_range = _parse_frames(frames)
    _check_output(output)
    share = ShareSettings(
        link=_check_web_url(share_link, "--share-link"), public=share_public, base_url=_check_web_url(share_base_url, "--share-base-url")
    )
    _check_share_public(output, share.public)
    secret = load_secret(PROJECT_DIR)
    config = load_config(profiles_dir, target)
    soundtrack_value = resolve_soundtrack(soundtrack)
    status_file = status_file_for(config.duckdb_path) if config.dialect == "duckdb" and config.duckdb_path else None
    with make_progress(log_format, verbose=verbose, status_file=status_file, interval_s=progress_interval) as progress:
        storage = open_storage(output, s3_endpoint_url, probe=True, public=share.public)
        progress.message("start", f"warehouse {config.describe()} -> {storage.describe()}")
        shared_segments = None
        if segment_cache:
            _check_output(segment_cache)
            shared_segments = SharedSegments(open_storage(segment_cache, s3_endpoint_url, probe=True))
            progress.message("start", f"segment cache shared by the fleet: {shared_segments.storage.describe()}")
        settings = RenderSettings(
            jpeg_quality=jpeg_quality,
            x264_preset=x264_preset.value,
            crf=crf,
            scale=scale,
            frame_range=frame_range,
            mode=render_mode.value,
            soundtrack=soundtrack_value,
        )
        options = RunOptions(
            concurrency=concurrency or os.cpu_count() or 1,
            lease_s=lease,
            reconnect_s=reconnect_timeout,
            max_attempts=max_attempts,
            retry_backoff_s=retry_backoff,
            retry_failed=retry_failed,
            render_timeout_s=render_timeout,
            recycle_after=recycle_after,
            settings=settings,
            limit=limit,
            max_payload_age_h=max_payload_age,
            share=share,
        )
        result = run_go(config, storage, options, progress, secret, shared_segments=shared_segments)
        report, counts = result.report, result.counts
        left = counts["pending"] + counts["rendering"]
        progress.message(
            "summary",
            f"done {report.done}, failed {report.failed}, retries {report.retried} in {report.elapsed_s:.0f} s; "
            f"queue: {counts['done']} done, {counts['failed']} failed, {left} left",
            done_here=report.done,
            failed_here=report.failed,
            retries=report.retried,
            elapsed_s=round(report.elapsed_s, 1),
            counts=counts,
        )
        for line in report.errors[:10]:
            progress.message("failed", f"failed {line}")
        if report.interrupted:
            progress.message("interrupted", "interrupted: run `render-runner go` again to finish")
            raise typer.Exit(EXIT_INTERRUPTED)
        if counts["failed"]:
            progress.message("failed", "some jobs failed: see `render-runner status`, fix, then `render-runner go --retry-failed`")
            raise typer.Exit(EXIT_JOBS_FAILED)
        if storage.local_dir is not None:
            progress.message("output", f"videos are in {storage.local_dir}")


@command()
def status(
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """Where the run stands: counts by status, throughput, most common errors, per-runner activity.

    On DuckDB, while `go` runs (it holds the file), this shows the snapshot the runner keeps
    beside the warehouse (`<warehouse>.status.json`), saying how old it is.
    """
    from render_runner.commands.progress import read_status_file, status_file_for
    from render_runner.db import DatabaseLocked
    from render_runner.profiles import load_config
    from render_runner.queue.queue import open_queue

    config = load_config(profiles_dir, target)
    try:
        with open_queue(config) as queue:
            state = queue.stats.status()
    except DatabaseLocked:
        snapshot = read_status_file(status_file_for(config.duckdb_path)) if config.duckdb_path else None
        if snapshot is None:
            raise
        _print_snapshot(snapshot, as_json)
        return
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
    if state.segment_hit_rate is not None:
        cpu = f", {state.cpu_s_per_video:.1f} CPU-s per video" if state.cpu_s_per_video is not None else ""
        out.print(
            f"segment cache: {state.segment_hit_rate:.0%} of scenes reused, "
            f"{state.frames_captured_per_video or 0:.0f} frames captured per video{cpu} (last 200 videos)"
        )
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


def _print_snapshot(snapshot: dict[str, Any], as_json: bool) -> None:
    """`status` during a DuckDB run: the running runner's own snapshot, and how old it is."""
    from render_runner.commands.progress import format_duration

    if as_json:
        out.print_json(json.dumps({**snapshot, "source": "status file of the running runner"}))
        return
    c = {s: 0 for s in ("done", "pending", "rendering", "failed")} | snapshot.get("counts", {})
    out.print(
        f"the warehouse file is in use by a running `render-runner go` (runner {snapshot.get('runner')}, pid {snapshot.get('pid')}); "
        f"its status snapshot from {snapshot['age_s']:.0f} s ago:"
    )
    out.print(f"[bold]{sum(c.values())}[/] jobs: {c['done']} done, {c['pending']} pending, {c['rendering']} rendering, {c['failed']} failed")
    rate = snapshot.get("rate_per_min")
    eta = snapshot.get("eta_s")
    out.print(
        f"this runner: {snapshot['in_flight']} in flight, {snapshot['done_here']} done, {snapshot['failed_here']} failed, "
        f"{'-' if rate is None else rate} videos/min, ETA {format_duration(eta)}"
    )


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
    """Write the delivery manifest: user id, year, video, poster and share page URL (or local path), size, duration."""
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
    soundtrack: SoundtrackOption = "default",
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    verbose: Verbose = False,
) -> None:
    """Render one user's video (or poster) straight from the warehouse, for designers. Touches no job."""
    from render_runner.commands.preview import render_preview
    from render_runner.render.soundtrack import resolve_soundtrack

    path = render_preview(
        user_id,
        still=still,
        dest=dest,
        year=year,
        scale=scale,
        frame_range=_parse_frames(frames),
        soundtrack=resolve_soundtrack(soundtrack),
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
    # the synthetic dreams run to 2027-01-05: as_of sets the extract's clock, or later dreams count as "in the future"
    console.print(f"now: dbt build --vars \"{{app_schema: {schema}, as_of: '2027-01-05'}}\"")


@command()
def info(
    target: Target = None,
    profiles_dir: ProfilesDir = None,
    as_json: AsJson = False,
    verbose: Verbose = False,
) -> None:
    """What this machine renders with: versions (template, Remotion, browser, ffmpeg, Node, Python) and the warehouse target, to compare machines."""
    from render_runner.commands.info import describe_info, machine_info

    details = machine_info(profiles_dir, target)
    if as_json:
        out.print_json(json.dumps(details))
        return
    for line in describe_info(details):
        out.print(line, highlight=False, markup=False, soft_wrap=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
