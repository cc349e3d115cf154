"""CPU cost of the soundtrack per video (remotion/worker/encode/audio.mjs).

    .venv/bin/python bench/audio.py            # ~1 min on 2 cores

What a video pays for its sound, in CPU-seconds of the whole process tree (node + ffmpeg, from
getrusage(RUSAGE_CHILDREN) deltas; node's own start-up, measured on an empty script, is taken off):
  - track: making one AAC track (cut, fades, loudness measured, gain, AAC encode) for a new length,
    per soundtrack (the default bed, none, a 3-minute stereo MP3 as a user's file). Done once per
    distinct (soundtrack, length) on a machine, then read from the cache;
  - mux: joining a 1080x1920 video of that length (~1.7 MB, the size of a real recap: BENCHMARKS.md)
    with its cached track (stream copy, no edit list, moov first), which every video pays;
  - amortised: per video over the lengths of the sample payloads (remotion/samples), each track
    made once: (tracks x track cost + videos x mux cost) / videos.
Raw figures go to bench/results/audio-latest.json.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
REMOTION_DIR = PROJECT_DIR / "remotion"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def node_cpu(script: str, env: dict[str, str]) -> float:
    """CPU-seconds of one `node -e script` and everything it starts."""
    before = children_cpu()
    proc = subprocess.run(["node", "--input-type=module", "-e", script], cwd=REMOTION_DIR, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(proc.stderr)
    return children_cpu() - before


def sample_lengths() -> list[int]:
    frames = []
    for sample in sorted((REMOTION_DIR / "samples").glob("*.json")):
        out = subprocess.run(["node", "worker/bin/payload-tool.mjs", "timeline", str(sample)], cwd=REMOTION_DIR, capture_output=True, text=True, check=True)
        frames.append(int(json.loads(out.stdout)["durationInFrames"]))
    return frames


def main() -> None:
    lengths = sample_lengths()
    distinct = sorted(set(lengths))
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as tmp:
        work = Path(tmp)
        song = work / "song.mp3"
        subprocess.run(
            [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=c=pink:seed=1:d=180:a=0.2,lowpass=f=3000",
             "-ac", "2", "-b:a", "192k", str(song)],
            check=True,
        )
        env = {**os.environ, "RECAP_AUDIO_CACHE_DIR": str(work / "cache")}
        baseline = min(node_cpu("await import('./worker/encode/audio.mjs');", env) for _ in range(3))
        tracks: dict[str, list[float]] = {}
        for name, soundtrack in (("default", "default"), ("none", "none"), ("file", str(song))):
            tracks[name] = []
            for frames in distinct:
                script = f"""
import {{soundtrackAudio}} from './worker/encode/audio.mjs';
const r = await soundtrackAudio({{soundtrack: {json.dumps(soundtrack)}, durationInFrames: {frames}, fps: 30}});
if (r.cached) throw new Error('expected a new track');
"""
                tracks[name].append(node_cpu(script, env) - baseline)
        frames = max(distinct)
        video = work / "video.mp4"
        subprocess.run(
            [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=1080x1920:r=30", "-frames:v", str(frames),
             "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "400k", "-bf", "0", "-pix_fmt", "yuv420p", str(video)],
            check=True,
        )
        mux = []
        for i in range(5):
            script = f"""
import {{muxAudio, soundtrackAudio}} from './worker/encode/audio.mjs';
const r = await soundtrackAudio({{soundtrack: 'default', durationInFrames: {frames}, fps: 30}});
if (!r.cached) throw new Error('expected the cached track');
await muxAudio({{video: {json.dumps(str(video))}, audio: r.file, output: {json.dumps(str(work / f"out-{i}.mp4"))}}});
"""
            mux.append(node_cpu(script, env) - baseline)
        video_mb = video.stat().st_size / 1e6
    track_s = {name: sum(v) / len(v) for name, v in tracks.items()}
    mux_s = sorted(mux)[len(mux) // 2]
    amortised = {name: (len(distinct) * t + len(lengths) * mux_s) / len(lengths) for name, t in track_s.items()}
    result = {
        "videos": len(lengths),
        "distinct_lengths": len(distinct),
        "track_cpu_s": {k: round(v, 3) for k, v in track_s.items()},
        "mux_cpu_s": round(mux_s, 3),
        "mux_video_mb": round(video_mb, 1),
        "amortised_cpu_s_per_video": {k: round(v, 3) for k, v in amortised.items()},
        "node_startup_cpu_s": round(baseline, 3),
    }
    out = PROJECT_DIR / "bench" / "results" / "audio-latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
