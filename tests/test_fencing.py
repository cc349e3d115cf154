"""Fencing: a runner stores and records a job only while its claim still holds it (issue 13).

A runner's files go to `<key>.part-<claim>`, and reach their final key only after the claim is
confirmed in the job table. These tests take a job from a runner the way the network would (its
lease runs out, another runner claims the job) and check that nothing of the stale claim lands.
The renders are files made up here: storing is what is under test, on both warehouses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from render_runner.config import RunOptions
from render_runner.db import open_database
from render_runner.profiles import load_config
from render_runner.queue.queue import Job
from render_runner.runner import Runner
from render_runner.storage import open_storage
from render_runner.storage.local import LocalStorage
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import TEST_KEY_SECRET, ScratchWarehouse, duckdb_warehouse, make_payload, postgres_warehouse


@dataclass(frozen=True)
class _Bundle:
    """Just what Runner reads from a bundle before it renders (nothing is rendered here)."""

    version: str = "fencing-test"


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScratchWarehouse:
    wh = duckdb_warehouse(tmp_path) if request.param == "duckdb" else postgres_warehouse(tmp_path, request.getfixturevalue("pg_database"))
    for key, value in wh.env.items():
        monkeypatch.setenv(key, value)
    wh.write_payloads([make_payload(i) for i in range(1, 3)])
    return wh


@pytest.fixture
def runner(warehouse: ScratchWarehouse, tmp_path: Path) -> Iterator[Runner]:
    config = load_config(warehouse.profiles_dir, warehouse.target)
    with open_database(config) as db:
        runner = Runner(db, LocalStorage(tmp_path / "out"), _Bundle(), TEST_KEY_SECRET.encode(), RunOptions(lease_s=1))  # type: ignore[arg-type]
        runner.queue.ensure_table()
        runner.queue.sync(runner.identity, release_orphans=False)
        yield runner


@pytest.fixture
def s3_runner(tmp_path: Path, s3_server: SeaweedS3, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runner]:
    """A runner on DuckDB storing into a bucket of the real S3-compatible server."""
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    wh = duckdb_warehouse(tmp_path)
    for key, value in wh.env.items():
        monkeypatch.setenv(key, value)
    wh.write_payloads([make_payload(i) for i in range(1, 3)])
    with open_database(load_config(wh.profiles_dir, wh.target)) as db:
        storage = open_storage(f"s3://{s3_bucket}/recaps")
        runner = Runner(db, storage, _Bundle(), TEST_KEY_SECRET.encode(), RunOptions(lease_s=1))  # type: ignore[arg-type]
        runner.queue.ensure_table()
        runner.queue.sync(runner.identity, release_orphans=False)
        yield runner


def _files(tmp_path: Path, job: Job) -> dict[str, tuple[Path, str]]:
    video, poster = tmp_path / f"{job.job_id}.mp4", tmp_path / f"{job.job_id}.jpg"
    video.write_bytes(b"video of claim %d" % job.claim)
    poster.write_bytes(b"poster of claim %d" % job.claim)
    return {"video": (video, "video/mp4"), "poster": (poster, "image/jpeg")}


def _stored(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def test_a_claim_that_still_holds_the_job_stores_under_the_final_keys_only(runner: Runner, tmp_path: Path) -> None:
    [job] = runner.queue.claim(runner.runner_id, 1, 60)
    runner._track(job)
    (tmp_path / "a").mkdir()
    uris = runner._store(job, _files(tmp_path / "a", job))
    assert uris is not None and Path(uris["video"]).read_bytes() == b"video of claim 1"
    names = _stored(tmp_path / "out")
    assert len(names) == 2 and not [n for n in names if ".part-" in n]


def test_a_claim_taken_over_stores_nothing_and_cannot_replace_the_newer_object(runner: Runner, tmp_path: Path) -> None:
    [stale] = runner.queue.claim(runner.runner_id, 1, 1)
    runner._track(stale)
    time.sleep(1.5)  # its lease runs out (a partition, a long pause) ...
    [fresh] = [j for j in runner.queue.claim("another-runner", 10, 60) if j.user_id == stale.user_id]  # ... and it is taken over
    newer = tmp_path / "out" / "newer.mp4"
    newer.parent.mkdir(parents=True, exist_ok=True)
    newer.write_bytes(b"newer")
    (tmp_path / "late").mkdir()
    assert runner._store(stale, _files(tmp_path / "late", stale)) is None
    assert _stored(tmp_path / "out") == ["newer.mp4"]  # no final file, no temporary file of the stale claim
    assert fresh.claim == stale.claim + 1


def test_a_lease_not_renewed_for_a_whole_lease_is_abandoned_before_storing(runner: Runner) -> None:
    [job] = runner.queue.claim(runner.runner_id, 1, 1)
    runner._track(job)
    assert runner._lease_lost(job) is None
    time.sleep(1.2)  # no heartbeat ran: the runner cannot know whether the job is still its
    assert "lease lapsed" in (runner._lease_lost(job) or "")


def test_a_new_claim_deletes_the_temporary_files_an_earlier_claim_left(runner: Runner, tmp_path: Path) -> None:
    [first] = runner.queue.claim(runner.runner_id, 1, 1)
    finals = runner._final_keys(first)
    left = [runner.storage.path_for(f"{key}.part-{first.claim}") for key in finals.values()]
    for path in left:  # the first claim's runner died between its upload and the move
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    time.sleep(1.5)
    [second] = [j for j in runner.queue.claim(runner.runner_id, 10, 60) if j.user_id == first.user_id]
    runner._delete_abandoned_parts(second)
    assert not [p for p in left if p.exists()]


@pytest.mark.s3
def test_on_s3_the_file_is_staged_then_moved_and_a_stale_claim_leaves_nothing(s3_runner: Runner, s3_server: SeaweedS3, s3_bucket: str, tmp_path: Path) -> None:
    client = s3_server.client()

    def keys() -> list[str]:
        return sorted(o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket).get("Contents", []))

    [fresh] = s3_runner.queue.claim(s3_runner.runner_id, 1, 60)
    s3_runner._track(fresh)
    (tmp_path / "a").mkdir()
    uris = s3_runner._store(fresh, _files(tmp_path / "a", fresh))
    assert uris is not None and len(keys()) == 2 and not [k for k in keys() if ".part-" in k]
    video = next(k for k in keys() if k.endswith(".mp4"))
    head = client.head_object(Bucket=s3_bucket, Key=video)
    assert head["ContentType"] == "video/mp4"  # the move keeps what the upload set
    assert client.get_object(Bucket=s3_bucket, Key=video)["Body"].read() == b"video of claim 1"

    [stale] = s3_runner.queue.claim(s3_runner.runner_id, 1, 1)
    s3_runner._track(stale)
    time.sleep(1.5)
    assert [j for j in s3_runner.queue.claim("another-runner", 10, 60) if j.user_id == stale.user_id]
    (tmp_path / "b").mkdir()
    before = keys()
    assert s3_runner._store(stale, _files(tmp_path / "b", stale)) is None
    assert keys() == before  # nothing of the stale claim: no final object, no temporary one


def test_a_finished_store_removes_what_earlier_claims_left_even_if_the_first_sweep_failed(runner: Runner, tmp_path: Path) -> None:
    """The sweep before a render can fail in a storage outage; the one after a successful store cannot be skipped."""
    [first] = runner.queue.claim(runner.runner_id, 1, 1)
    finals = runner._final_keys(first)
    left = [runner.storage.path_for(f"{key}.part-{first.claim}") for key in finals.values()]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"partial")
    time.sleep(1.5)
    [second] = [j for j in runner.queue.claim(runner.runner_id, 10, 60) if j.user_id == first.user_id]
    runner._track(second)
    (tmp_path / "b").mkdir()
    assert runner._store(second, _files(tmp_path / "b", second)) is not None
    names = _stored(tmp_path / "out")
    assert len(names) == 2 and not [n for n in names if ".part-" in n], names


def test_a_store_that_fails_half_way_takes_its_temporary_files_back(runner: Runner, tmp_path: Path) -> None:
    from render_runner.storage.base import StorageError

    class PosterRefused:
        """Local storage that refuses the poster for good (a permanent error: no upload retry)."""

        def __init__(self, inner: LocalStorage) -> None:
            self.inner = inner

        def put(self, local_path: Path, key: str, content_type: str) -> str:
            if content_type == "image/jpeg":
                raise StorageError("refused", transient=False)
            return self.inner.put(local_path, key, content_type)

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    runner.storage = PosterRefused(runner.storage)  # type: ignore[assignment,arg-type]
    [job] = runner.queue.claim(runner.runner_id, 1, 60)
    runner._track(job)
    (tmp_path / "a").mkdir()
    with pytest.raises(StorageError):
        runner._store(job, _files(tmp_path / "a", job))
    assert _stored(tmp_path / "out") == []  # the video's temporary file was deleted again
