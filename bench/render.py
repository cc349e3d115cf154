"""Render throughput: the naive per-user `npx remotion render` loop against `render-runner go`.

    .venv/bin/python bench/render.py            # K=3 sample payloads, naive loop + runner (~15 min on 2 cores)
    .venv/bin/python bench/render.py --quick    # K=2 payloads, still whole videos
    .venv/bin/python bench/render.py --levers   # also the runner with other settings (full mode, tabs,
                                                # concurrency, jpeg quality, x264 preset, crf)
    .venv/bin/python bench/render.py --steady 120   # a long run of 120 demo users: steady-state CPU per
                                                    # video, segment reuse, a 30,000-user projection
                                                    # (bench/render_steady.py; ~40 min on 2 cores)
    .venv/bin/python bench/render.py --rss 200  # one worker, 200 distinct demo users: memory after each

Both sides render the same K payloads from remotion/samples, whole videos (1080x1920, 30 fps) plus
the poster, in one run on one machine:

(a) naive: per user `npx remotion render src/index.ts Recap` and `npx remotion still ... Poster` at
    Remotion's defaults (only --browser-executable set: there is no network to download one);
    every call bundles, starts a browser, renders, encodes (x264 medium, crf 18).
(b) runner: `render-runner go` on a scratch DuckDB warehouse holding those payloads (a fresh
    recap_payloads table, profiles dir, key secret and segment cache), local output folder. The
    bundle is built before the clock starts (once per template for a whole 30,000-user run).

Measured per video: wall seconds (elapsed of the whole command / K) and CPU-seconds of the whole
process tree: this process is a child subreaper (prctl), so Node, Chromium and ffmpeg processes
orphaned when a browser is killed are re-parented to it and reaped, and getrusage(RUSAGE_CHILDREN)
deltas count every descendant. Peak memory: a sampler sums PSS (/proc/*/smaps_rollup) of each
render worker's process tree (Node + its Chromium + ffmpeg), and of the whole naive tree.
SSIM of (b) against (a): ffmpeg's ssim filter after converting both to RGB (the naive output is
full-range BT.601, the runner's limited-range BT.709), average and worst frame.
Cost: CPU-hours per 1,000 videos x $0.05 per vCPU-hour (or --price).

The machine is shared and has 2 cores: figures are noisy. The naive and runner phases run one after
the other; with --repeat 2 they alternate (a b a b). The last line is `cpu_ratio=<naive CPU-s per
video / runner CPU-s per video>`. Raw figures go to bench/results/render-<time>.json and
bench/results/render-latest.json; `bench/render.py --chart FILE.json` redraws the chart
bench/results/render-cpu.png from saved figures.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the project, not this folder, first: bench/queue.py must not shadow the standard library's queue
sys.path[:] = [str(PROJECT_DIR)] + [p for p in sys.path if Path(p or '.').resolve() != PROJECT_DIR / 'bench']

from render_runner.config import HOLD_CLIP_CLI, REMOTION_DIR, RenderSettings  # noqa: E402
from render_runner.render.bundle import ensure_bundle  # noqa: E402
from render_runner.render.node import node_binary  # noqa: E402
from render_runner.render.pool import RenderPool  # noqa: E402
from tests.warehouse_fixtures import duckdb_warehouse  # noqa: E402

RESULTS = PROJECT_DIR / "bench" / "results"
SAMPLES = ["en-three-of-each", "fr-three-of-each", "en-emoji", "ja-cjk", "he-rtl"]
BROWSER = "/usr/lib/chromium/chromium"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
RUNNER = PROJECT_DIR / ".venv" / "bin" / "render-runner"
PRICE = 0.05

# Runner configurations for --levers: name -> extra `go` arguments (the first is the default).
LEVERS: dict[str, list[str]] = {
    "runner default (sparse, c=cores)": [],
    "runner full mode (renderMedia)": ["--render-mode", "full"],
    "runner sparse, concurrency 1": ["--concurrency", "1"],
    "runner sparse, jpeg 60": ["--jpeg-quality", "60"],
    "runner sparse, x264 ultrafast": ["--x264-preset", "ultrafast"],
    "runner sparse, x264 faster crf 23": ["--x264-preset", "faster", "--crf", "23"],
    # environment variables (NAME=value) go to the runner's environment, not its arguments
    "runner sparse, holds encoded by x264 (not spliced)": ["RECAP_HOLD_SPLICE=0"],
}


@dataclass
class Phase:
    name: str
    videos: int
    wall_s: float
    cpu_s: float
    peak_pss_mb: float
    peak_worker_pss_mb: float = 0.0
    ssim_avg: float | None = None
    ssim_min: float | None = None
    bytes_per_video: float = 0.0
    runs: list[dict[str, float]] = field(default_factory=list)

    @property
    def cpu_per_video(self) -> float:
        return self.cpu_s / self.videos

    @property
    def wall_per_video(self) -> float:
        return self.wall_s / self.videos

    @property
    def usd_per_1000(self) -> float:
        return self.cpu_per_video * 1000 / 3600 * PRICE

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "cpu_per_video": self.cpu_per_video, "wall_per_video": self.wall_per_video, "usd_per_1000": self.usd_per_1000}


# -- measuring ---------------------------------------------------------------------------------------
def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        print("warning: could not become a child subreaper; CPU of orphaned browsers may be missed", file=sys.stderr)


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for descendants re-parented to us (killed browsers' helpers), so their CPU is counted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.1)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _proc_tree() -> dict[int, int]:
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                text = Path(f"/proc/{name}/stat").read_text()
                parents[int(name)] = int(text[text.rfind(")") + 2 :].split()[1])
            except OSError:
                pass
    return parents


def _descendants(root: int, parents: dict[int, int]) -> list[int]:
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(c for c, p in parents.items() if p == pid)
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _is_worker(pid: int) -> bool:
    try:
        return b"render-worker.mjs" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class MemorySampler:
    """Peak PSS of a process tree, and of the largest render-worker subtree in it."""

    def __init__(self, root: int, interval: float = 1.0) -> None:
        self.root, self.interval = root, interval
        self.peak_kb = self.peak_worker_kb = 0
        self.worker_series: dict[int, list[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            parents = _proc_tree()
            tree = _descendants(self.root, parents)
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in tree))
            for pid in tree:
                if _is_worker(pid):
                    kb = sum(_pss_kb(p) for p in _descendants(pid, parents))
                    self.peak_worker_kb = max(self.peak_worker_kb, kb)
                    self.worker_series.setdefault(pid, []).append(kb)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measured(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, MemorySampler, str]:
    """Run cmd to completion; wall s, CPU s of its whole tree, memory sampler, stderr tail."""
    reap_orphans(0.5)
    cpu0, t0 = children_cpu(), time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with MemorySampler(proc.pid) as sampler:
        out, err = proc.communicate()
    wall = time.monotonic() - t0
    reap_orphans()
    cpu = children_cpu() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}):\n{(err or out)[-2000:]}")
    return wall, cpu, sampler, err


# -- SSIM --------------------------------------------------------------------------------------------
def ssim(a: Path, b: Path) -> tuple[float, float]:
    """(average, worst frame) SSIM of a against b, compared in RGB."""
    proc = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(a), "-i", str(b), "-lavfi",
         "[0:v]format=gbrp[x];[1:v]format=gbrp[y];[x][y]ssim=stats_file=-", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )
    frames = [float(m.group(1)) for m in re.finditer(r"All:([0-9.]+)", proc.stdout)]
    return sum(frames) / len(frames), min(frames)


# -- the two sides -----------------------------------------------------------------------------------
def load_payloads(names: list[str]) -> list[dict[str, Any]]:
    payloads = []
    for i, name in enumerate(names):
        payload = json.loads((REMOTION_DIR / "samples" / f"{name}.json").read_text())
        payload["user"]["id"] = 1000 + i  # distinct users even if two samples share an id
        payloads.append(payload)
    return payloads


def run_naive(payloads: list[dict[str, Any]], work: Path) -> tuple[Phase, list[Path]]:
    npx = shutil.which("npx") or "npx"
    wall = cpu = 0.0
    peak = 0
    videos, runs, size = [], [], 0
    for payload in payloads:
        uid = payload["user"]["id"]
        props = work / f"props-{uid}.json"
        props.write_text(json.dumps(payload))
        video, poster = work / f"naive-{uid}.mp4", work / f"naive-{uid}.jpg"
        w1, c1, m1, _ = measured(
            [npx, "remotion", "render", "src/index.ts", "Recap", str(video), f"--props={props}", f"--browser-executable={BROWSER}"],
            cwd=REMOTION_DIR,
        )
        w2, c2, m2, _ = measured(
            [npx, "remotion", "still", "src/index.ts", "Poster", str(poster), f"--props={props}", f"--browser-executable={BROWSER}"],
            cwd=REMOTION_DIR,
        )
        print(f"  naive user {uid}: video {w1:.0f} s wall {c1:.0f} CPU-s, poster {w2:.0f} s wall {c2:.0f} CPU-s", flush=True)
        wall, cpu, peak = wall + w1 + w2, cpu + c1 + c2, max(peak, m1.peak_kb, m2.peak_kb)
        runs.append({"user": uid, "wall_s": w1 + w2, "cpu_s": c1 + c2})
        videos.append(video)
        size += video.stat().st_size
    phase = Phase("naive npx remotion render (defaults)", len(payloads), wall, cpu, peak / 1024, peak / 1024, runs=runs)
    phase.bytes_per_video = size / len(payloads)
    return phase, videos


HOLD_CLIPS = Path(tempfile.gettempdir()) / f"bench-hold-clips-{os.getpid()}"


def prepare_hold_clip() -> float:
    """Make the default settings' hold clip (remotion/worker/encode/holds.mjs) in a fresh folder
    before the clock starts, like the bundle: a whole run makes it once per machine. Returns its
    CPU-seconds, which the report prints beside the per-video figures."""
    shutil.rmtree(HOLD_CLIPS, ignore_errors=True)
    env = {**os.environ, "RECAP_HOLD_CLIP_DIR": str(HOLD_CLIPS)}
    defaults = RenderSettings()
    args = ["1080x1920", "30", defaults.x264_preset, str(defaults.crf)]  # the Recap at scale 1
    _, cpu, _, _ = measured([node_binary(), str(HOLD_CLIP_CLI), *args], cwd=REMOTION_DIR, env=env)
    print(f"hold clip (once per machine, before the clock): {cpu:.1f} CPU-s", flush=True)
    return cpu


def run_runner(name: str, payloads: list[dict[str, Any]], work: Path, extra: list[str], cache: Path | None = None) -> tuple[Phase, list[Path]]:
    tmp = Path(tempfile.mkdtemp(prefix="runner-", dir=work))
    warehouse = duckdb_warehouse(tmp)
    warehouse.write_payloads(payloads)
    env = {
        **os.environ,
        **warehouse.env,
        "RECAP_KEY_SECRET": "bench-secret-0123456789abcdefghijklmnop",
        "RECAP_SEGMENT_CACHE_DIR": str(cache or tmp / "segment-cache"),  # cold unless a shared cache is given
        # the hold clip (worker/encode/holds.mjs): made once per machine, before the clock (main)
        "RECAP_HOLD_CLIP_DIR": str(HOLD_CLIPS),
        "COLUMNS": "200",
    }
    env.update(a.split("=", 1) for a in extra if "=" in a and not a.startswith("-"))
    args = [a for a in extra if "=" not in a or a.startswith("-")]
    out = tmp / "out"
    wall, cpu, mem, _ = measured([str(RUNNER), "go", "--output", str(out), *args], cwd=tmp, env=env)
    manifest = subprocess.run([str(RUNNER), "export", "--output", str(out), "--format", "jsonl"], cwd=tmp, env=env, capture_output=True, text=True, check=True)
    by_user = {r["user_id"]: Path(r["video_url"]) for r in map(json.loads, manifest.stdout.splitlines())}
    videos = [by_user[p["user"]["id"]] for p in payloads]
    phase = Phase(name, len(payloads), wall, cpu, mem.peak_kb / 1024, mem.peak_worker_kb / 1024)
    phase.bytes_per_video = sum(v.stat().st_size for v in videos) / len(videos)
    print(f"  {name}: {wall:.0f} s wall, {cpu:.0f} CPU-s for {len(payloads)} videos", flush=True)
    return phase, videos


def with_ssim(phase: Phase, videos: list[Path], reference: list[Path]) -> None:
    scores = [ssim(v, r) for v, r in zip(videos, reference, strict=True)]
    phase.ssim_avg = sum(s[0] for s in scores) / len(scores)
    phase.ssim_min = min(s[1] for s in scores)


def merge(phases: list[Phase]) -> Phase:
    first = phases[0]
    merged = Phase(first.name, sum(p.videos for p in phases), sum(p.wall_s for p in phases), sum(p.cpu_s for p in phases),
                   max(p.peak_pss_mb for p in phases), max(p.peak_worker_pss_mb for p in phases))
    ssims = [p for p in phases if p.ssim_avg is not None]
    if ssims:
        merged.ssim_avg = sum(p.ssim_avg or 0 for p in ssims) / len(ssims)
        merged.ssim_min = min(p.ssim_min or 1 for p in ssims)
    merged.bytes_per_video = sum(p.bytes_per_video for p in phases) / len(phases)
    merged.runs = [{"wall_s": p.wall_s, "cpu_s": p.cpu_s, "videos": p.videos} for p in phases]
    return merged


def run_warm(payloads: list[dict[str, Any]], work: Path) -> Phase:
    """The same payloads twice on one segment cache: the second run finds every scene cached, i.e.
    the fixed cost of a video: poster, assembly, audio, runner. Users with shared scenes pay
    between this and the cold figure."""
    cache = work / "shared-segment-cache"
    phase = None
    for i in range(2):
        phase, _ = run_runner(f"runner default, all scenes cached (run {i + 1}/2)", payloads, work, [], cache=cache)
    assert phase is not None
    phase.name = "runner default, every scene cached"
    return phase


def run_rss(renders: int, scale: float) -> dict[str, Any]:
    """One worker, many renders of distinct demo users (sparse, cold segment cache, so most scenes
    are captured and encoded, some come from the cache as in a real run): memory after each."""
    from bench.demo_payloads import demo_payloads

    payloads = demo_payloads(first=renders)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-rss-") as tmp:
        os.environ["RECAP_SEGMENT_CACHE_DIR"] = str(Path(tmp) / "cache")
        with RenderPool(ensure_bundle(), 1, recycle_after=10**9, max_rss_bytes=10**15) as pool:
            for i, payload in enumerate(payloads):
                result = pool.render(f"rss-{i}", payload, Path(tmp) / "v.mp4", Path(tmp) / "p.jpg", RenderSettings(scale=scale))
                pid = pool.worker_pids()[0]
                tree_kb = sum(_pss_kb(p) for p in _descendants(pid, _proc_tree()))
                sparse = result.sparse or {}
                rows.append({"render": i + 1, "node_rss_mb": result.rss_bytes / 2**20, "tree_pss_mb": tree_kb / 1024,
                             "captured": sparse.get("capturedFrames"), "cached_scenes": sparse.get("segmentsCached")})
                if (i + 1) % 10 == 0 or i == 0:
                    print(f"  render {i + 1}: worker Node RSS {result.rss_bytes / 2**20:.0f} MB, worker tree PSS {tree_kb / 1024:.0f} MB", flush=True)
    return {"renders": renders, "scale": scale, "series": rows}


# -- report ------------------------------------------------------------------------------------------
def print_table(phases: list[Phase], naive: Phase) -> None:
    head = (
        f"{'configuration':38} {'wall s/video':>12} {'CPU-s/video':>12} {'vs naive':>9} {'$/1000':>7} "
        f"{'peak PSS MB':>12} {'SSIM avg/min':>14} {'MB/video':>9}"
    )
    print(head)
    print("-" * len(head))
    for p in phases:
        ratio = naive.cpu_per_video / p.cpu_per_video
        s = f"{p.ssim_avg:.4f}/{p.ssim_min:.3f}" if p.ssim_avg is not None else ("reference" if p is naive else "-")
        mem = p.peak_worker_pss_mb if p is not naive else p.peak_pss_mb
        print(
            f"{p.name:38} {p.wall_per_video:12.1f} {p.cpu_per_video:12.1f} {ratio:8.2f}x {p.usd_per_1000:7.2f} "
            f"{mem:12.0f} {s:>14} {p.bytes_per_video / 1e6:9.2f}"
        )


def chart(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    phases = data["phases"]
    names = [p["name"] for p in phases]
    cpu = [p["cpu_per_video"] for p in phases]
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(names) + 1.6))
    colors = ["#b0b0b0" if n.startswith("naive") else "#4a6fd6" for n in names]
    bars = ax.barh(names[::-1], cpu[::-1], color=colors[::-1])
    for bar, value in zip(bars, cpu[::-1], strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:.0f}", va="center")
    goal = phases[0]["cpu_per_video"] / 4 if names[0].startswith("naive") else None
    if goal:
        ax.axvline(goal, color="#d64a4a", linestyle="--", linewidth=1)
        ax.text(goal, -0.9, " 4x goal", color="#d64a4a", va="bottom")
    ax.set_xlabel("CPU-seconds per finished video (video + poster), lower is better")
    ax.set_title(f"Dream Recap render cost, 1080x1920 30 fps, {data['machine']}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"chart -> {path.relative_to(PROJECT_DIR)}")


def run_steady_bench(n: int, naive_from: Path | None) -> None:
    from bench import render_steady

    ensure_bundle()
    prepare_hold_clip()
    work = Path(tempfile.mkdtemp(prefix="bench-steady-"))
    try:
        data = render_steady.run_steady(n, work, sys.modules[__name__], naive_from)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(HOLD_CLIPS, ignore_errors=True)
    save_steady(data)


def save_steady(data: dict[str, Any]) -> None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for path in (RESULTS / f"render-steady-{stamp}.json", RESULTS / "render-steady-latest.json"):
        path.write_text(json.dumps(data, indent=2) + "\n")
    from bench import render_steady

    render_steady.chart(data, RESULTS / "render-steady-cpu.png")
    print(f"steady_cpu_ratio={data['steady_cpu_ratio']:.2f}")
    print(f"projected_30k_cpu_ratio={data['projection_30k']['one machine, 4 GB segment cache']['ratio']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 payloads instead of 3 (still whole videos)")
    parser.add_argument("--payloads", type=int, default=None, help="number of sample payloads (K)")
    parser.add_argument("--repeat", type=int, default=1, help="alternate naive/runner this many times")
    parser.add_argument("--levers", action="store_true", help="also run the runner with other settings (see LEVERS)")
    parser.add_argument("--lever", action="append", default=[], help="run only these LEVERS entries (substring match); implies --levers")
    parser.add_argument("--naive-from", type=Path, default=None, help="reuse the naive figures and videos of an earlier results JSON")
    parser.add_argument("--chart", type=Path, default=None, help="only redraw the chart from a results JSON")
    parser.add_argument("--warm", action="store_true", help="also the runner with every scene already in the segment cache")
    parser.add_argument("--steady", type=int, default=0, metavar="N", help="only: a long run of N demo users (bench/render_steady.py)")
    parser.add_argument("--steady-analyse", type=Path, default=None, metavar="RAW", help="only: the report of a --steady run's raw figures again")
    parser.add_argument("--rss", type=int, default=0, metavar="N", help="only: N renders of distinct demo users on one worker, its memory after each")
    parser.add_argument("--rss-scale", type=float, default=0.5, help="scale of the --rss renders")
    args = parser.parse_args()
    if args.chart:
        chart(json.loads(args.chart.read_text()), RESULTS / "render-cpu.png")
        return
    if args.rss:
        data = run_rss(args.rss, args.rss_scale)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "render-rss.json").write_text(json.dumps(data, indent=2) + "\n")
        first, last = data["series"][0], data["series"][-1]
        print(
            f"worker Node RSS {first['node_rss_mb']:.0f} -> {last['node_rss_mb']:.0f} MB, "
            f"tree PSS {first['tree_pss_mb']:.0f} -> {last['tree_pss_mb']:.0f} MB over {args.rss} renders"
        )
        return

    if args.steady_analyse:
        from bench import render_steady

        save_steady(render_steady.analyse(json.loads(args.steady_analyse.read_text())))
        return
    become_subreaper()
    if args.steady:
        run_steady_bench(args.steady, args.naive_from)
        return
    k = args.payloads or (2 if args.quick else 3)
    payloads = load_payloads(SAMPLES[:k])
    ensure_bundle()  # the bundle: built once per template, not per video
    setup_cpu = prepare_hold_clip()  # the hold clip: made once per machine, not per video
    configs = dict(list(LEVERS.items())[:1])
    if args.levers or args.lever:
        configs = {n: a for n, a in LEVERS.items() if not args.lever or n == next(iter(LEVERS)) or any(s in n for s in args.lever)}
    machine = f"{os.cpu_count()} vCPU"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    keep = PROJECT_DIR / ".render-cache" / f"bench-naive-{stamp}"  # reference videos, not committed
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    print(f"{k} payloads ({', '.join(SAMPLES[:k])}), {machine}, repeat {args.repeat}; work dir {work}", flush=True)
    try:
        naive_runs, runner_runs = [], {n: [] for n in configs}
        naive_videos: list[Path] = []
        previous = json.loads(args.naive_from.read_text()) if args.naive_from else None
        for rep in range(args.repeat):
            if previous:
                p = previous["phases"][0]
                naive_runs.append(
                    Phase(p["name"], p["videos"], p["wall_s"], p["cpu_s"], p["peak_pss_mb"], p["peak_worker_pss_mb"], bytes_per_video=p["bytes_per_video"])
                )
                naive_videos = [Path(v) for v in previous["naive_videos"]]
            else:
                print(f"[{rep + 1}/{args.repeat}] naive loop", flush=True)
                phase, naive_videos = run_naive(payloads, work)
                naive_runs.append(phase)
            for name, extra in configs.items():
                print(f"[{rep + 1}/{args.repeat}] {name}", flush=True)
                phase, videos = run_runner(name, payloads, work, extra)
                with_ssim(phase, videos, naive_videos)
                runner_runs[name].append(phase)
        naive = merge(naive_runs)
        phases = [naive] + [merge(runs) for runs in runner_runs.values()]
        if args.warm:
            print("runner with a warm segment cache", flush=True)
            warm = run_warm(payloads, work)
            phases.append(warm)
        # keep the naive videos for --naive-from (they are the reference)
        keep.mkdir(parents=True, exist_ok=True)
        kept = []
        for v in naive_videos:
            if v.exists() and v.parent != keep:
                shutil.copy(v, keep / v.name)
            kept.append(str(keep / v.name))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(HOLD_CLIPS, ignore_errors=True)

    print()
    print_table(phases, naive)
    default = phases[1]
    ratio = naive.cpu_per_video / default.cpu_per_video
    data = {
        "machine": machine,
        "when": stamp,
        "payloads": SAMPLES[:k],
        "repeat": args.repeat,
        "price_per_vcpu_hour": PRICE,
        "phases": [p.as_json() for p in phases],
        "naive_videos": kept,
        "cpu_ratio": ratio,
        "one_time_cpu_s": {"hold_template": setup_cpu},
        "cpu_ratio_counting_one_time_costs": naive.cpu_per_video / (default.cpu_per_video + setup_cpu / k),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    for path in (RESULTS / f"render-{stamp}.json", RESULTS / "render-latest.json"):
        path.write_text(json.dumps(data, indent=2) + "\n")
    chart(data, RESULTS / "render-cpu.png")
    print(f"projected ${default.usd_per_1000:.2f} per 1,000 videos (runner) vs ${naive.usd_per_1000:.2f} (naive) at ${PRICE}/vCPU-hour")
    print(f"with the one-time hold clip ({setup_cpu:.1f} CPU-s) counted in these {k} videos: "
          f"{data['cpu_ratio_counting_one_time_costs']:.2f}x (a whole run makes it once per machine)")
    print(f"cpu_ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
