"""Scene segments and holds spliced in as H.264 skip frames (remotion/worker/segments/,
remotion/worker/encode/holds.mjs), on tiny real encodes.

The sparse encoder makes one independently decodable segment per scene: only captured frames go
through x264 and, after each scene's settled keyframe, skip frames taken from a hold clip are
appended; a video is its segments joined by stream copy. These tests encode small synthetic scenes
with the real ffmpeg and check, frame by frame, what a decoder shows (of the video and of each
segment alone); and that the splice refuses streams it cannot splice safely (the caller then
encodes the ordinary way).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REMOTION_DIR = Path(__file__).resolve().parent.parent / "remotion"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"
SIZE = (64, 96)
# per scene: captured (moving frames + the settled one), holdFrames (the settled frame's length)
SCENES = [(4, 6), (1, 3), (5, 40)]


def node(script: str, env: dict[str, str]) -> str:
    proc = subprocess.run(["node", "--input-type=module", "-e", script], cwd=REMOTION_DIR, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture()
def scenes(tmp_path: Path) -> list[dict[str, object]]:
    """Distinct JPEG frames (ffmpeg's testsrc counter), grouped into SCENES."""
    total = sum(c for c, _ in SCENES)
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc=size={SIZE[0]}x{SIZE[1]}:rate=30",
         "-frames:v", str(total), "-q:v", "3", str(tmp_path / "src-%03d.jpeg")],
        check=True,
    )
    files = sorted(str(p) for p in tmp_path.glob("src-*.jpeg"))
    out, n = [], 0
    for captured, hold in SCENES:
        out.append({"files": files[n : n + captured], "holdFrames": hold})
        n += captured
    return out


def encode(tmp_path: Path, scenes: list[dict[str, object]], name: str, splice: bool, ffmpeg: str = FFMPEG) -> Path:
    """encodeVideo (worker/encode/encode.mjs) of the scenes; asserts whether the holds were spliced
    and whether scene segments were made (then written as <name>-segment-<i>.h264)."""
    work = tmp_path / f"work-{name}"
    work.mkdir()
    video = tmp_path / f"{name}.mp4"
    frames = sum(len(s["files"]) - 1 + s["holdFrames"] for s in scenes)  # type: ignore[arg-type, operator]
    script = f"""
import {{encodeVideo}} from './worker/encode/encode.mjs';
import {{writeFileSync}} from 'node:fs';
const result = await encodeVideo({{segments: {json.dumps(scenes)}, work: {json.dumps(str(work))}, output: {json.dumps(str(video))},
  fps: 30, durationInFrames: {frames}, width: {SIZE[0]}, height: {SIZE[1]}, x264Preset: 'veryfast', crf: 20,
  splice: {json.dumps(splice)}}});
(result.segments ?? []).forEach((bytes, i) => writeFileSync({json.dumps(str(tmp_path / name))} + `-segment-${{i}}.h264`, bytes));
console.log(JSON.stringify({{holdsSpliced: result.holdsSpliced, segments: result.segments?.length ?? null}}));
"""
    env = {
        "PATH": f"{Path(FFMPEG).parent}:/usr/bin:/bin",
        "RECAP_FFMPEG": ffmpeg,
        "RECAP_HOLD_CLIP_DIR": str(tmp_path / "hold-clips"),
        "HOME": str(tmp_path),
    }
    out = node(script, env)
    segmented = ffmpeg == FFMPEG
    assert json.loads(out.strip().splitlines()[-1]) == {"holdsSpliced": splice and segmented, "segments": len(SCENES) if segmented else None}
    return video


