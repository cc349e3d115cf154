"""`bench/render.py --steady N`: the cost of a long run, where scenes are shared across users.

N synthetic users (`render-runner demo-data`, bench/demo_payloads.py: the first N eligible of the
30,000-user demo data), the naive loop on 2 of them, then `render-runner go` over all N from a cold
segment cache, in two invocations on one warehouse and one cache: users 1..N/2, then the rest
(the second half is the steady state: it pays its own start-up, so it is slightly pessimistic).
Then the same segment cache renders a few already-rendered users again under another share link
(new pages, same pixels): videos whose scenes are all cached.

Reported: CPU-s per video (process trees, as bench/render.py) over the whole run and over the
second half, cache hit rates and frames captured (from the job table: every job keeps its worker
CPU, scenes, cached scenes and captured frames), bytes per video, SSIM of the runner's videos for
the 2 naive users against the naive ones, peak memory; then a cost model,

    worker CPU-s of a job = a * frames captured + b * segments made + c * [anything captured] + d

(c: the capture tab's start, d: poster, assembly, audio, worker overhead), fitted by non-negative
least squares on the first half's jobs (d measured on the all-cached videos), plus the runner's own CPU per video
(whole-tree CPU minus the jobs' worker CPU). With the scene statistics of the whole demo population (remotion/worker/bin/scene-stats.mjs)
in claim order (locale, dream total: queue.claim_group) through a segment cache, the model
predicts this run (checked against the measurement) and projects the 30,000-user campaign: on one
machine with the default 4 GB cache (LRU, segments of this run's mean size), and with a cache
shared by a whole fleet (every distinct scene made once). The last two lines are
`steady_cpu_ratio=` and `projected_30k_cpu_ratio=` (the 4 GB one-machine projection).
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.demo_payloads import demo_payloads, demo_payloads_file
from render_runner.render.node import node_binary
from tests.warehouse_fixtures import duckdb_warehouse

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCENE_STATS = PROJECT_DIR / "remotion" / "worker" / "bin" / "scene-stats.mjs"
CACHE_BYTES = 4096 * 2**20  # RenderSettings.segment_cache_mb
WARM_USERS = 6


def scene_stats(payloads_file: Path) -> list[dict[str, Any]]:
    with payloads_file.open() as stdin:
        out = subprocess.run([node_binary(), str(SCENE_STATS)], stdin=stdin, capture_output=True, text=True, check=True,
                             cwd=PROJECT_DIR / "remotion").stdout
    return [r for r in map(json.loads, out.splitlines()) if not r.get("invalid")]


def claim_order(videos: list[dict[str, Any]], totals: dict[int, int]) -> list[dict[str, Any]]:
    """queue.claim_group's order: locale ('' when none), dream total, user."""
    return sorted(videos, key=lambda v: (v["locale"] or "", f"{totals[v['user']]:08d}", v["user"]))


def simulate(videos: list[dict[str, Any]], capacity: float, cache: collections.OrderedDict[str, int] | None = None) -> list[dict[str, int]]:
    """Per video (in order): frames captured, segments made, scenes, through an LRU of `capacity` segments."""
    lru = cache if cache is not None else collections.OrderedDict()
    out = []
    for v in videos:
        frames = made = 0
        for key, captured, _hold in v["scenes"]:
            if key in lru:
                lru.move_to_end(key)
                continue
            frames, made = frames + captured, made + 1
            lru[key] = 1
            if len(lru) > capacity:
                lru.popitem(last=False)
        out.append({"frames": frames, "made": made, "scenes": len(v["scenes"])})
    return out


def features(frames: int, made: int) -> list[float]:
    return [float(frames), float(made), 1.0 if frames > 0 else 0.0]


def least_squares(rows: list[list[float]], ys: list[float]) -> list[float]:
    """Solve the normal equations (Gaussian elimination); a column that never varies gets 0."""
    n = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) for j in range(n)] + [sum(r[i] * y for r, y in zip(rows, ys, strict=True))] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-9:
            continue
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[r][col]:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col], strict=True)]
    return [a[i][n] / a[i][i] if abs(a[i][i]) > 1e-9 else 0.0 for i in range(n)]


