#!/usr/bin/env python3
"""Check the videos a run left in a folder: `scripts/check-videos.py OUT` (used by `make image-smoke`).

OUT holds `<year>/<key>.mp4` + `.jpg` and the `manifest.jsonl` of `render-runner export --format
jsonl`. Every video in the manifest must exist and be, by ffprobe: H.264, 1080x1920, yuv420p, as
many frames as its composition (the manifest's duration_s x fps), i.e. full length; every poster a
1080x1920 JPEG; and no MP4 may be missing from the manifest. Prints one line per video.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

WIDTH, HEIGHT = 1080, 1920


def probe(path: Path, *entries: str) -> dict:
    proc = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_packets",
            "-show_entries",
            ",".join(entries),
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise ValueError(f"ffprobe failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def local(out: Path, uri: str) -> Path:
    """The manifest names files as the container saw them (/data/out/<year>/<key>.mp4)."""
    parts = Path(uri).parts
    return out.joinpath(*parts[-2:])


def check(out: Path) -> list[str]:
    manifest = out / "manifest.jsonl"
    if not manifest.exists():
        return [f"{manifest} is missing"]
    records = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    if not records:
        return ["the manifest lists no video"]
    problems: list[str] = []
    listed = set()
    for record in records:
        video, poster = local(out, record["video_url"]), local(out, record["poster_url"])
        listed.add(video)
        try:
            info = probe(video, "stream=codec_name,width,height,pix_fmt,r_frame_rate,nb_read_packets:format=duration")
            stream = info["streams"][0]
            fps = Fraction(stream["r_frame_rate"])
            frames = int(stream["nb_read_packets"])
            expected = round(record["duration_s"] * fps)
            seconds = float(info["format"]["duration"])
            shape = f"{stream['codec_name']} {stream['width']}x{stream['height']} {stream['pix_fmt']}"
            print(
                f"user {record['user_id']}: {video.name} {shape} {frames} frames at {fps} fps = {seconds:.2f} s "
                f"(composition {record['duration_s']} s)"
            )
            if (stream["codec_name"], stream["width"], stream["height"], stream["pix_fmt"]) != (
                "h264",
                WIDTH,
                HEIGHT,
                "yuv420p",
            ):
                problems.append(f"user {record['user_id']}: {shape}")
            if frames != expected:
                problems.append(f"user {record['user_id']}: {frames} frames, the composition has {expected}")
            still = probe(poster, "stream=codec_name,width,height")["streams"][0]
            if (still["codec_name"], still["width"], still["height"]) != ("mjpeg", WIDTH, HEIGHT):
                problems.append(f"user {record['user_id']}: poster {still}")
        except (ValueError, KeyError, IndexError) as exc:
            problems.append(f"user {record['user_id']}: {video}: {exc}")
    unlisted = sorted(set(out.glob("*/*.mp4")) - listed)
    if unlisted:
        problems.append(f"MP4s not in the manifest: {[str(p) for p in unlisted]}")
    print(f"{len(records)} videos checked in {out}")
    return problems


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    problems = check(Path(sys.argv[1]))
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