def frame_md5s(video: Path) -> list[str]:
    cmd = [FFMPEG, "-hide_banner", "-loglevel", "error", "-err_detect", "explode", "-i", str(video), "-f", "framemd5", "-"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def packet_sizes(video: Path) -> list[int]:
    cmd = [FFPROBE, "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=size", "-of", "csv=p=0", str(video)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def test_each_hold_shows_its_settled_frame_exactly_and_takes_no_picture_data(tmp_path: Path, scenes: list[dict[str, object]]) -> None:
    video = encode(tmp_path, scenes, "spliced", splice=True)
    md5s = frame_md5s(video)
    expected_frames = sum(c - 1 + h for c, h in SCENES)
    assert len(md5s) == expected_frames
    sizes = packet_sizes(video)
    n = 0
    for captured, hold in SCENES:
        settled = n + captured - 1
        held = md5s[settled : settled + hold]
        assert len(set(held)) == 1, f"the hold after frame {settled} changes"
        assert all(size < 100 for size in sizes[settled + 1 : settled + hold]), "hold frames should be skip frames"
        n = settled + hold
    # moving frames differ from one another (the check above could not pass on a frozen video)
    assert len(set(md5s)) == sum(c for c, _ in SCENES)


def test_spliced_and_encoded_holds_show_the_same_pictures(tmp_path: Path, scenes: list[dict[str, object]]) -> None:
    spliced, encoded = encode(tmp_path, scenes, "spliced", splice=True), encode(tmp_path, scenes, "encoded", splice=False)
    proc = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(spliced), "-i", str(encoded), "-lavfi", "[0:v][1:v]ssim=stats_file=-", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )
    scores = [float(line.split("All:")[1].split()[0]) for line in proc.stdout.splitlines() if "All:" in line]
    assert len(scores) == sum(c - 1 + h for c, h in SCENES)
    assert min(scores) >= 0.97


@pytest.mark.parametrize("splice", [True, False], ids=["holds spliced", "holds encoded"])
def test_each_segment_alone_decodes_to_exactly_its_scene_of_the_video(tmp_path: Path, scenes: list[dict[str, object]], splice: bool) -> None:
    """A segment is independently decodable (it starts with an IDR and refers to nothing before it),
    so the frames of the video are the frames of its segments, decoded one by one: a cached segment
    shows the same pictures in any video it is joined into."""
    name = "spliced" if splice else "encoded"
    video = encode(tmp_path, scenes, name, splice=splice)
    parts = [frame_md5s(tmp_path / f"{name}-segment-{i}.h264") for i in range(len(SCENES))]
    assert [len(p) for p in parts] == [c - 1 + h for c, h in SCENES]
    assert [m for p in parts for m in p] == frame_md5s(video)
    # joined in another order (as another video would), each scene still shows the same frames
    reordered = tmp_path / f"{name}-reordered.h264"
    reordered.write_bytes(b"".join((tmp_path / f"{name}-segment-{i}.h264").read_bytes() for i in (2, 0, 1)))
    assert frame_md5s(reordered) == parts[2] + parts[0] + parts[1]


def test_a_stream_without_scene_keyframes_is_not_spliced(tmp_path: Path, scenes: list[dict[str, object]]) -> None:
    """Frames encoded without forced IDRs at scene starts and settled frames: splicing skip frames
    after them would show the wrong pictures, so spliceHolds refuses and says why."""
    (tmp_path / "seq").mkdir()
    files = [f for s in scenes for f in s["files"]]  # type: ignore[attr-defined]
    for i, f in enumerate(files):
        shutil.copy(f, tmp_path / "seq" / f"{i:06d}.jpeg")
    script = f"""
import {{runFfmpeg}} from './worker/encode/ffmpeg.mjs';
import {{spliceEncoderArgs, spliceHolds}} from './worker/encode/holds.mjs';
import {{readFileSync}} from 'node:fs';
const out = {json.dumps(str(tmp_path / 'plain.h264'))};
await runFfmpeg('{FFMPEG}', ['-hide_banner', '-loglevel', 'error', '-y', '-framerate', '30', '-i', {json.dumps(str(tmp_path / 'seq' / '%06d.jpeg'))},
  '-vf', 'format=yuv420p', ...spliceEncoderArgs({{fps: 30, x264Preset: 'veryfast', crf: 20}}), '-f', 'h264', out]);
let reason = null;
const stream = await spliceHolds({{encoded: readFileSync(out), scenes: {json.dumps([{"captured": c, "holdFrames": h} for c, h in SCENES])},
  bin: '{FFMPEG}', width: {SIZE[0]}, height: {SIZE[1]}, fps: 30, filter: 'format=yuv420p', x264Preset: 'veryfast', crf: 20,
  why: (r) => {{ reason = r; }}}});
console.log(JSON.stringify({{spliced: stream !== null, reason}}));
"""
    env = {"PATH": "/usr/bin:/bin", "RECAP_HOLD_CLIP_DIR": str(tmp_path / "hold-clips"), "HOME": str(tmp_path)}
    result = json.loads(node(script, env).strip().splitlines()[-1])
    assert result == {"spliced": False, "reason": "a scene keyframe is not an IDR with the hold clip parameter sets"}


def test_an_ffmpeg_that_cannot_splice_still_gives_every_frame(tmp_path: Path, scenes: list[dict[str, object]]) -> None:
    """An ffmpeg whose splice encode fails (here: one that rejects -forced-idr, as a build without
    that libx264 option would) falls back to encoding the holds; the video is still whole."""
    wrapper = tmp_path / "ffmpeg-no-forced-idr"
    wrapper.write_text(f'#!/bin/sh\nfor a in "$@"; do [ "$a" = -forced-idr ] && exit 1; done\nexec {FFMPEG} "$@"\n')
    wrapper.chmod(0o755)
    video = encode(tmp_path, scenes, "fallback", splice=True, ffmpeg=str(wrapper))
    md5s = frame_md5s(video)
    assert len(md5s) == sum(c - 1 + h for c, h in SCENES)
    spliced = encode(tmp_path, scenes, "spliced", splice=True)
    proc = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(video), "-i", str(spliced), "-lavfi", "[0:v][1:v]ssim=stats_file=-", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )
    scores = [float(line.split("All:")[1].split()[0]) for line in proc.stdout.splitlines() if "All:" in line]
    assert len(scores) == len(md5s) and min(scores) >= 0.97  # the same pictures, encoded the ordinary way