def non_negative_least_squares(rows: list[list[float]], ys: list[float]) -> list[float]:
    """Least squares with every coefficient >= 0 (a cost is never negative): the best of the
    unconstrained fits over every subset of the columns whose coefficients all come out >= 0.
    Frames, segments and the capture tab move together, so an unconstrained fit can trade one
    against another into negative costs that only cancel out on videos like the fitted ones."""
    n = len(rows[0])
    best: tuple[float, list[float]] | None = None
    for mask in range(1 << n):
        cols = [i for i in range(n) if mask >> i & 1]
        coef = [0.0] * n
        if cols:
            for i, c in zip(cols, least_squares([[r[i] for i in cols] for r in rows], ys), strict=True):
                coef[i] = c
        if any(c < 0 for c in coef):
            continue
        residual = sum((y - sum(c * x for c, x in zip(coef, r, strict=True))) ** 2 for r, y in zip(rows, ys, strict=True))
        if best is None or residual < best[0]:
            best = (residual, coef)
    assert best is not None  # the empty subset always qualifies
    return best[1]


def predict(coef: list[float], per_video_s: float, sim: list[dict[str, int]]) -> float:
    """CPU-s of these videos: the model's per-video terms, plus what every video pays (worker and runner)."""
    return sum(sum(c * x for c, x in zip(coef, features(s["frames"], s["made"]), strict=True)) + per_video_s for s in sim)


def jobs_of(warehouse: Any) -> list[dict[str, Any]]:
    if not warehouse.execute("select 1 from information_schema.tables where table_name = 'render_jobs'"):
        return []
    cols = ["user_id", "cpu_s", "scenes", "scenes_cached", "frames_captured", "bytes", "output_uri"]
    rows = warehouse.execute(f"select {', '.join(cols)} from main.render_jobs where status = 'done' order by finished_at")
    return [dict(zip(cols, r, strict=True)) for r in rows]


