"""The compositions rendered for real: Remotion's bundler and renderer with Chromium
(/usr/lib/chromium/chromium, or $REMOTION_BROWSER), through remotion/worker/bin/render-samples.mjs.
The bundle is built once for this module."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

PROJECT_DIR = Path(__file__).resolve().parent.parent
REMOTION_DIR = PROJECT_DIR / "remotion"
SAMPLES = sorted((REMOTION_DIR / "samples").glob("*.json"))
FFPROBE_CANDIDATES = [
    "/usr/bin/ffprobe",
    str(REMOTION_DIR / "node_modules/@remotion/compositor-linux-x64-gnu/ffprobe"),
]


def run_node(script: str, *args: str, timeout: int = 900) -> list[dict[str, Any]]:
    """Run a script under remotion/worker/bin and return its JSON lines."""
    assert (REMOTION_DIR / "node_modules").is_dir(), "remotion/node_modules missing: run `make setup`"
    proc = subprocess.run(
        ["node", f"worker/bin/{script}", *args],
        cwd=REMOTION_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    errors = [line for line in lines if line.get("kind") == "error"]
    assert proc.returncode == 0 and not errors, f"{script} failed ({proc.returncode}): {errors}\n{proc.stderr[-3000:]}"
    return lines


def ffprobe() -> str:
    for candidate in FFPROBE_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    found = shutil.which("ffprobe")
    assert found, "no ffprobe found"
    return found


def probe(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [ffprobe(), "-v", "error", "-show_streams", "-show_format", "-count_frames", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(proc.stdout)


def timeline_of(sample: Path) -> dict[str, Any]:
    proc = subprocess.run(
        ["node", "worker/bin/payload-tool.mjs", "timeline", str(sample)],
        cwd=REMOTION_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def work_dir() -> Iterator[Path]:
    # Our own temporary directory rather than pytest's tmp_path: pytest prunes old basetemp
    # directories, which a concurrent pytest run on a shared machine can do under a long render.
    with tempfile.TemporaryDirectory(prefix="recap-video-test-") as name:
        yield Path(name)


@pytest.fixture
def tmp_path(work_dir: Path, request: pytest.FixtureRequest) -> Path:
    path = work_dir / request.node.name
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def bundle_dir(work_dir: Path) -> Path:
    out = work_dir / "bundle"
    run_node("render-samples.mjs", "--bundle-only", "--bundle", str(out), "--out", str(out))
    assert (out / "index.html").exists()
    return out


def render(bundle_dir: Path, out: Path, *args: str, timeout: int = 900) -> list[dict[str, Any]]:
    return run_node("render-samples.mjs", "--bundle", str(bundle_dir), "--out", str(out), *args, timeout=timeout)


def languages_of(samples: list[Path]) -> tuple[set[str], set[str]]:
    """(the languages the samples are in, every language the video supports)."""
    tags = [json.loads(p.read_text(encoding="utf-8"))["user"]["locale"] or "null" for p in samples]
    proc = subprocess.run(
        ["node", "worker/bin/payload-tool.mjs", "locales", *tags],
        cwd=REMOTION_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = json.loads(proc.stdout)
    return {r["lang"] for r in out["resolved"]}, set(out["languages"])


def test_every_sample_renders_a_poster_jpeg(bundle_dir: Path, tmp_path: Path) -> None:
    # The samples cover every language, so every language renders a poster here.
    covered, supported = languages_of(SAMPLES)
    assert covered == supported
    results = [r for r in render(bundle_dir, tmp_path, "--poster", *map(str, SAMPLES)) if r["kind"] == "poster"]
    assert sorted(r["sample"] for r in results) == sorted(p.stem for p in SAMPLES)
    sizes = {}
    for result in results:
        path = Path(result["path"])
        assert path.read_bytes()[:3] == b"\xff\xd8\xff", f"{path.name} is not a JPEG"
        with Image.open(path) as image:
            assert image.size == (1080, 1920), path.name
            # Not a blank card: a rendered poster has text, tiles and stars.
            colors = image.convert("RGB").resize((108, 192)).getcolors(maxcolors=1_000_000) or []
            assert len(colors) > 200, f"{path.name} looks blank"
        sizes[result["sample"]] = path.stat().st_size
    # Different payloads give different cards.
    assert len(set(sizes.values())) == len(sizes)


def test_invalid_payload_is_rejected_before_any_frame_with_the_field_named(bundle_dir: Path, tmp_path: Path) -> None:
    payload = json.loads((REMOTION_DIR / "samples" / "fr-three-of-each.json").read_text(encoding="utf-8"))
    payload["dreams"]["total"] = 0
    bad = tmp_path / "bad-total.json"
    bad.write_text(json.dumps(payload), encoding="utf-8")
    # A missing top-level key must not be filled in from the composition's defaultProps.
    del payload["persons"]
    payload["dreams"]["total"] = 5
    missing = tmp_path / "missing-persons.json"
    missing.write_text(json.dumps(payload), encoding="utf-8")
    results = {(r["sample"], r["composition"]): r for r in render(bundle_dir, tmp_path, "--invalid", str(bad), str(missing)) if r["kind"] == "invalid"}
    for composition in ("Recap", "Poster"):
        assert results[("bad-total", composition)]["rejected"]
        assert results[("bad-total", composition)]["error"] == "invalid payload: dreams.total: expected an integer >= 1"
        assert results[("missing-persons", composition)]["rejected"]
        assert results[("missing-persons", composition)]["error"] == "invalid payload: persons: missing (expected an array)"


def _differing_pixels(a: Path, b: Path, threshold: int = 24) -> int:
    with Image.open(a) as first, Image.open(b) as second:
        diff = ImageChops.difference(first.convert("RGB"), second.convert("RGB")).convert("L")
        return diff.point(lambda v: 255 if v > threshold else 0).histogram()[255]


def test_scenes_hold_still_from_their_settle_frame_to_their_end(bundle_dir: Path, tmp_path: Path) -> None:
    """getTimeline()'s promise to the render worker: [settledAt, end] of each scene is one picture
    (up to anti-aliasing noise on a few pixels), so a held range can be rendered once."""
    sample = REMOTION_DIR / "samples" / "en-three-of-each.json"
    timeline = timeline_of(sample)
    records = render(bundle_dir, tmp_path, "--holds", "--format", "png", "--scale", "0.5", str(sample))
    frames = {r["frame"]: Path(r["path"]) for r in records if r["kind"] == "frame"}
    moving_check = []
    for scene in timeline["scenes"]:
        settled, last = scene["settledAt"], scene["from"] + scene["durationInFrames"] - 1
        changed = _differing_pixels(frames[settled], frames[last])
        assert changed <= 50, f"{scene['name']}: {changed} pixels change between frames {settled} and {last}"
        moving_check.append(frames[settled])
    # And the check can fail: consecutive scenes' settled frames are different pictures.
    assert _differing_pixels(moving_check[0], moving_check[1]) > 10_000


@pytest.mark.slow
def test_one_sample_renders_a_full_h264_video_matching_calculate_metadata(bundle_dir: Path, tmp_path: Path) -> None:
    sample = REMOTION_DIR / "samples" / "fr-three-of-each.json"
    (video,) = [r for r in render(bundle_dir, tmp_path, "--video", str(sample), timeout=1800) if r["kind"] == "video"]
    timeline = timeline_of(sample)
    assert video["durationInFrames"] == timeline["durationInFrames"]  # calculateMetadata == getTimeline
    info = probe(Path(video["path"]))
    (stream,) = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert stream["codec_name"] == "h264"
    assert (stream["width"], stream["height"]) == (1080, 1920)
    assert stream["r_frame_rate"] == "30/1"
    assert stream["pix_fmt"] == "yuv420p"
    assert int(stream["nb_read_frames"]) == video["durationInFrames"]
    assert float(info["format"]["duration"]) == pytest.approx(video["durationInFrames"] / 30, abs=0.05)
    assert os.path.getsize(video["path"]) > 100_000
