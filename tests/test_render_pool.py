"""The render worker pool: long-lived workers, recycled after N renders, restarted after a crash or a hang."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from render_runner.config import RenderSettings
from render_runner.render.bundle import VideoBundle, ensure_bundle
from render_runner.render.pool import RenderError, RenderPool
from tests.warehouse_fixtures import make_payload

pytestmark = pytest.mark.slow
TINY = RenderSettings(scale=0.25, frame_range=(0, 4))


@pytest.fixture(scope="module")
def bundle() -> VideoBundle:
    return ensure_bundle()


@pytest.fixture
def pool(bundle: VideoBundle) -> Iterator[RenderPool]:
    with RenderPool(bundle, 1, timeout_s=60) as p:
        yield p


def test_one_worker_renders_many_jobs_with_one_process(pool: RenderPool, tmp_path: Path) -> None:
    pool.render("a", make_payload(1), tmp_path / "a.mp4", tmp_path / "a.jpg", TINY)
    pid = pool.worker_pids()
    pool.render("b", make_payload(2), tmp_path / "b.mp4", None, TINY)
    assert pool.worker_pids() == pid
    assert (tmp_path / "a.mp4").stat().st_size > 0 and (tmp_path / "a.jpg").stat().st_size > 0


def test_worker_is_recycled_after_its_quota_of_renders(bundle: VideoBundle, tmp_path: Path) -> None:
    with RenderPool(bundle, 1, recycle_after=2) as pool:
        _render_three(pool, tmp_path)


def _render_three(pool: RenderPool, tmp_path: Path) -> None:
    pool.render("a", make_payload(1), tmp_path / "a.mp4", None, TINY)
    first = pool.worker_pids()
    pool.render("b", make_payload(2), tmp_path / "b.mp4", None, TINY)  # second render: quota reached
    assert pool.recycled == 1
    pool.render("c", make_payload(3), tmp_path / "c.mp4", None, TINY)
    assert pool.worker_pids() != first


def test_crashed_worker_fails_its_job_and_the_next_job_gets_a_fresh_one(pool: RenderPool, tmp_path: Path) -> None:
    pool.render("warm", make_payload(1), tmp_path / "w.mp4", None, TINY)
    [pid] = pool.worker_pids()
    killer = threading.Timer(1.5, lambda: os.killpg(pid, signal.SIGKILL))
    killer.start()
    with pytest.raises(RenderError) as caught:
        pool.render("doomed", make_payload(2), tmp_path / "d.mp4", None, RenderSettings(scale=0.5))
    killer.join()
    assert caught.value.kind == "crash"
    pool.render("after", make_payload(3), tmp_path / "after.mp4", None, TINY)
    assert (tmp_path / "after.mp4").exists()


def test_hung_render_times_out_and_the_worker_is_replaced(bundle: VideoBundle, tmp_path: Path) -> None:
    with RenderPool(bundle, 1, timeout_s=300) as pool:
        pool.render("warm", make_payload(1), tmp_path / "w.mp4", None, TINY)
        [pid] = pool.worker_pids()
        os.killpg(pid, signal.SIGSTOP)  # a worker that stops answering
        started = time.monotonic()
        with pytest.raises(RenderError) as caught:
            pool.render("stuck", make_payload(2), tmp_path / "s.mp4", None, TINY, timeout_s=3)
        assert caught.value.kind == "timeout"
        assert time.monotonic() - started < 60  # it did give up (not a speed check: the limit is 3 s)
        pool.render("after", make_payload(3), tmp_path / "after.mp4", None, TINY)
        assert pool.worker_pids() != [pid]


def test_invalid_payload_is_rejected_before_rendering_naming_the_field(pool: RenderPool, tmp_path: Path) -> None:
    bad = make_payload(1)
    bad["dreams"]["busiest_month"] = 13
    with pytest.raises(RenderError) as caught:
        pool.render("bad", bad, tmp_path / "bad.mp4", None, TINY)
    assert caught.value.kind == "invalid_payload" and caught.value.permanent
    assert "busiest_month" in str(caught.value)
    assert not (tmp_path / "bad.mp4").exists()


def test_each_worker_gets_its_own_work_dir_which_is_removed_when_it_exits(bundle: VideoBundle, tmp_path: Path) -> None:
    with RenderPool(bundle, 2, recycle_after=1, work_dir=tmp_path / "run") as pool:
        pool.render("a", make_payload(1), tmp_path / "a.mp4", None, TINY)  # quota 1: recycled right after
        assert pool.recycled == 1 and list((tmp_path / "run").iterdir()) == []
        with pool._checkout() as worker:
            worker.start()
            environ = Path(f"/proc/{worker.pid}/environ").read_bytes().split(b"\0")
            assert f"RECAP_WORK_DIR={worker.work_dir}".encode() in environ
            assert worker.work_dir.is_dir() and worker.work_dir.parent == tmp_path / "run"
    assert list((tmp_path / "run").iterdir()) == []