def run_steady(n: int, work: Path, r: Any, naive_from: Path | None = None) -> dict[str, Any]:
    """r: the bench/render.py module (its measuring helpers); naive_from: an earlier steady result
    whose naive figures and videos (the same 2 demo users) are reused instead of rendering them."""
    payloads = demo_payloads(first=n)
    half = n // 2
    print(f"--steady {n}: the first {n} eligible demo users; naive loop on 2 of them", flush=True)
    if naive_from:
        earlier = json.loads(naive_from.read_text())
        naive = r.Phase(**{k: earlier["naive"][k] for k in ("name", "videos", "wall_s", "cpu_s", "peak_pss_mb", "peak_worker_pss_mb", "bytes_per_video")})
        naive_videos = [Path(v) for v in earlier["naive_videos"]]
    else:
        naive, naive_videos = r.run_naive(payloads[:2], work)
        keep = PROJECT_DIR / ".render-cache" / f"bench-steady-naive-{os.getpid()}"  # for --naive-from; not in git
        keep.mkdir(parents=True, exist_ok=True)
        naive_videos = [Path(shutil.copy(v, keep / v.name)) for v in naive_videos]
    tmp = Path(tempfile.mkdtemp(prefix="steady-", dir=work))
    warehouse = duckdb_warehouse(tmp)
    out, cache = tmp / "out", tmp / "segments"
    env = {**os.environ, **warehouse.env, "RECAP_KEY_SECRET": "bench-secret-0123456789abcdefghijklmnop",
           "RECAP_SEGMENT_CACHE_DIR": str(cache), "RECAP_HOLD_CLIP_DIR": str(r.HOLD_CLIPS), "COLUMNS": "200"}
    phases = []
    for name, subset, extra in (("first half (cold cache)", payloads[:half], []), ("second half (steady state)", payloads, [])):
        warehouse.write_payloads(subset)
        before = len(jobs_of(warehouse))
        wall, cpu, mem, _ = r.measured([str(r.RUNNER), "go", "--output", str(out), *extra], cwd=tmp, env=env)
        jobs = jobs_of(warehouse)[before:]
        phases.append({"name": name, "videos": len(jobs), "wall_s": wall, "cpu_s": cpu, "jobs": jobs,
                       "peak_worker_pss_mb": mem.peak_worker_kb / 1024, "peak_pss_mb": mem.peak_kb / 1024})
        print(f"  {name}: {len(jobs)} videos, {wall:.0f} s wall, {cpu:.0f} CPU-s, {cpu / max(1, len(jobs)):.1f} CPU-s per video", flush=True)
    # videos whose scenes are all cached: the same pixels under another share link (new pages), a
    # few of them (--limit; the others wait, pending: none is withdrawn, whose erasure would take
    # its segments away)
    wall, cpu, mem, _ = r.measured(
        [str(r.RUNNER), "go", "--output", str(out), "--share-link", "https://example.org/again", "--limit", str(WARM_USERS)], cwd=tmp, env=env
    )
    warm_jobs = jobs_of(warehouse)  # the others are pending again (a new share link)
    warm = {"videos": WARM_USERS, "wall_s": wall, "cpu_s": cpu, "worker_cpu_s": sum(j["cpu_s"] or 0 for j in warm_jobs) / WARM_USERS,
            "all_cached": all(j["scenes_cached"] == j["scenes"] for j in warm_jobs)}
    print(f"  all scenes cached: {cpu / WARM_USERS:.1f} CPU-s per video (worker {warm['worker_cpu_s']:.1f})", flush=True)

    by_user = {j["user_id"]: j for p in phases for j in p["jobs"]}
    scores = [r.ssim(Path(by_user[p["user"]["id"]]["output_uri"].removeprefix("file://")), v) for p, v in zip(payloads[:2], naive_videos, strict=False)]
    raw = {"n": n, "naive": naive.as_json(), "naive_videos": [str(v) for v in naive_videos], "phases": phases, "warm": warm,
           "user_ids": [p["user"]["id"] for p in payloads], "ssim_scores": scores,
           "segment_bytes": [p.stat().st_size for p in cache.glob("*.h264")]}
    raw_file = PROJECT_DIR / ".render-cache" / f"bench-steady-raw-{os.getpid()}.json"
    raw_file.write_text(json.dumps(raw, default=str))  # `--steady-analyse FILE` redoes what follows
    print(f"  raw figures: {raw_file.relative_to(PROJECT_DIR)}", flush=True)
    return analyse(raw)


