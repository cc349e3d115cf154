"""The sparse render path (remotion/worker/sparse.mjs) gives the same video as a full render.

Real Chromium, real ffmpeg/ffprobe, at half scale to stay cheap. Sparse mode captures only the
frames where a scene moves, encodes each scene once as a segment (kept in the segment cache for
other videos) and joins the segments; these tests pin that the result still has every frame (exact
count, h264, the size asked for), that every frame matches Remotion's renderMedia of the same
payload (per-frame SSIM), and that a video assembled from cached segments is frame-identical.
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
def segment_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("segment-cache")


@pytest.fixture(scope="module")
def pool(segment_cache: Path) -> Iterator[RenderPool]:
    mp = pytest.MonkeyPatch()
    mp.setenv("RECAP_SEGMENT_CACHE_DIR", str(segment_cache))  # the workers inherit it
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
    # a cold cache: every scene made (and kept) as a segment
    assert result.sparse["segmentsCached"] == 0 and result.sparse["segmentsMade"] == result.sparse["scenes"] > 1
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


def frame_md5s(video: Path) -> list[str]:
    out = subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.rsplit(",", 1)[-1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def test_a_video_made_from_cached_segments_shows_the_same_frames(
    pool: RenderPool, payload: dict[str, Any], sparse_video: Path, tmp_path: Path, segment_cache: Path
) -> None:
    again = tmp_path / "again.mp4"
    result = pool.render("again", payload, again, None, RenderSettings(mode="sparse", **HALF))
    assert result.sparse is not None
    # every scene came from the cache: nothing captured, nothing encoded
    assert result.sparse["capturedFrames"] == 0
    assert result.sparse["segmentsCached"] == result.sparse["scenes"] and result.sparse["segmentsMade"] == 0
    assert len(list(segment_cache.glob("*.h264"))) == result.sparse["scenes"]
    # the same segments joined by stream copy: bit-identical pictures, not merely similar
    md5s = frame_md5s(again)
    assert len(md5s) == 990
    assert md5s == frame_md5s(sparse_video)


def test_frame_range_falls_back_to_a_full_render(pool: RenderPool, payload: dict[str, Any], tmp_path: Path) -> None:
    video = tmp_path / "range.mp4"
    pool.render("range", payload, video, None, RenderSettings(mode="sparse", frame_range=(0, 9), **HALF))
    assert int(probe(video)["nb_read_frames"]) == 10
