"""`render-runner go` storing into a real S3-compatible server (SeaweedFS), including outages."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.html_page import Page
from tests.runner_process import RUNNER, go_command, render_starts, rendered_users
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import ScratchWarehouse, make_payload, postgres_warehouse, runner_env

pytestmark = [pytest.mark.slow, pytest.mark.s3, pytest.mark.postgres]


@pytest.fixture
def pg(tmp_path: Path, pg_database: dict[str, object]) -> ScratchWarehouse:
    return postgres_warehouse(tmp_path, pg_database)


def _env(wh: ScratchWarehouse, s3: SeaweedS3) -> dict[str, str]:
    return s3.subprocess_env(runner_env(wh))


def _go(wh: ScratchWarehouse, s3: SeaweedS3, output: str, *args: str, full: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(go_command(output, *args, full=full), env=_env(wh, s3), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(predicate, timeout: float = 180.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.3)
    raise AssertionError("condition not reached in time")


def test_videos_are_private_objects_and_export_presigns_them(pg: ScratchWarehouse, fresh_s3_server: SeaweedS3) -> None:
    s3 = fresh_s3_server
    bucket = s3.create_bucket()
    pg.write_payloads([make_payload(i) for i in (1, 2)])
    proc = _go(pg, s3, f"s3://{bucket}/recaps", full=True)  # only full renders are delivered (exported)
    log, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, log[-3000:]
    keys = sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"])
    assert len(keys) == 6 and all(k.startswith("recaps/2026/") for k in keys)  # video, poster and share page of each
    pages = [k for k in keys if k.endswith(".html")]
    assert len(pages) == 2 and {k.removesuffix(".html") for k in pages} == {k.rsplit(".", 1)[0] for k in keys}
    head = s3.client().head_object(Bucket=bucket, Key=pages[0])
    assert head["ContentType"].split(";")[0] == "text/html"

    manifest = subprocess.run(
        [RUNNER, "export", "--output", f"s3://{bucket}/recaps", "--format", "jsonl", "--expires", "1h"],
        env=_env(pg, s3), capture_output=True, text=True, timeout=120,
    )
    assert manifest.returncode == 0, manifest.stderr
    rows = [json.loads(line) for line in manifest.stdout.splitlines()]
    assert sorted(r["user_id"] for r in rows) == [1, 2]
    with urllib.request.urlopen(rows[0]["video_url"], timeout=10) as response:
        assert response.read(8)[4:8] == b"ftyp"  # an MP4
    with urllib.request.urlopen(rows[0]["page_url"], timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/html") and b'property="og:video"' in response.read()
    for key in keys:
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(f"{s3.endpoint_url}/{bucket}/{key}", timeout=10)  # not public: not the video, poster or page
        assert denied.value.code == 403


def test_s3_outage_mid_run_is_retried_and_the_run_finishes(pg: ScratchWarehouse, fresh_s3_server: SeaweedS3) -> None:
    s3 = fresh_s3_server
    bucket = s3.create_bucket()
    pg.write_payloads([make_payload(i) for i in (1, 2, 3, 4)])
    proc = _go(pg, s3, f"s3://{bucket}", "--concurrency", "1", "--retry-backoff", "2", "--max-attempts", "6")
    _wait_for(lambda: any(j["status"] == "smoke" for j in pg.jobs().values()))
    s3.stop()
    outage = threading.Timer(12.0, s3.start)
    outage.start()
    log, _ = proc.communicate(timeout=600)
    outage.join()
    assert proc.returncode == 0, log[-3000:]
    assert "retry user" in log  # uploads failed during the outage and were retried
    assert sorted(rendered_users(log)) == [1, 2, 3, 4]
    assert all(j["status"] == "smoke" for j in pg.jobs().values())
    keys = sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket)["Contents"])
    assert len(keys) == 12 and not [k for k in keys if ".part-" in k], keys  # video, poster, page each; no temporary file


def test_s3_down_for_good_marks_jobs_failed_then_retry_failed_completes(pg: ScratchWarehouse, fresh_s3_server: SeaweedS3) -> None:
    s3 = fresh_s3_server
    bucket = s3.create_bucket()
    pg.write_payloads([make_payload(i) for i in (1, 2)])
    proc = _go(pg, s3, f"s3://{bucket}", "--concurrency", "1", "--retry-backoff", "0.5", "--max-attempts", "2")
    _wait_for(lambda: any(j["status"] == "rendering" for j in pg.jobs().values()))
    s3.stop()
    log, _ = proc.communicate(timeout=600)
    assert proc.returncode == 3, log[-3000:]  # some jobs failed
    jobs = pg.jobs()
    assert all(j["status"] == "failed" for j in jobs.values())
    assert all("S3" in j["last_error"] or "s3" in j["last_error"] for j in jobs.values()), [j["last_error"] for j in jobs.values()]

    s3.start()
    retry = _go(pg, s3, f"s3://{bucket}", "--retry-failed")
    log2, _ = retry.communicate(timeout=600)
    assert retry.returncode == 0, log2[-3000:]
    assert sorted(rendered_users(log2)) == [1, 2]
    assert all(j["status"] == "smoke" for j in pg.jobs().values())


def test_an_s3_outage_during_upload_retries_the_upload_not_the_render(pg: ScratchWarehouse, fresh_s3_server: SeaweedS3) -> None:
    s3 = fresh_s3_server
    bucket = s3.create_bucket()
    pg.write_payloads([make_payload(1)])
    proc = _go(pg, s3, f"s3://{bucket}", "--concurrency", "1", "--frames", "0-59")
    _wait_for(lambda: pg.jobs()[1]["status"] == "rendering")
    s3.stop()  # down before the render finishes, so its upload fails
    log: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        log.append(line)
        if line.startswith("retry user 1: upload failed"):
            s3.start()  # back while the runner still holds the rendered file
            break
    rest, _ = proc.communicate(timeout=600)
    text = "".join(log) + rest
    assert proc.returncode == 0, text[-3000:]
    assert render_starts(text) == [1] and rendered_users(text) == [1]  # rendered once, stored after the outage
    job = pg.jobs()[1]
    assert (job["status"], job["attempts"]) == ("smoke", 1)
    assert len(s3.client().list_objects_v2(Bucket=bucket)["Contents"]) == 3


def test_storage_refusing_every_upload_stops_the_run_instead_of_burning_every_job(pg: ScratchWarehouse, fresh_s3_server: SeaweedS3) -> None:
    s3 = fresh_s3_server
    bucket = s3.create_bucket()
    pg.write_payloads([make_payload(i) for i in (1, 2, 3)])
    env = {**_env(pg, s3), "AWS_ACCESS_KEY_ID": s3.readonly_access_key, "AWS_SECRET_ACCESS_KEY": s3.readonly_secret_key}
    proc = subprocess.run(go_command(f"s3://{bucket}", "--concurrency", "1"), env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log[-3000:]
    assert "AccessDenied" in log.splitlines()[-1] or "AccessDenied" in log.splitlines()[-2], log[-3000:]  # the reason, last
    assert len(render_starts(log)) <= 1 and log.count("released user") <= 1  # stopped at the first refused upload (or before any render)
    assert "failed user" not in log and "retry user" not in log
    # a probe of the output before the queue is touched (issue 12, CLI half) may stop it even earlier: then there is no job table
    queued = pg.execute("select count(*) from information_schema.tables where table_name = 'render_jobs'")[0][0]
    jobs = pg.jobs() if queued else {}
    assert all(j["status"] == "pending" and j["attempts"] == 0 for j in jobs.values())  # nothing burned, nothing failed


def _public_read_policy(bucket: str, prefix: str) -> str:
    """What an operator adds for --share-public where object ACLs are ignored (SeaweedFS) or refused (AWS)."""
    statement = {"Sid": "DreamRecapShare", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/{prefix}/*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_share_public_stores_video_poster_and_page_readable_by_anyone(pg: ScratchWarehouse, fresh_s3_server: SeaweedS3) -> None:
    s3 = fresh_s3_server
    bucket = s3.create_bucket()
    s3.client().put_bucket_policy(Bucket=bucket, Policy=_public_read_policy(bucket, "recaps"))
    pg.write_payloads([make_payload(1)])
    proc = _go(pg, s3, f"s3://{bucket}/recaps", "--share-public")
    log, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, log[-3000:]
    job = pg.jobs()[1]
    objects = [job["output_uri"], job["poster_uri"], job["page_uri"]]
    assert [o.rsplit(".", 1)[1] for o in objects] == ["mp4", "jpg", "html"]
    public = {o.rsplit(".", 1)[1]: f"{s3.endpoint_url}/{o.removeprefix('s3://')}" for o in objects}
    with urllib.request.urlopen(public["html"], timeout=10) as response:  # anonymous, as a link preview fetches it
        assert response.headers["Content-Type"].startswith("text/html")
        page = Page(response.read().decode("utf-8"))
    assert page.meta("og:video") == public["mp4"] and page.meta("og:image") == page.meta("twitter:image") == public["jpg"]
    assert page.meta("og:url") == public["html"]
    with urllib.request.urlopen(page.meta("og:video"), timeout=10) as response:
        assert response.read(8)[4:8] == b"ftyp"
    with urllib.request.urlopen(page.meta("og:image"), timeout=10) as response:
        assert response.headers["Content-Type"] == "image/jpeg"


def test_share_public_on_a_bucket_that_keeps_objects_private_stops_before_rendering(pg: ScratchWarehouse, s3_server: SeaweedS3) -> None:
    bucket = s3_server.create_bucket()  # no policy: SeaweedFS ignores the public-read ACL
    pg.write_payloads([make_payload(1)])
    proc = subprocess.run(go_command(f"s3://{bucket}/recaps", "--share-public"), env=_env(pg, s3_server), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "not readable by anyone" in proc.stderr and f"arn:aws:s3:::{bucket}/recaps/*" in proc.stderr
    assert render_starts(proc.stdout + proc.stderr) == []
    assert "Contents" not in s3_server.client().list_objects_v2(Bucket=bucket)  # the probe object was deleted too