def analyse(raw: dict[str, Any]) -> dict[str, Any]:
    """The report of a steady run's raw figures (run_steady writes them first)."""
    n, phases, warm = raw["n"], raw["phases"], raw["warm"]
    naive_cpu = raw["naive"]["cpu_s"] / raw["naive"]["videos"]
    half = len(phases[0]["jobs"])
    first, second = phases
    scores = raw["ssim_scores"]
    steady_cpu = second["cpu_s"] / second["videos"]
    run_cpu = (first["cpu_s"] + second["cpu_s"]) / n

    # the cost model: what every video pays in the worker (poster, assembly, audio) measured on the
    # videos whose scenes were all cached; the rest fitted on the first half's jobs; the runner's
    # own CPU per video beside it
    fixed_s = warm["worker_cpu_s"]
    coef = non_negative_least_squares([features(j["frames_captured"], j["scenes"] - j["scenes_cached"]) for j in first["jobs"]],
                                      [j["cpu_s"] - fixed_s for j in first["jobs"]])
    runner_s = (first["cpu_s"] - sum(j["cpu_s"] for j in first["jobs"])) / first["videos"]
    per_video_s = fixed_s + runner_s
    stats = scene_stats(demo_payloads_file())
    totals = {}
    with demo_payloads_file().open() as f:
        for line in f:
            p = json.loads(line)
            totals[p["user"]["id"]] = p["dreams"]["total"]
    by_id = {v["user"]: v for v in stats}
    ids = raw["user_ids"]
    lru: collections.OrderedDict[str, int] = collections.OrderedDict()
    sim_first = simulate(claim_order([by_id[u] for u in ids[:half]], totals), float("inf"), lru)
    sim_second = simulate(claim_order([by_id[u] for u in ids[half:]], totals), float("inf"), lru)
    predicted_first, predicted_second = predict(coef, per_video_s, sim_first), predict(coef, per_video_s, sim_second)
    segment_bytes = sum(raw["segment_bytes"]) / max(1, len(raw["segment_bytes"]))
    population = claim_order(stats, totals)
    projections = {}
    for label, capacity in (("one machine, 4 GB segment cache", CACHE_BYTES / segment_bytes), ("a fleet sharing one cache", float("inf"))):
        sim = simulate(population, capacity)
        per_video = predict(coef, per_video_s, sim) / len(sim)
        projections[label] = {"cpu_s_per_video": per_video, "ratio": naive_cpu / per_video,
                              "frames_captured_per_video": sum(s["frames"] for s in sim) / len(sim),
                              "segment_hit_rate": 1 - sum(s["made"] for s in sim) / sum(s["scenes"] for s in sim)}
    user_order = simulate([by_id[u] for u in sorted(by_id)], CACHE_BYTES / segment_bytes)
    projections["one machine, 4 GB, claimed in user order (no grouping)"] = {
        "cpu_s_per_video": (pv := predict(coef, per_video_s, user_order) / len(user_order)), "ratio": naive_cpu / pv,
        "frames_captured_per_video": sum(s["frames"] for s in user_order) / len(user_order),
        "segment_hit_rate": 1 - sum(s["made"] for s in user_order) / sum(s["scenes"] for s in user_order)}

    def hit_rate(jobs: list[dict[str, Any]]) -> float:
        return sum(j["scenes_cached"] for j in jobs) / sum(j["scenes"] for j in jobs)

    result = {
        "n": n,
        "naive": raw["naive"],
        "naive_videos": raw["naive_videos"],
        "phases": [{k: v for k, v in p.items() if k != "jobs"} | {
            "cpu_per_video": p["cpu_s"] / p["videos"], "segment_hit_rate": hit_rate(p["jobs"]),
            "frames_captured_per_video": sum(j["frames_captured"] for j in p["jobs"]) / p["videos"],
            "worker_cpu_per_video": sum(j["cpu_s"] for j in p["jobs"]) / p["videos"],
            "bytes_per_video": sum(j["bytes"] for j in p["jobs"]) / p["videos"]} for p in phases],
        "all_cached": warm | {"cpu_per_video": warm["cpu_s"] / WARM_USERS},
        "run_cpu_per_video": run_cpu,
        "steady_cpu_per_video": steady_cpu,
        "ssim": {"avg": sum(s[0] for s in scores) / len(scores), "worst_frame": min(s[1] for s in scores)} if scores else None,
        "model": {"per_captured_frame": coef[0], "per_segment_made": coef[1], "capture_tab": coef[2], "per_video_worker": fixed_s,
                  "per_video_runner": runner_s, "segment_bytes": segment_bytes},
        "model_check": {"first_half": {"predicted": predicted_first, "measured": first["cpu_s"]},
                        "second_half": {"predicted": predicted_second, "measured": second["cpu_s"]},
                        "run": {"predicted": predicted_first + predicted_second, "measured": first["cpu_s"] + second["cpu_s"]}},
        "projection_30k": projections,
        "population": len(stats),
        "steady_cpu_ratio": naive_cpu / steady_cpu,
        "run_cpu_ratio": naive_cpu / run_cpu,
    }
    report(result)
    return result


