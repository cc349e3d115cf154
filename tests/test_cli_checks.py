"""The command line before and around a run: settings checked before the first claim, identifiers,
exit codes, output without a terminal, JSON logs, `status` during a DuckDB run, `preview` errors.

Runs the real `render-runner` (DuckDB, Postgres, SeaweedFS, real renders at a quarter scale)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from render_runner.db import WarehouseConfig, check_identifier
from render_runner.errors import RecapError
from render_runner.render.contract import InvalidPayload, parse_payload
from render_runner.storage import StorageError, check_output, open_storage, parse_s3_uri
from render_runner.storage.secret import MIN_SECRET_CHARS, SECRET_ENV_VAR, load_secret
from tests.runner_process import RUNNER, run_go, start_go
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import TEST_KEY_SECRET, ScratchWarehouse, duckdb_warehouse, make_payload, postgres_warehouse, runner_env

# ----------------------------------------------------------------------------------- the secret


def test_a_short_key_secret_is_refused_with_a_hint_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(RecapError, match=r"1 characters; it needs at least 32") as refused:
        load_secret(tmp_path, {SECRET_ENV_VAR: "a"})
    assert "secrets.token_urlsafe(32)" in str(refused.value)
    assert load_secret(tmp_path, {SECRET_ENV_VAR: "x" * MIN_SECRET_CHARS}) == b"x" * MIN_SECRET_CHARS


def test_a_short_secret_file_is_refused_and_a_generated_one_is_long_enough(tmp_path: Path) -> None:
    (tmp_path / ".recap_key").write_text("short\n")
    with pytest.raises(RecapError, match=r"\.recap_key has 5 characters"):
        load_secret(tmp_path, {})
    (tmp_path / ".recap_key").unlink()
    assert len(load_secret(tmp_path, {})) >= MIN_SECRET_CHARS
    assert len(TEST_KEY_SECRET) >= MIN_SECRET_CHARS


# ----------------------------------------------------------------------------------- the output


@pytest.mark.parametrize(
    "output",
    ["gs://b/x", "s3:/b/x", "http://example.com/x", "s3://b/../x", "s3://b//x", "s3:///x", "s3://b/a/./c", "s3://b/x/..", "S3:b", ""],
)
def test_an_output_that_is_neither_a_folder_nor_a_clean_s3_prefix_is_refused(output: str) -> None:
    with pytest.raises(StorageError):
        check_output(output)


@pytest.mark.parametrize("output", ["out", "./out", "/tmp/recaps", "./out:2", "file:///tmp/x", "s3://bucket", "s3://bucket/", "s3://my-bucket.eu/a/b/"])
def test_folders_and_clean_s3_prefixes_are_accepted(output: str) -> None:
    assert check_output(output) == output


def test_an_s3_prefix_is_normalised_without_its_trailing_slash() -> None:
    assert parse_s3_uri("s3://bucket/a/b/") == ("bucket", "a/b")
    assert parse_s3_uri("s3://bucket/") == ("bucket", "")


def test_the_storage_probe_writes_and_deletes_one_object(s3_server: SeaweedS3, s3_bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    storage = open_storage(f"s3://{s3_bucket}/recaps", probe=True)
    assert storage.describe().startswith(f"s3://{s3_bucket}/recaps")
    assert s3_server.client().list_objects_v2(Bucket=s3_bucket).get("KeyCount", 0) == 0  # written, then deleted


# ---------------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize("name", ['recap"; drop table public.canary; --', "1abc", "a b", "a.b", "", "x" * 64])
def test_a_schema_name_that_is_not_a_plain_identifier_is_refused(name: str) -> None:
    with pytest.raises(RecapError, match="not a plain SQL name"):
        check_identifier(name)
    with pytest.raises(RecapError, match="RECAP_PG_SCHEMA"):
        WarehouseConfig(target="postgres", dialect="postgres", schema=name, pg_dsn={})


def test_plain_identifiers_pass() -> None:
    for name in ("recap", "Recap_2026", "_x", "x" * 63):
        assert check_identifier(name) == name


# ------------------------------------------------------------------------- payload error messages


def test_an_invalid_payload_message_names_the_field_but_never_its_value() -> None:
    payload = make_payload(5)
    payload["user"]["name"] = "Zerelda Quimby " * 20  # too long: 300 characters
    with pytest.raises(InvalidPayload) as invalid:
        parse_payload(payload)
    assert str(invalid.value) == "invalid payload: user.name: expected a string of length <= 200"
    payload = make_payload(5)
    payload["dreams"]["total"] = "many"
    with pytest.raises(InvalidPayload, match=r"^invalid payload: dreams.total: expected an integer$"):
        parse_payload(payload)
    del payload["dreams"]["lucid"]
    with pytest.raises(InvalidPayload, match=r"dreams.lucid: missing"):
        parse_payload(payload)


# ---------------------------------------------------------------------- runs stopped before a claim


@pytest.fixture
def duck(tmp_path: Path) -> ScratchWarehouse:
    wh = duckdb_warehouse(tmp_path / "wh")
    wh.write_payloads([make_payload(1), make_payload(2)])
    return wh


def claimed_jobs(wh: ScratchWarehouse) -> int:
    """Jobs any runner has touched (claimed, rendered, failed); 0 when the job table is not there."""
    try:
        rows = wh.execute(f'select count(*) from "{wh.schema}".render_jobs where attempts > 0 or status <> \'pending\'')
    except Exception as exc:  # no job table: nothing was claimed
        assert "render_jobs" in str(exc)
        return 0
    return int(rows[0][0])


def go_plain(wh: ScratchWarehouse, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`render-runner go` without the smoke options of runner_process.FAST (the test gives its own)."""
    return subprocess.run([RUNNER, "go", *args], env=runner_env(wh, **(env or {})), capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["--x264-preset", "warp"], {}, 2, r"Invalid value for '--x264-preset'.*'warp' is not one of"),
        (["--render-mode", "fast"], {}, 2, r"Invalid value for '--render-mode'"),
        (["--frames", "9-3"], {}, 2, r"expected a range A-B with A <= B"),
        (["--output", "gs://b/x"], {}, 2, r"unsupported location 'gs:'"),
        (["--output", "s3:/b/x"], {}, 2, r"did you mean s3://"),
        (["--output", "s3://bucket/../x"], {}, 2, r"the prefix has a '\.\.' segment"),
        ([], {"RECAP_KEY_SECRET": "a"}, 1, r"it needs at least 32 .*secrets\.token_urlsafe\(32\)"),
        (["--share-link", "javascript:alert(1)"], {}, 2, r"Invalid value for '--share-link'.*expected an absolute http:// or https:// URL"),
        (["--share-base-url", "cdn.example.com/recaps"], {}, 2, r"Invalid value for '--share-base-url'.*expected an absolute http"),
        (["--share-public"], {}, 2, r"Invalid value for '--share-public'.*needs an S3 output.*--share-base-url"),
        (
            ["--frames", "0-99999"],
            {},
            1,
            r"--frames 0-99999 is past the end of the video: the shortest video in recap_payloads has \d+ frames, so the valid range is 0-\d+",
        ),
    ],
    ids=["preset", "mode", "frames-syntax", "gs", "s3-one-slash", "dotdot", "weak-secret", "share-link", "share-base-url", "share-public-folder",
         "frames-too-long"],
)
def test_bad_settings_and_weak_secrets_stop_the_run_before_any_claim(
    duck: ScratchWarehouse, tmp_path: Path, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    out = tmp_path / "out"
    result = go_plain(duck, "--output", str(out), "--scale", "0.25", *args, env=env)
    assert result.returncode == code, result.stderr[-3000:]
    assert re.search(message, " ".join(result.stderr.split())), result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert claimed_jobs(duck) == 0
    assert not list(out.rglob("*.mp4")) if out.exists() else True


def test_the_frames_check_is_against_the_shortest_video_of_the_warehouse(duck: ScratchWarehouse, tmp_path: Path) -> None:
    refused = go_plain(duck, "--output", str(tmp_path / "out"), "--frames", "0-99999")
    length = int(re.search(r"valid range is 0-(\d+)", refused.stderr).group(1)) + 1  # type: ignore[union-attr]
    assert 21 * 30 <= length <= 33 * 30  # a recap is 21-33 s at 30 fps
    edge = go_plain(duck, "--output", str(tmp_path / "out"), "--frames", f"{length - 1}-{length}", "--scale", "0.25")
    assert edge.returncode == 1 and f"valid range is 0-{length - 1}" in edge.stderr
    assert claimed_jobs(duck) == 0


@pytest.mark.postgres
def test_a_schema_name_with_a_double_quote_cannot_inject_sql(tmp_path: Path, pg_database: dict[str, Any]) -> None:
    pg = postgres_warehouse(tmp_path / "wh", pg_database)
    pg.execute("create table public.canary (x integer)")
    evil = 'recap"; drop table public.canary; --'
    for command in (["go", "--output", str(tmp_path / "out")], ["status"], ["export"]):
        result = subprocess.run([RUNNER, *command], env=runner_env(pg, RECAP_PG_SCHEMA=evil), capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, (command, result.stderr[-2000:])
        assert "RECAP_PG_SCHEMA" in result.stderr and "not a plain SQL name" in result.stderr
    assert pg.execute("select count(*) from public.canary") == [(0,)]  # still there
    schemas = {r[0] for r in pg.execute("select schema_name from information_schema.schemata")}
    assert not any('"' in s or "canary" in s for s in schemas)


class _SeaweedWithReader(SeaweedS3):
    """SeaweedFS with a second identity that may read and list but not write."""

    reader_key: str = "recap-test-reader"
    reader_secret: str = "recap-test-reader-secret-0123456789"

    def _write_identities(self) -> None:
        super()._write_identities()
        config = json.loads(self.config_path.read_text())
        config["identities"].append(
            {"name": "reader", "credentials": [{"accessKey": self.reader_key, "secretKey": self.reader_secret}], "actions": ["Read", "List"]}
        )
        self.config_path.write_text(json.dumps(config))


@pytest.fixture
def reader_s3(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = _SeaweedWithReader(tmp_path_factory.mktemp("seaweedfs-reader"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_s3_that_cannot_be_written_stops_the_run_with_the_reason_before_any_claim(duck: ScratchWarehouse, reader_s3: _SeaweedWithReader) -> None:
    bucket = reader_s3.create_bucket()
    env = reader_s3.subprocess_env(runner_env(duck)) | {"AWS_ACCESS_KEY_ID": reader_s3.reader_key, "AWS_SECRET_ACCESS_KEY": reader_s3.reader_secret}
    result = subprocess.run([RUNNER, "go", "--output", f"s3://{bucket}/recaps"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr[-3000:]
    assert f"cannot write to s3://{bucket}/recaps" in result.stderr and "AccessDenied" in result.stderr, result.stderr
    assert claimed_jobs(duck) == 0

    wrong = reader_s3.subprocess_env(runner_env(duck)) | {"AWS_SECRET_ACCESS_KEY": "not-the-secret-key-0000"}
    denied = subprocess.run([RUNNER, "go", "--output", f"s3://{bucket}/recaps"], env=wrong, capture_output=True, text=True, timeout=120)
    assert denied.returncode == 1 and f"bucket {bucket}" in denied.stderr, denied.stderr
    missing = subprocess.run(
        [RUNNER, "go", "--output", "s3://no-such-bucket-here/recaps"],
        env=reader_s3.subprocess_env(runner_env(duck)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 1 and "no-such-bucket-here does not exist" in missing.stderr, missing.stderr
    assert claimed_jobs(duck) == 0
    client = boto3.session.Session().client(
        "s3", endpoint_url=reader_s3.endpoint_url, aws_access_key_id=reader_s3.access_key, aws_secret_access_key=reader_s3.secret_key,
        region_name=reader_s3.region, config=Config(s3={"addressing_style": "path"}),
    )
    assert client.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


# ------------------------------------------------------------------ runs: exit codes, logs, status


@pytest.mark.slow
def test_without_a_terminal_go_prints_progress_records_and_unwrapped_failures_then_exits_3(tmp_path: Path) -> None:
    wh = duckdb_warehouse(tmp_path / "a-rather-long-folder-name-so-that-paths-are-longer-than-eighty-columns" / "wh")
    bad = make_payload(7)
    bad["dreams"]["total"] = "many"
    wh.write_payloads([make_payload(1), bad, make_payload(3)])
    out = tmp_path / "out"
    result = run_go(wh, out, "--concurrency", "1", "--progress-interval", "0.5", env={"COLUMNS": "80"})
    assert result.returncode == 3, result.stderr[-3000:]  # some jobs failed
    lines = result.stderr.splitlines()
    progress = [line for line in lines if line.startswith("progress: ")]
    assert progress, result.stderr[-3000:]
    assert all(
        re.fullmatch(r"progress: \d+/3 done, \d+ failed, \d+ in flight, \d+ left, (-|\d+\.\d) videos/min, ETA (-|\d+[hms]\S*)", line) for line in progress
    ), progress
    assert "failed user 7: invalid payload: dreams.total: expected an integer" in lines
    start = next(line for line in lines if line.startswith("warehouse duckdb:"))
    assert len(start) > 80 and start.endswith(f"-> local folder {out}")  # one line, not wrapped at 80 columns
    assert "\x1b[" not in result.stderr  # no colour codes in logs


@pytest.mark.slow
def test_json_logs_have_one_record_per_job_and_progress_and_never_a_name_or_the_secret(tmp_path: Path) -> None:
    wh = duckdb_warehouse(tmp_path / "wh")
    payloads = [make_payload(1), make_payload(2)]
    for p in payloads:
        p["user"]["name"] = f"Zerelda {p['user']['id']}"
        p["persons"] = [["Quimby", 4]]
    bad = make_payload(7)
    bad["user"]["name"] = "Zerelda Seven"
    bad["dreams"]["total"] = -1
    wh.write_payloads([*payloads, bad])
    result = run_go(wh, tmp_path / "out", "--concurrency", "1", "--log-format", "json", "--progress-interval", "0.5")
    assert result.returncode == 3, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]  # every line is JSON
    jobs = {r["user_id"]: r for r in records if r["event"] == "job"}
    assert set(jobs) == {1, 2, 7}
    runner = jobs[1]["runner"]
    assert runner and all(r["runner"] == runner for r in jobs.values())
    for user in (1, 2):
        job = jobs[user]
        assert job["status"] in ("done", "smoke") and job["attempt"] == 1 and job["recap_year"] == 2026
        assert job["render_s"] > 0 and job["upload_s"] >= 0 and job["bytes"] > 1000 and job["cpu_s"] > 0
    assert jobs[7]["status"] == "failed" and jobs[7]["error"] == "invalid payload: dreams.total: expected an integer >= 1"
    progress = [r for r in records if r["event"] == "progress"]
    assert progress and {"done", "failed", "in_flight", "rate_per_min", "eta_s", "total"} <= set(progress[-1])
    assert {r["event"] for r in records} >= {"start", "sync", "job", "progress", "summary"}
    assert "Zerelda" not in result.stderr and "Quimby" not in result.stderr and "Zerelda" not in result.stdout
    assert TEST_KEY_SECRET not in result.stderr


@pytest.mark.slow
def test_status_during_a_duckdb_run_shows_the_runners_snapshot(tmp_path: Path) -> None:
    wh = duckdb_warehouse(tmp_path / "wh")
    wh.write_payloads([make_payload(i) for i in range(1, 5)])
    proc = start_go(wh, tmp_path / "out", "--concurrency", "1", "--frames", "0-149")
    try:
        assert wh.duckdb_path is not None
        status_file = wh.duckdb_path.with_name("warehouse.duckdb.status.json")
        deadline = time.monotonic() + 180
        while not status_file.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert status_file.exists(), "the runner wrote no status file"
        as_json = subprocess.run([RUNNER, "status", "--json"], env=runner_env(wh), capture_output=True, text=True, timeout=60)
        text = subprocess.run([RUNNER, "status"], env=runner_env(wh), capture_output=True, text=True, timeout=60)
        running = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=180)
    assert running, "the run ended before status could be tried"
    assert as_json.returncode == 0, as_json.stderr
    snapshot = json.loads(as_json.stdout)
    assert snapshot["source"] == "status file of the running runner" and snapshot["pid"] == proc.pid
    assert sum(snapshot["counts"].values()) == 4 and snapshot["age_s"] < 30
    assert text.returncode == 0 and f"pid {proc.pid}" in text.stdout and "snapshot from" in text.stdout
    assert not status_file.exists()  # removed when the run ends
    after = subprocess.run([RUNNER, "status", "--json"], env=runner_env(wh), capture_output=True, text=True, timeout=60)
    assert after.returncode == 0 and "source" not in json.loads(after.stdout)  # the database itself again


# --------------------------------------------------------------------------------------- preview


def test_preview_errors_are_one_line_with_the_reason(tmp_path: Path) -> None:
    wh = duckdb_warehouse(tmp_path / "wh")
    bad = make_payload(7)
    bad["dreams"]["total"] = "many"
    wh.write_payloads([bad, make_payload(1)])

    def preview(user: int, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([RUNNER, "preview", str(user), *(args or ["--still"])], env=runner_env(wh), capture_output=True, text=True, timeout=120)

    too_long = preview(1, "--frames", "0-99999", "--out", str(tmp_path / "p.mp4"))
    assert too_long.returncode == 1
    assert re.fullmatch(r"error: --frames 0-99999 is past the end of the video: user 1's video has (\d+) frames, "
                        r"so the valid range is 0-\d+ \(e\.g\. --frames 0-59\)", too_long.stderr.strip()), too_long.stderr
    assert not (tmp_path / "p.mp4").exists()

    invalid = preview(7)
    assert invalid.returncode == 1
    assert invalid.stderr.strip() == "error: user 7: invalid payload: dreams.total: expected an integer"
    no_table = preview(9)
    assert no_table.returncode == 1 and "no dreamer_years table; run `dbt build` first" in no_table.stderr

    wh.execute(
        "create table main.dreamer_years as select * from (values (9, 2026, 'too_few_dreams', 1), (10, 2026, 'user_deleted', 4), "
        "(11, 2026, null, 5)) as t(user_id, recap_year, ineligibility_reason, total_dreams)"
    )
    expected = {
        9: "error: user 9 has no recap payload: not eligible: 1 dreams counted in 2026, fewer than the minimum (dbt var min_dreams)",
        10: "error: user 10 has no recap payload: not eligible: the account is deleted",
        11: "error: user 11 has no recap payload: eligible for 2026 in dreamer_years, but recap_payloads has no row: run `dbt build` again",
        12: "error: user 12 has no recap payload: not in dreamer_years (no dreams in the recap year or the year before, or an unknown user)",
    }
    for user, line in expected.items():
        result = preview(user)
        assert (result.returncode, result.stderr.strip()) == (1, line)


# --------------------------------------------------------------------------- progress, unit level


def test_a_terminal_gets_the_progress_bar_and_anything_else_plain_lines_or_json() -> None:
    from render_runner.commands.progress import JsonProgress, LineProgress, RichProgress, make_progress
    from render_runner.config import LogFormat

    def made(log_format: LogFormat, terminal: bool) -> type:
        return type(make_progress(log_format, verbose=False, status_file=None, interval_s=30, terminal=terminal))

    assert made(LogFormat.text, True) is RichProgress
    assert made(LogFormat.text, False) is LineProgress
    assert made(LogFormat.json, True) is JsonProgress and made(LogFormat.json, False) is JsonProgress


def test_the_progress_record_has_done_failed_in_flight_rate_and_eta() -> None:
    from render_runner.commands.progress import Figures

    figures = Figures({"done": 30, "failed": 2, "pending": 60, "rendering": 4}, in_flight=4, done_here=20, failed_here=1, elapsed_s=600)
    assert figures.line() == "progress: 30/96 done, 2 failed, 4 in flight, 64 left, 2.0 videos/min, ETA 32m00s"
    record = figures.as_json()
    assert (record["rate_per_min"], record["eta_s"], record["total"]) == (2.0, 1920, 96)
    idle = Figures({"done": 0, "failed": 0, "pending": 5, "rendering": 0}, in_flight=0, done_here=0, failed_here=0, elapsed_s=10)
    assert idle.line().endswith("- videos/min, ETA -") and idle.as_json()["eta_s"] is None


def test_a_status_file_left_by_a_killed_runner_is_ignored(tmp_path: Path) -> None:
    import os

    from render_runner.commands.progress import read_status_file, status_file_for

    path = status_file_for(tmp_path / "warehouse.duckdb")
    assert path.name == "warehouse.duckdb.status.json"
    proc = subprocess.Popen(["true"])  # its pid is gone once it has been waited for
    proc.wait()
    path.write_text(json.dumps({"pid": proc.pid, "written_at": time.time(), "counts": {}}))
    assert read_status_file(path) is None
    path.write_text(json.dumps({"pid": os.getpid(), "written_at": time.time() - 5, "counts": {}}))
    snapshot = read_status_file(path)
    assert snapshot is not None and 5 <= snapshot["age_s"] < 60


def test_with_json_logs_an_error_is_one_json_record(duck: ScratchWarehouse, tmp_path: Path) -> None:
    result = go_plain(duck, "--output", str(tmp_path / "out"), "--log-format", "json", env={"RECAP_KEY_SECRET": "short"})
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    record = json.loads(line)
    assert record["event"] == "error" and record["message"].startswith("the key secret in RECAP_KEY_SECRET has 5 characters")
    assert "short" not in line  # the secret itself is never printed
    assert claimed_jobs(duck) == 0
