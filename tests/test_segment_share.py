"""A segment cache shared by a fleet (`go --segment-cache s3://...`, render/segment_share.py), on the
real S3-compatible server: a scene one machine made is fetched, not rendered, by another machine
with an empty cache of its own; the assembled videos are frame-identical; nothing half-written is
left; a shared cache that fails never fails a job; erasure takes a withdrawn user's segments away."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from render_runner.render.segment_share import MAX_REPORTED_ERRORS, SharedSegments, erase_segments, valid_keys
from render_runner.storage.base import StorageError
from tests.runner_process import RUNNER, go_command
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, make_payload, runner_env

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def _go(wh: ScratchWarehouse, s3: SeaweedS3, output: Path, cache: Path, shared: str) -> None:
    env = s3.subprocess_env(runner_env(wh, RECAP_SEGMENT_CACHE_DIR=str(cache)))
    proc = subprocess.run(go_command(output, "--segment-cache", shared, full=True), env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]


def _jobs(wh: ScratchWarehouse) -> dict[int, dict[str, Any]]:
    cols = ["user_id", "status", "scenes", "scenes_cached", "frames_captured", "segment_keys", "output_uri"]
    rows = wh.execute(f"select {', '.join(cols)} from main.render_jobs order by user_id")
    return {int(r[0]): dict(zip(cols, r, strict=True)) for r in rows}


def _shared_keys(s3: SeaweedS3, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket).get("Contents", []))


def _frame_md5s(video: str) -> list[str]:
    out = subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-i", video, "-map", "0:v", "-f", "framemd5", "-"],
                         check=True, capture_output=True, text=True).stdout
    return [line.rsplit(",", 1)[-1].strip() for line in out.splitlines() if line and not line.startswith("#")]


@pytest.mark.slow
@pytest.mark.s3
def test_a_scene_is_made_once_per_fleet_and_erased_with_its_user(tmp_path: Path, s3_server: SeaweedS3, s3_bucket: str) -> None:
    shared = f"s3://{s3_bucket}/segments"
    payloads = [make_payload(1), make_payload(2)]
    first, second = duckdb_warehouse(tmp_path / "a"), duckdb_warehouse(tmp_path / "b")  # two machines' runs
    for wh in (first, second):
        wh.write_payloads(payloads)  # type: ignore[arg-type]

    _go(first, s3_server, tmp_path / "out-a", tmp_path / "cache-a", shared)
    made = _jobs(first)
    assert all(j["status"] == "done" and j["frames_captured"] > 0 for j in made.values())
    keys = {k for j in made.values() for k in json.loads(j["segment_keys"])}
    # every distinct scene of the two videos is shared once, under its key; nothing left half-written
    assert _shared_keys(s3_server, s3_bucket) == sorted(f"segments/{k}.h264" for k in keys)

    _go(second, s3_server, tmp_path / "out-b", tmp_path / "cache-b", shared)  # an empty cache of its own
    fetched = _jobs(second)
    for job in fetched.values():
        assert job["scenes_cached"] == job["scenes"] and job["frames_captured"] == 0, job  # nothing captured or encoded
        # the video shows exactly the frames of the shared segments, decoded one by one. (Not
        # necessarily the bytes of the first machine's video: two of its renders made a common
        # scene at once, and the cache kept one of the two encodes, an equally good picture.)
        segments = [tmp_path / "cache-b" / f"{k}.h264" for k in json.loads(job["segment_keys"])]
        assert [m for s in segments for m in _frame_md5s(str(s))] == _frame_md5s(job["output_uri"])

    # `status` reports the cache's work: everything reused on the second machine
    env = runner_env(second)
    status = json.loads(subprocess.run([RUNNER, "status", "--json"], env=env, capture_output=True, text=True, timeout=120, check=True).stdout)
    assert status["segment_hit_rate"] == 1.0 and status["frames_captured_per_video"] == 0
    text = subprocess.run([RUNNER, "status"], env=env, capture_output=True, text=True, timeout=120, check=True).stdout
    assert "segment cache: 100% of scenes reused, 0 frames captured per video" in text

    # user 1 deletes their account: their video's segments leave the shared cache and this machine's
    first.write_payloads([payloads[1]])  # type: ignore[list-item]
    _go(first, s3_server, tmp_path / "out-a", tmp_path / "cache-a", shared)
    gone = set(json.loads(made[1]["segment_keys"]))
    left = _shared_keys(s3_server, s3_bucket)
    assert not gone & {k.removeprefix("segments/").removesuffix(".h264") for k in left}
    assert not gone & {p.stem for p in (tmp_path / "cache-a").glob("*.h264")}
    assert _jobs(first)[1]["segment_keys"] is None


class _Broken:
    """A storage whose every call fails, as an S3 outage would."""

    def get(self, key: str, local: Path) -> bool:
        raise StorageError("connection refused", transient=True)

    def exists(self, key: str) -> bool:
        raise StorageError("connection refused", transient=True)

    def delete(self, key: str) -> None:
        raise StorageError("connection refused", transient=True)


class _Folder:
    """A storage in a dict: what was put, moved and deleted."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def get(self, key: str, local: Path) -> bool:
        if key not in self.objects:
            return False
        local.write_bytes(self.objects[key])
        return True

    def exists(self, key: str) -> bool:
        return key in self.objects

    def put(self, local: Path, key: str, content_type: str) -> str:
        self.objects[key] = local.read_bytes()
        return key

    def move(self, source: str, key: str) -> str:
        self.objects[key] = self.objects.pop(source)
        return key

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


