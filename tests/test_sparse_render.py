"""The sparse render path (remotion/worker/sparse.mjs) gives the same video as a full render.

Real Chromium, real ffmpeg/ffprobe, at half scale to stay cheap. Sparse mode captures only the
frames where a scene moves, reuses scenes cached on disk, and encodes once; these tests pin that the
result still has every frame (exact count, h264, the size asked for) and that every frame matches
Remotion's renderMedia of the same payload (per-frame SSIM).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from render_runner.config import RenderSettings
from render_runner.render.bundle import ensure_bundle
from render_runner.render.pool import RenderPool

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT_DIR / "remotion" / "samples" / "en-three-of-each.json"
HALF = dict(scale=0.5, jpeg_quality=80, x264_preset="veryfast", crf=20)
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"


def probe(video: Path) -> dict[str, Any]:
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate", "-of", "json", str(video)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["streams"][0]


def per_frame_ssim(a: Path, b: Path) -> list[float]:
    """SSIM (all planes) of every frame of a against the same frame of b."""
    proc = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(a), "-i", str(b), "-lavfi", "[0:v][1:v]ssim=stats_file=-", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )
    return [float(m.group(1)) for m in re.finditer(r"All:([0-9.]+)", proc.stdout)]


@pytest.fixture(scope="module")
def payload() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


@pytest.fixture(scope="module")
def frame_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("frame-cache")


@pytest.fixture(scope="module")
def pool(frame_cache: Path) -> Iterator[RenderPool]:
    mp = pytest.MonkeyPatch()
    mp.setenv("RECAP_FRAME_CACHE_DIR", str(frame_cache))  # the workers inherit it
    try:
        with RenderPool(ensure_bundle(), 1) as p:
            yield p
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def full_video(pool: RenderPool, payload: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    video = tmp_path_factory.mktemp("full") / "full.mp4"
    pool.render("full", payload, video, None, RenderSettings(mode="full", **HALF))
    return video


@pytest.fixture(scope="module")
def sparse_video(pool: RenderPool, payload: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    video = tmp_path_factory.mktemp("sparse") / "sparse.mp4"
    result = pool.render("sparse", payload, video, None, RenderSettings(mode="sparse", **HALF))
    assert result.duration_in_frames > 0
    # only the moving frames were captured and encoded; the holds were spliced in (encode/holds.mjs),
    # so the per-frame comparisons below check the spliced holds
    assert result.sparse is not None and result.sparse["holdsSpliced"] is True
    assert result.sparse["capturedFrames"] == 221  # sum over scenes of settle + 1 (src/scenes/*/scene.ts)
    return video


def test_sparse_video_has_every_frame_as_h264_at_the_requested_size(sparse_video: Path, full_video: Path) -> None:
    sparse, full = probe(sparse_video), probe(full_video)
    assert sparse["codec_name"] == "h264"
    assert (int(sparse["width"]), int(sparse["height"])) == (540, 960)
    assert sparse["pix_fmt"] == "yuv420p"
    assert sparse["r_frame_rate"] == "30/1"
    assert int(sparse["nb_read_frames"]) == int(full["nb_read_frames"]) == 990  # getTimeline(sample).durationInFrames


def test_every_sparse_frame_matches_the_full_render(sparse_video: Path, full_video: Path) -> None:
    scores = per_frame_ssim(sparse_video, full_video)
    assert len(scores) == 990
    worst = min(range(len(scores)), key=scores.__getitem__)
    assert scores[worst] >= 0.97, f"frame {worst} differs: SSIM {scores[worst]:.4f}"


def test_a_video_made_from_cached_scenes_matches_the_captured_one(
    pool: RenderPool, payload: dict[str, Any], sparse_video: Path, tmp_path: Path, frame_cache: Path
) -> None:
    # Scenes are cached the second time their key is seen (admission), served from the third on.
    for name in ("second", "third"):
        pool.render(name, payload, tmp_path / f"{name}.mp4", None, RenderSettings(mode="sparse", **HALF))
    assert any(p.name == "meta.json" for p in frame_cache.rglob("meta.json"))
    # The second render captured the frames it stored; the third is assembled from them, so the two
    # must agree (against another capture, Chromium's anti-aliasing alone moves SSIM by ~0.001).
    scores = per_frame_ssim(tmp_path / "third.mp4", tmp_path / "second.mp4")
    assert len(scores) == 990 and min(scores) >= 0.999
    assert min(per_frame_ssim(tmp_path / "third.mp4", sparse_video)) >= 0.97


def test_frame_range_falls_back_to_a_full_render(pool: RenderPool, payload: dict[str, Any], tmp_path: Path) -> None:
    video = tmp_path / "range.mp4"
    pool.render("range", payload, video, None, RenderSettings(mode="sparse", frame_range=(0, 9), **HALF))
    assert int(probe(video)["nb_read_frames"]) == 10
