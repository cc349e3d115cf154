"""The whole chain on the embedded default: demo seeds -> dbt build -> render-runner go -> MP4 checked by ffprobe."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest

from tests.runner_process import RUNNER, ffprobe, rendered_users, status_json
from tests.warehouse_fixtures import duckdb_warehouse, runner_env

pytestmark = pytest.mark.slow


def test_demo_data_becomes_a_real_video_in_the_output_folder(tmp_path: Path) -> None:
    wh = duckdb_warehouse(tmp_path)
    env = runner_env(wh)
    wh.dbt("build")  # fails the test with dbt's output if the build fails

    out = tmp_path / "out"
    go = subprocess.run(
        [RUNNER, "go", "--output", str(out), "--limit", "1", "--scale", "0.25", "--verbose"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert go.returncode == 0, go.stderr[-3000:]
    # the run says how current its payloads are: just built, from the demo data (dreams up to 2027-01-01)
    assert "from data until 2027-01-01 03:00 UTC" in go.stderr and "warning:" not in go.stderr
    [user] = rendered_users(go.stderr)
    [video] = sorted(out.glob("2026/*.mp4"))
    assert video.with_suffix(".jpg").exists()
    probe = ffprobe(video)
    assert probe["codec_name"] == "h264"
    assert (probe["width"], probe["height"]) == (270, 480)
    assert probe["r_frame_rate"] == "30/1"
    assert int(probe["nb_read_frames"]) == round(probe["duration"] * 30) > 300  # the whole video, not a smoke run's frames

    counts = status_json(wh)["counts"]
    assert counts["done"] == 1 and counts["pending"] >= 4  # the other demo users are still to render

    manifest = subprocess.run([RUNNER, "export", "--output", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert manifest.returncode == 0, manifest.stderr
    [row] = list(csv.DictReader(io.StringIO(manifest.stdout)))
    assert int(row["user_id"]) == user and Path(row["video_url"]) == video.resolve()
    assert abs(float(row["duration_s"]) - probe["duration"]) < 0.05 and int(row["bytes"]) == video.stat().st_size  # from the stored file
