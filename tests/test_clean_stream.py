"""The stored MP4 is one every player accepts, and it has sound (issue 15: soundtrack, clean stream).

Real renders at a third of 1080x1920 through the render pool (sparse with spliced holds, and full
with a frame range), then checks that do not trust ffmpeg alone: a small MP4 box parser reads avcC,
the sample tables and every NAL of every sample; GStreamer's decoder (Cisco's openh264dec, else
libav's avdec_h264) must give the same frames as ffmpeg; loudness comes from ffmpeg's ebur128.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from render_runner.config import RenderSettings
from render_runner.render.bundle import ensure_bundle
from render_runner.render.pool import RenderPool, RenderResult
from render_runner.render.soundtrack import resolve_soundtrack

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT_DIR / "remotion" / "samples" / "en-empty-lists.json"  # the shortest video: 630 frames
THIRD = dict(scale=1 / 3, jpeg_quality=80, x264_preset="veryfast", crf=20)  # 360x640: no row padding in I420
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
FFPROBE = shutil.which("ffprobe") or "/usr/bin/ffprobe"
GST_LAUNCH = shutil.which("gst-launch-1.0")


# -- a tiny MP4 reader: boxes, the sample tables, the samples' NAL units -------------------------------
CONTAINERS = {"moov", "trak", "mdia", "minf", "stbl", "edts", "dinf"}


def boxes(data: bytes, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(type, payload start, box end) of the boxes in data[start:end]."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[at + 8 : at + 16])[0], 16
        elif size == 0:
            size = end - at
        yield kind.decode("latin1"), at + header, at + size
        at += size


@dataclass
class Track:
    handler: str = ""
    boxes: dict[str, tuple[int, int]] = field(default_factory=dict)  # payload bounds of the stbl/edts boxes


@dataclass
class Mp4:
    data: bytes
    top: list[str]  # top-level box types, in order
    tracks: list[Track]

    def table(self, track: Track, name: str) -> bytes:
        start, end = track.boxes[name]
        return self.data[start:end]

    def video(self) -> Track:
        return next(t for t in self.tracks if t.handler == "vide")


def read_mp4(path: Path) -> Mp4:
    data = path.read_bytes()
    tracks: list[Track] = []

    def walk(start: int, end: int, track: Track | None) -> None:
        for kind, s, e in boxes(data, start, end):
            if kind == "trak":
                track = Track()
                tracks.append(track)
            if track is not None:
                track.boxes.setdefault(kind, (s, e))
                if kind == "hdlr":
                    track.handler = data[s + 8 : s + 12].decode("latin1")
            if kind in CONTAINERS:
                walk(s, e, track)

    walk(0, len(data), None)
    return Mp4(data, [kind for kind, _, _ in boxes(data, 0, len(data))], tracks)


def avcc(mp4: Mp4) -> tuple[int, list[bytes]]:
    """(NAL length size, [SPS..., PPS...]) of the video track's avcC."""
    stsd = mp4.table(mp4.video(), "stsd")
    entry = 8  # version/flags, entry count
    size, kind = struct.unpack(">I4s", stsd[entry : entry + 8])
    assert kind == b"avc1", kind
    for name, s, e in boxes(stsd, entry + 8 + 78, entry + size):  # after the visual sample entry's fields
        if name == "avcC":
            c = stsd[s:e]
            sets, at = [], 6
            for _ in range(c[5] & 0x1F):
                n = struct.unpack(">H", c[at : at + 2])[0]
                sets.append(c[at + 2 : at + 2 + n])
                at += 2 + n
            count, at = c[at], at + 1
            for _ in range(count):
                n = struct.unpack(">H", c[at : at + 2])[0]
                sets.append(c[at + 2 : at + 2 + n])
                at += 2 + n
            return (c[4] & 3) + 1, sets
    raise AssertionError("no avcC")


def u32s(table: bytes, offset: int, count: int) -> list[int]:
    return list(struct.unpack(f">{count}I", table[offset : offset + 4 * count]))


