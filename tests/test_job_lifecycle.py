"""What `done` means, end to end with real renders: smoke runs, render identity, withdrawn users, rescued failures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.runner_process import RUNNER, ffprobe, render_starts, rendered_users, run_go
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, make_payload, runner_env

pytestmark = pytest.mark.slow


@pytest.fixture
def duck(tmp_path: Path) -> ScratchWarehouse:
    return duckdb_warehouse(tmp_path)


def _export(wh: ScratchWarehouse, out: Path) -> list[dict[str, Any]]:
    proc = subprocess.run([RUNNER, "export", "--output", str(out), "--format", "jsonl"], env=runner_env(wh), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _recorded(wh: ScratchWarehouse) -> dict[int, tuple[str, int, float, str | None]]:
    rows = wh.execute(f'select user_id, status, bytes, duration_s, output_uri from "{wh.schema}".render_jobs order by user_id')
    return {int(u): (s, b, d, o) for u, s, b, d, o in rows}


def test_a_smoke_run_then_a_full_run_leaves_only_full_videos(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in (1, 2)])
    out = tmp_path / "out"
    smoke = run_go(duck, out)
    assert smoke.returncode == 0, smoke.stderr[-3000:]
    assert sorted(rendered_users(smoke.stderr)) == [1, 2]
    assert {s for s, *_ in _recorded(duck).values()} == {"smoke"}
    assert all(int(ffprobe(v)["nb_read_frames"]) == 5 for v in out.rglob("*.mp4"))
    assert _export(duck, out) == []  # smoke results are never delivered
    assert rendered_users(run_go(duck, out).stderr) == []  # the same smoke run again renders nothing

    full = run_go(duck, out, full=True)
    assert full.returncode == 0, full.stderr[-3000:]
    assert sorted(rendered_users(full.stderr)) == [1, 2]  # the full run replaces the smoke results
    videos = sorted(out.rglob("*.mp4"))
    assert [v.parent.relative_to(out).as_posix() for v in videos] == ["2026", "2026"]  # the smoke files are gone
    assert len(list(out.rglob("*.jpg"))) == 2
    assert sorted(p.with_suffix(".mp4") for p in out.rglob("*.html")) == videos  # smoke pages too; one page beside each video
    recorded = _recorded(duck)
    for video in videos:
        probe = ffprobe(video)
        assert (probe["width"], probe["height"]) == (270, 480)
        assert int(probe["nb_read_frames"]) == round(probe["duration"] * 30) > 300
        [(status, size, duration, _)] = [r for r in recorded.values() if r[3] == str(video)]
        assert status == "done" and size == video.stat().st_size and abs(duration - probe["duration"]) < 0.05
    assert sorted(r["user_id"] for r in _export(duck, out)) == [1, 2]
    assert rendered_users(run_go(duck, out, full=True).stderr) == []


def test_a_new_output_or_render_setting_renders_again(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in (1, 2)])
    first, second = tmp_path / "first", tmp_path / "second"
    assert sorted(rendered_users(run_go(duck, first).stderr)) == [1, 2]
    moved = run_go(duck, second)
    assert moved.returncode == 0, moved.stderr[-3000:]
    assert sorted(rendered_users(moved.stderr)) == [1, 2]  # the files are not in the new place yet
    assert len(list(second.rglob("*.mp4"))) == 2
    assert all(Path(o).is_relative_to(second) for *_, o in _recorded(duck).values())
    assert [p for p in first.rglob("*") if p.is_file()] == []  # no copy (video, poster, page) outlives its job row
    assert rendered_users(run_go(duck, second).stderr) == []
    assert sorted(rendered_users(run_go(duck, second, "--crf", "30").stderr)) == [1, 2]
    assert sorted(rendered_users(run_go(duck, second, "--crf", "30", "--render-mode", "full").stderr)) == [1, 2]
    assert rendered_users(run_go(duck, second, "--crf", "30", "--render-mode", "full").stderr) == []
    other_secret = run_go(duck, second, "--crf", "30", "--render-mode", "full", env={"RECAP_KEY_SECRET": "another-secret-" + "x" * 40})
    assert sorted(rendered_users(other_secret.stderr)) == [1, 2]  # new keys: the files must be stored under them


def test_deleting_an_account_erases_its_files_and_manifest_row(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in (1, 2, 3)])
    out = tmp_path / "out"
    first = run_go(duck, out, "--limit", "2", "--concurrency", "1", full=True)
    assert first.returncode == 0, first.stderr[-3000:]
    leaver, stays = sorted(rendered_users(first.stderr))
    [waiting] = sorted({1, 2, 3} - {leaver, stays})
    leaver_files = [Path(u) for u in duck.execute(f'select output_uri, poster_uri, page_uri from "{duck.schema}".render_jobs where user_id = %s', [leaver])[0]]
    assert len(leaver_files) == 3 and all(p.exists() for p in leaver_files)  # video, poster, share page

    stay = [stays]
    duck.write_payloads([make_payload(stays)])  # two accounts deleted: one rendered, one still pending
    after = run_go(duck, out, full=True)
    assert after.returncode == 0, after.stderr[-3000:]
    assert rendered_users(after.stderr) == []
    assert "deleted 3 stored files of 1 jobs" in after.stderr
    assert f"user {leaver}" not in after.stderr and f"Dreamer {leaver}" not in after.stderr  # counts only, never who
    assert "0 left" in after.stderr  # nothing it will not render is reported as left
    assert not any(p.exists() for p in leaver_files)
    assert len(list(out.rglob("*.mp4"))) == len(list(out.rglob("*.html"))) == len(stay)
    jobs = _recorded(duck)
    assert jobs[leaver][0] == jobs[waiting][0] == "withdrawn" and jobs[leaver][3] is None
    assert [r["user_id"] for r in _export(duck, out)] == stay


def test_a_fixed_payload_rescues_a_failed_job(duck: ScratchWarehouse, tmp_path: Path) -> None:
    bad = make_payload(7)
    bad["dreams"]["total"] = "many"
    duck.write_payloads([make_payload(1), bad])
    out = tmp_path / "out"
    first = run_go(duck, out)
    assert first.returncode != 0 and duck.jobs()[7]["status"] == "failed"
    assert rendered_users(run_go(duck, out).stderr) == []  # unchanged: stays failed, not retried
    duck.write_payloads([make_payload(1), make_payload(7)])
    fixed = run_go(duck, out)
    assert fixed.returncode == 0, fixed.stderr[-3000:]
    assert rendered_users(fixed.stderr) == [7]
    assert render_starts(fixed.stderr) == [7]
    assert duck.jobs()[7]["status"] == "smoke" and duck.jobs()[7]["last_error"] is None
