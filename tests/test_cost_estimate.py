"""The cost estimate (`render-runner plan`): eligible users, frames and the projection from the last run's timings."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from render_runner.commands.cost_estimate import estimate_cost
from render_runner.db import Database
from render_runner.errors import RecapError
from render_runner.profiles import load_config
from render_runner.queue.queue import JobQueue
from render_runner.render.bundle import VideoBundle
from tests.warehouse_fixtures import duckdb_warehouse, make_payload

BUNDLE = VideoBundle(bundle_dir=Path("/nonexistent"), version="template-v1")


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    wh = duckdb_warehouse(tmp_path)
    for key, value in wh.env.items():
        monkeypatch.setenv(key, value)
    no_places = make_payload(3)
    no_places["places"] = []  # the places scene is skipped: 120 frames fewer
    wh.write_payloads([make_payload(1), make_payload(2), no_places])
    return wh


def _queue(con: duckdb.DuckDBPyConnection) -> JobQueue:
    queue = JobQueue(Database.for_connection(con, load_config()))
    queue.ensure_table()
    return queue


def _mark_done(wh, user_id: int, render_ms: int, template_version: str = "template-v1", status: str = "done") -> None:
    wh.execute(
        """
        insert into main.render_jobs (user_id, recap_year, status, payload_hash, template_version, render_ms, finished_at)
        select user_id, recap_year, %s, payload_hash, %s, %s, now() from main.recap_payloads where user_id = %s
        """,
        [status, template_version, render_ms, user_id],
    )


def test_plan_counts_users_not_done_and_projects_from_recorded_render_times(warehouse) -> None:
    con = duckdb.connect(str(warehouse.duckdb_path))
    try:
        _queue(con)
        con.close()
        _mark_done(warehouse, 1, render_ms=40_000)
        con = duckdb.connect(str(warehouse.duckdb_path))
        plan = estimate_cost(_queue(con).stats, BUNDLE, machines=2, cores=4, price_per_vcpu_hour=0.05)
    finally:
        con.close()
    assert plan.eligible == 2
    assert plan.frames.videos == 2
    assert plan.frames.frames == 990 + 870
    assert 0 < plan.frames.captured_frames < plan.frames.frames
    assert plan.throughput.cpu_s_per_video == pytest.approx(40.0)
    assert plan.cpu_hours == pytest.approx(2 * 40 / 3600)
    assert plan.wall_hours == pytest.approx(2 * 40 / 8 / 3600)
    assert plan.cost_per_1000 == pytest.approx(1000 * 40 / 3600 * 0.05)
    json.dumps(plan.as_json())


def test_a_changed_template_makes_done_users_eligible_again(warehouse) -> None:
    con = duckdb.connect(str(warehouse.duckdb_path))
    _queue(con)
    con.close()
    _mark_done(warehouse, 1, render_ms=40_000, template_version="template-v0")
    con = duckdb.connect(str(warehouse.duckdb_path))
    try:
        plan = estimate_cost(_queue(con).stats, BUNDLE, machines=1, cores=2)
    finally:
        con.close()
    assert plan.eligible == 3


def test_plan_without_timings_asks_for_a_calibration(warehouse) -> None:
    con = duckdb.connect(str(warehouse.duckdb_path))
    try:
        with pytest.raises(RecapError, match="--calibrate"):
            estimate_cost(_queue(con).stats, BUNDLE, machines=1, cores=2)
    finally:
        con.close()


def test_smoke_run_timings_neither_calibrate_the_plan_nor_count_as_rendered(warehouse) -> None:
    con = duckdb.connect(str(warehouse.duckdb_path))
    _queue(con)
    con.close()
    _mark_done(warehouse, 1, render_ms=300, status="smoke")  # 5 frames at 1/4 scale: far cheaper than a video
    con = duckdb.connect(str(warehouse.duckdb_path))
    try:
        stats = _queue(con).stats
        assert len(stats.payloads_to_render("template-v1")) == 3
        with pytest.raises(RecapError, match="--calibrate"):
            estimate_cost(stats, BUNDLE, machines=1, cores=2)
    finally:
        con.close()