def samples(mp4: Mp4, track: Track) -> list[bytes]:
    """Every sample of the track, in order (stsz, stsc, stco)."""
    stsz = mp4.table(track, "stsz")
    fixed, count = struct.unpack(">II", stsz[4:12])
    sizes = [fixed] * count if fixed else u32s(stsz, 12, count)
    stco = mp4.table(track, "stco")
    offsets = u32s(stco, 8, struct.unpack(">I", stco[4:8])[0])
    stsc = mp4.table(track, "stsc")
    runs = [u32s(stsc, 8 + 12 * i, 3) for i in range(struct.unpack(">I", stsc[4:8])[0])]
    out, n = [], 0
    for chunk, offset in enumerate(offsets, start=1):
        per_chunk = next(r[1] for r in reversed(runs) if r[0] <= chunk)
        for _ in range(per_chunk):
            out.append(mp4.data[offset : offset + sizes[n]])
            offset += sizes[n]
            n += 1
    assert n == count
    return out


def nal_units(sample: bytes, length_size: int) -> list[bytes]:
    nals, at = [], 0
    while at < len(sample):
        n = int.from_bytes(sample[at : at + length_size], "big")
        nals.append(sample[at + length_size : at + length_size + n])
        at += length_size + n
    assert at == len(sample)
    return nals


# -- decoders and probes ---------------------------------------------------------------------------
def ffmpeg_frame_md5s(video: Path, width: int, height: int) -> list[str]:
    raw = subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-i", str(video), "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
        check=True, capture_output=True,
    ).stdout
    return split_md5s(raw, width * height * 3 // 2)


def gstreamer_decoder() -> str | None:
    if GST_LAUNCH is None:
        return None
    for element in ("openh264dec", "avdec_h264"):
        if subprocess.run(["gst-inspect-1.0", element], capture_output=True, check=False).returncode == 0:
            return element
    return None


def gstreamer_frame_md5s(video: Path, decoder: str, width: int, height: int, tmp: Path) -> list[str]:
    out = tmp / f"{video.stem}-{decoder}.yuv"
    pipeline = f"filesrc location={video} ! qtdemux name=d d.video_0 ! h264parse ! {decoder} ! video/x-raw,format=I420 ! filesink location={out}"
    subprocess.run([GST_LAUNCH, "-q", *pipeline.split()], check=True, capture_output=True, timeout=300)
    return split_md5s(out.read_bytes(), width * height * 3 // 2)  # 360 and 180 are multiples of 4: no row padding


def split_md5s(raw: bytes, frame_size: int) -> list[str]:
    assert len(raw) % frame_size == 0, "a partial frame"
    return [hashlib.md5(raw[i : i + frame_size]).hexdigest() for i in range(0, len(raw), frame_size)]


def probe(video: Path, stream: str, entries: str) -> list[dict[str, Any]]:
    out = subprocess.run(
        [FFPROBE, "-v", "error", "-select_streams", stream, "-show_entries", entries, "-of", "json", str(video)],
        check=True, capture_output=True, text=True,
    ).stdout
    data = json.loads(out)
    return data.get("packets") or data.get("streams") or []


def loudness(video: Path) -> tuple[float, float]:
    """(integrated LUFS, sample peak dBFS) of the audio track."""
    err = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(video), "-map", "0:a:0",
         "-af", "ebur128=framelog=verbose,astats=measure_perchannel=none:measure_overall=Peak_level", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    ).stderr
    summary = err[err.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = re.search(r"Peak level dB: (-?[\d.]+|-inf)", err).group(1)  # type: ignore[union-attr]
    return integrated, float(peak)


def packet_md5s(video: Path) -> list[str]:
    out = subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-i", str(video), "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if line and not line.startswith("#")]


# -- the renders -----------------------------------------------------------------------------------
@dataclass
class Render:
    video: Path
    result: RenderResult
    frames: int


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Render]]:
    """sparse + default bed, sparse + none, full (frames 0-89) + a user's file shorter than the video."""
    tmp = tmp_path_factory.mktemp("clean-stream")
    song = tmp / "user-song.mp3"  # 7 s mono 44.1 kHz at about -30 LUFS: looped, resampled, upmixed, raised
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=330:d=7,volume=0.04", "-ar", "44100", "-ac", "1", str(song)],
        check=True,
    )
    payload = json.loads(SAMPLE.read_text())
    mp = pytest.MonkeyPatch()
    mp.setenv("RECAP_SEGMENT_CACHE_DIR", str(tmp / "segment-cache"))  # the workers inherit these
    mp.setenv("RECAP_AUDIO_CACHE_DIR", str(tmp / "audio-cache"))
    mp.setenv("RECAP_HOLD_CLIP_DIR", str(tmp / "hold-clips"))
    jobs = {
        "sparse-default": RenderSettings(mode="sparse", soundtrack="default", **THIRD),  # type: ignore[arg-type]
        "sparse-none": RenderSettings(mode="sparse", soundtrack="none", **THIRD),  # type: ignore[arg-type]
        "full-file": RenderSettings(mode="full", soundtrack=resolve_soundtrack(str(song)), frame_range=(0, 89), **THIRD),  # type: ignore[arg-type]
    }
    try:
        with RenderPool(ensure_bundle(), 1) as pool:
            out = {}
            for name, settings in jobs.items():
                video = tmp / f"{name}.mp4"
                result = pool.render(name, payload, video, None, settings)
                frames = 90 if settings.frame_range else result.duration_in_frames
                out[name] = Render(video, result, frames)
            yield out
    finally:
        mp.undo()