KEY_A, KEY_B = "a" * 40, "b" * 40


def test_an_unreachable_shared_cache_is_skipped_not_fatal(tmp_path: Path) -> None:
    heard: list[str] = []
    share = SharedSegments(_Broken(), on_error=heard.append)  # type: ignore[arg-type]
    (tmp_path / f"{KEY_A}.h264").write_bytes(b"segment")
    assert share.fetch_missing([KEY_B], tmp_path) == 0
    assert share.publish([KEY_A], tmp_path) == 0
    assert share.errors and "could not" in share.errors[0]
    assert heard == share.errors  # the runner logs them as warnings
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{KEY_A}.h264"]  # no temporary file left
    for _ in range(MAX_REPORTED_ERRORS * 2):  # an outage: said a bounded number of times
        share.fetch_missing([KEY_B], tmp_path)
    assert len(heard) == len(share.errors) == MAX_REPORTED_ERRORS
    assert share.summary() == f"shared segment cache: 0 segments fetched, 0 published, {MAX_REPORTED_ERRORS} errors"


class _MoveFails(_Folder):
    def move(self, source: str, key: str) -> str:
        raise StorageError("copy refused", transient=True)


def test_a_publish_whose_move_fails_leaves_no_temporary_object(tmp_path: Path) -> None:
    store = _MoveFails()
    share = SharedSegments(store)  # type: ignore[arg-type]
    (tmp_path / f"{KEY_A}.h264").write_bytes(b"segment a")
    assert share.publish([KEY_A], tmp_path) == 0
    assert store.objects == {} and share.errors


def test_publish_promotes_through_a_temporary_key_and_fetch_fills_only_what_is_missing(tmp_path: Path) -> None:
    store = _Folder()
    share = SharedSegments(store)  # type: ignore[arg-type]
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    (mine / f"{KEY_A}.h264").write_bytes(b"segment a")
    assert share.publish([KEY_A, KEY_B], mine) == 1  # B is not here to share
    assert share.publish([KEY_A], mine) == 0  # already shared
    assert list(store.objects) == [f"{KEY_A}.h264"]  # the temporary key was moved, not left
    assert share.fetch_missing([KEY_A, KEY_B], theirs) == 1
    assert (theirs / f"{KEY_A}.h264").read_bytes() == b"segment a"
    erase_segments([KEY_A], theirs, share)
    assert store.objects == {} and not (theirs / f"{KEY_A}.h264").exists()


def test_only_keys_are_taken_from_a_worker_reply() -> None:
    assert valid_keys([KEY_A, "../../etc/passwd", 7, "ABC", KEY_B[:16]]) == [KEY_A, KEY_B[:16]]
    assert valid_keys("not a list") == []