def report(d: dict[str, Any]) -> None:
    naive = d["naive"]["cpu_s"] / d["naive"]["videos"]
    print()
    print(f"naive loop: {naive:.1f} CPU-s per video ({d['naive']['wall_s'] / d['naive']['videos']:.0f} s wall)")
    for p in d["phases"]:
        print(f"{p['name']:28} {p['cpu_per_video']:6.1f} CPU-s/video (worker {p['worker_cpu_per_video']:.1f}), {p['wall_s'] / p['videos']:5.1f} s wall/video, "
              f"{p['segment_hit_rate']:.0%} of scenes from cache, {p['frames_captured_per_video']:.0f} frames captured/video, "
              f"{p['bytes_per_video'] / 1e6:.2f} MB/video, peak worker PSS {p['peak_worker_pss_mb']:.0f} MB")
    w = d["all_cached"]
    print(f"{'every scene cached':28} {w['cpu_per_video']:6.1f} CPU-s/video (worker {w['worker_cpu_s']:.1f}; all cached: {w['all_cached']})")
    ssim = f"SSIM vs naive {d['ssim']['avg']:.4f} avg, {d['ssim']['worst_frame']:.3f} worst frame" if d["ssim"] else "no naive videos to compare"
    print(f"whole run: {d['run_cpu_per_video']:.1f} CPU-s/video = {d['run_cpu_ratio']:.2f}x below naive; {ssim}")
    m = d["model"]
    print(f"model (fitted on the first half's jobs; per video from the all-cached ones): {m['per_captured_frame'] * 1000:.0f} ms per captured frame, "
          f"{m['per_segment_made']:.2f} CPU-s per segment made, {m['capture_tab']:.2f} per capture tab, "
          f"{m['per_video_worker']:.2f} per video in the worker + {m['per_video_runner']:.2f} in the runner; segments {m['segment_bytes'] / 1e3:.0f} KB")
    for name, c in d["model_check"].items():
        print(f"  predicts {name}: {c['predicted']:.0f} CPU-s, measured {c['measured']:.0f} ({(c['predicted'] - c['measured']) / c['measured']:+.1%})")
    for name, p in d["projection_30k"].items():
        print(f"projected 30k ({d['population']} eligible), {name}: {p['cpu_s_per_video']:.1f} CPU-s/video, "
              f"{p['frames_captured_per_video']:.0f} frames captured/video, {p['segment_hit_rate']:.0%} scenes from cache, {p['ratio']:.1f}x below naive")




def chart(d: dict[str, Any], path: Path) -> None:
    """CPU-seconds per video: the naive loop, the run's halves, all-cached videos, the projections."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    naive = d["naive"]["cpu_s"] / d["naive"]["videos"]
    bars = [("naive npx remotion render (2 users)", naive)]
    bars += [(f"runner, {p['name']}", p["cpu_per_video"]) for p in d["phases"]]
    bars.append(("runner, every scene cached", d["all_cached"]["cpu_per_video"]))
    bars += [(f"projected 30k: {name}", p["cpu_s_per_video"]) for name, p in d["projection_30k"].items()]
    fig, ax = plt.subplots(figsize=(13, 0.55 * len(bars) + 1.8))
    names, values = [b[0] for b in bars][::-1], [b[1] for b in bars][::-1]
    colors = ["#b0b0b0" if n.startswith("naive") else "#9bb0e8" if n.startswith("projected") else "#4a6fd6" for n in names]
    for bar, value in zip(ax.barh(names, values, color=colors), values, strict=True):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:.1f} ({naive / value:.1f}x)", va="center")
    for goal, label, style in ((naive / 6, "6x below naive (steady-state goal)", "--"), (naive / 10, "10x below naive (30k projection goal)", ":")):
        ax.axvline(goal, color="#d64a4a", linestyle=style, linewidth=1, label=label)
    ax.legend(loc="lower right")
    ax.set_xlim(0, naive * 1.25)
    ax.set_xlabel("CPU-seconds per finished video (video + poster + audio + page, stored), lower is better")
    ax.set_title(f"Dream Recap, --steady {d['n']}: scenes shared across users (2 vCPU)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