NAMES = ["sparse-default", "sparse-none", "full-file"]


def test_the_sparse_renders_take_the_spliced_path(renders: dict[str, Render]) -> None:
    """The avcC fault lived in the spliced path: make sure it is the one under test."""
    for name in ("sparse-default", "sparse-none"):
        assert renders[name].result.sparse and renders[name].result.sparse["holdsSpliced"] is True


@pytest.mark.parametrize("name", NAMES)
def test_no_parameter_set_or_nal_ends_in_a_zero_byte(renders: dict[str, Render], name: str) -> None:
    mp4 = read_mp4(renders[name].video)
    length_size, sets = avcc(mp4)
    assert [s[0] & 0x1F for s in sets] == [7, 8]
    for nal in sets:
        assert nal and nal[-1] != 0, f"avcC parameter set ends in 0x00: {nal.hex()}"
    for i, sample in enumerate(samples(mp4, mp4.video())):
        for nal in nal_units(sample, length_size):
            assert nal and nal[-1] != 0, f"sample {i}: NAL type {nal[0] & 0x1F} ends in 0x00"


@pytest.mark.parametrize("name", NAMES)
def test_no_edit_list_and_moov_before_mdat(renders: dict[str, Render], name: str) -> None:
    mp4 = read_mp4(renders[name].video)
    assert mp4.top.index("moov") < mp4.top.index("mdat")
    for track in mp4.tracks:
        assert "edts" not in track.boxes and "elst" not in track.boxes, f"{track.handler} track has an edit list"


@pytest.mark.parametrize("name", NAMES)
def test_the_sync_sample_table_lists_exactly_the_idr_frames(renders: dict[str, Render], name: str) -> None:
    mp4 = read_mp4(renders[name].video)
    length_size, _ = avcc(mp4)
    idr = [i + 1 for i, s in enumerate(samples(mp4, mp4.video())) if any(n[0] & 0x1F == 5 for n in nal_units(s, length_size))]
    stss = mp4.table(mp4.video(), "stss")
    assert u32s(stss, 8, struct.unpack(">I", stss[4:8])[0]) == idr
    assert idr[0] == 1
    if name.startswith("sparse"):
        assert len(idr) >= 2  # an IDR at every scene start and settled frame: a table with something to get wrong


@pytest.mark.parametrize("name", NAMES)
def test_video_timestamps_are_uniform(renders: dict[str, Render], name: str) -> None:
    r = renders[name]
    mp4 = read_mp4(r.video)
    stts = mp4.table(mp4.video(), "stts")
    assert struct.unpack(">I", stts[4:8])[0] == 1, "one sample duration for every frame"
    count, delta = struct.unpack(">II", stts[8:16])
    assert count == r.frames
    assert "ctts" not in mp4.video().boxes  # no reordering: decode order is display order
    packets = probe(r.video, "v:0", "packet=pts,dts,duration")
    assert [int(p["pts"]) for p in packets] == [i * delta for i in range(r.frames)]
    assert {int(p["duration"]) for p in packets} == {delta}


@pytest.mark.parametrize("name", NAMES)
def test_an_independent_decoder_gives_the_same_frames_as_ffmpeg(renders: dict[str, Render], name: str, tmp_path: Path) -> None:
    decoder = gstreamer_decoder()
    if decoder is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GStreamer with openh264dec or avdec_h264 is missing (scripts/ensure-browser.sh installs it)")
        pytest.skip("GStreamer's openh264dec / avdec_h264 not installed")
    r = renders[name]
    width, height = 360, 640
    reference = ffmpeg_frame_md5s(r.video, width, height)
    assert len(reference) == r.frames
    assert gstreamer_frame_md5s(r.video, decoder, width, height, tmp_path) == reference


@pytest.mark.parametrize("name", NAMES)
def test_the_audio_track_is_aac_48k_stereo_and_ends_with_the_picture(renders: dict[str, Render], name: str) -> None:
    r = renders[name]
    (audio,) = probe(r.video, "a", "stream=codec_name,sample_rate,channels,duration,bit_rate")
    (video,) = probe(r.video, "v", "stream=duration")
    assert (audio["codec_name"], int(audio["sample_rate"]), int(audio["channels"])) == ("aac", 48000, 2)
    video_s = r.frames / 30
    assert float(video["duration"]) == pytest.approx(video_s, abs=1e-3)
    assert video_s - 0.03 < float(audio["duration"]) <= video_s  # whole AAC frames, never past the picture
    if name != "sparse-none":
        assert 96_000 <= int(audio["bit_rate"]) <= 160_000


@pytest.mark.parametrize("name", ["sparse-default", "full-file"])
def test_the_soundtrack_is_normalised_to_minus_14_lufs(renders: dict[str, Render], name: str) -> None:
    integrated, peak = loudness(renders[name].video)
    assert integrated == pytest.approx(-14, abs=2)
    assert peak < 0  # not clipped


def test_soundtrack_none_is_digital_silence(renders: dict[str, Render]) -> None:
    _, peak = loudness(renders["sparse-none"].video)
    assert peak == float("-inf")


def test_muxing_a_soundtrack_copies_the_video_stream(renders: dict[str, Render], tmp_path: Path) -> None:
    """muxAudio (worker/encode/audio.mjs) joins by stream copy: the same video packets, another sound."""
    source = renders["sparse-default"]
    silence = tmp_path / "silence.mp4"
    script = f"""
import {{muxAudio, soundtrackAudio}} from './worker/encode/audio.mjs';
const audio = await soundtrackAudio({{soundtrack: 'none', durationInFrames: {source.frames}, fps: 30}});
await muxAudio({{video: {json.dumps(str(source.video))}, audio: audio.file, output: {json.dumps(str(silence))}}});
"""
    env = {**os.environ, "RECAP_AUDIO_CACHE_DIR": str(tmp_path / "audio-cache")}
    proc = subprocess.run(["node", "--input-type=module", "-e", script], cwd=PROJECT_DIR / "remotion", capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    with_bed = packet_md5s(source.video)
    assert len(with_bed) == source.frames
    assert packet_md5s(silence) == with_bed
    assert loudness(silence)[1] == float("-inf")
