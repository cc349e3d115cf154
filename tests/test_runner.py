"""`render-runner go` end to end with real renders (tiny: 5 frames at 1/4 scale), on DuckDB and Postgres."""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.html_page import Page
from tests.runner_process import ffprobe, rendered_users, run_go, start_go, status_json
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, make_payload, postgres_warehouse

pytestmark = pytest.mark.slow


def _videos(out: Path) -> list[Path]:
    return sorted(out.rglob("*.mp4"))


def _leftover_temp_files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if ".tmp" in p.name or p.name.startswith(".")]


@pytest.fixture
def duck(tmp_path: Path) -> ScratchWarehouse:
    return duckdb_warehouse(tmp_path)


@pytest.fixture
def pg(tmp_path: Path, pg_database: dict[str, object]) -> ScratchWarehouse:
    return postgres_warehouse(tmp_path, pg_database)


def test_go_renders_each_user_once_and_a_rerun_renders_nothing(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in (1, 2, 3)])
    out = tmp_path / "out"
    first = run_go(duck, out, "--concurrency", "2")
    assert first.returncode == 0, first.stderr[-3000:]
    assert sorted(rendered_users(first.stderr)) == [1, 2, 3]
    videos = _videos(out)
    assert len(videos) == 3 and len(sorted(out.rglob("*.jpg"))) == 3 and len(sorted(out.rglob("*.html"))) == 3
    assert all(v.parent.name == "2026" and len(v.stem) == 32 for v in videos)  # <year>/<hmac key>.mp4
    probe = ffprobe(videos[0])
    assert (probe["codec_name"], probe["width"], probe["height"], int(probe["nb_read_frames"])) == ("h264", 270, 480, 5)
    jobs = duck.jobs()
    assert {j["status"] for j in jobs.values()} == {"smoke"}  # a --frames run is a smoke run: never `done`
    assert all(Path(j["output_uri"]).exists() for j in jobs.values())

    again = run_go(duck, out)
    assert again.returncode == 0, again.stderr[-3000:]
    assert rendered_users(again.stderr) == []
    assert "0 new, 0 changed, 0 done, 0 failed, 0 to render (3 smoke)" in again.stderr


def test_each_video_gets_a_share_page_beside_it_pointing_at_its_own_files(duck: ScratchWarehouse, tmp_path: Path) -> None:
    nameless = make_payload(2)
    nameless["user"].update(name=None, locale="fr-CA")
    duck.write_payloads([make_payload(1), nameless])
    out = tmp_path / "out"
    link = "https://apps.example.com/dream-recap?from=share"
    first = run_go(duck, out, "--share-link", link)
    assert first.returncode == 0, first.stderr[-3000:]
    jobs = duck.jobs()
    for user_id, job in jobs.items():
        video, poster, page_file = Path(job["output_uri"]), Path(job["poster_uri"]), Path(job["page_uri"])
        assert page_file == video.with_suffix(".html") and poster == video.with_suffix(".jpg") and page_file.is_file()
        page = Page(page_file.read_text(encoding="utf-8"))
        assert page.meta("og:video") == video.name and page.meta("og:image") == page.meta("twitter:image") == poster.name
        assert page.all("source")[0]["src"] == video.name and page.all("video")[0]["poster"] == poster.name
        assert (page.meta("og:video:width"), page.meta("og:video:height")) == ("270", "480")  # the stored file's size (--scale 0.25)
        assert page.meta("twitter:card") and page.meta("og:video:type") == "video/mp4"
        assert [a["href"] for a in page.all("a") if a.get("class") == "cta"] == [link]
        if user_id == 1:
            assert page.all("html")[0]["lang"] == "en" and page.texts["title"] == "Dreamer 1’s 2026 in dreams"
        else:
            assert page.all("html")[0]["lang"] == "fr-CA" and page.texts["title"] == "Mon année 2026 en rêves"
    assert rendered_users(run_go(duck, out, "--share-link", link).stderr) == []
    relinked = run_go(duck, out, "--share-link", "https://apps.example.com/other")
    assert sorted(rendered_users(relinked.stderr)) == [1, 2]  # the page's options are part of the render identity
    assert 'href="https://apps.example.com/other"' in Path(duck.jobs()[1]["page_uri"]).read_text(encoding="utf-8")
    assert len(list(out.rglob("*.html"))) == 2


def test_changing_one_users_data_rerenders_only_that_user(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in (1, 2, 3)])
    out = tmp_path / "out"
    assert run_go(duck, out).returncode == 0
    duck.write_payloads([make_payload(1), make_payload(2, total=99), make_payload(3)])
    second = run_go(duck, out)
    assert second.returncode == 0, second.stderr[-3000:]
    assert rendered_users(second.stderr) == [2]


def test_malformed_payload_fails_only_its_own_job_naming_the_field(duck: ScratchWarehouse, tmp_path: Path) -> None:
    bad = make_payload(7)
    bad["dreams"]["total"] = "many"
    duck.write_payloads([make_payload(1), bad, make_payload(3)])
    result = run_go(duck, tmp_path / "out")
    assert result.returncode == 3, result.stderr[-3000:]  # 3: some jobs failed (2 is a usage error)
    jobs = duck.jobs()
    assert jobs[7]["status"] == "failed"
    assert "dreams.total" in jobs[7]["last_error"] and "invalid payload" in jobs[7]["last_error"]
    assert jobs[7]["attempts"] == 1  # a bad payload is not retried
    assert jobs[1]["status"] == jobs[3]["status"] == "smoke"


def test_second_runner_on_the_same_duckdb_file_gets_a_clear_error(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in range(1, 4)])
    first = start_go(duck, tmp_path / "out", "--concurrency", "1")
    try:
        deadline = time.monotonic() + 120
        while not _videos(tmp_path / "out") and time.monotonic() < deadline:
            time.sleep(0.2)
        second = run_go(duck, tmp_path / "out2")
        assert second.returncode == 1
        assert "in use by another process" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.wait(timeout=120)


def test_sigint_finishes_in_flight_then_rerun_completes_without_duplicates(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in range(1, 6)])
    out = tmp_path / "out"
    proc = start_go(duck, out, "--concurrency", "1")
    deadline = time.monotonic() + 120
    while not _videos(out) and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    log1, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, log1[-3000:]
    assert "stopping" in log1
    first_batch = rendered_users(log1)
    assert 1 <= len(first_batch) < 5
    assert {j["status"] for j in duck.jobs().values()} <= {"smoke", "pending"}  # nothing left rendering

    rerun = run_go(duck, out)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    everyone = first_batch + rendered_users(rerun.stderr)
    assert sorted(everyone) == [1, 2, 3, 4, 5]  # each exactly once
    assert len(_videos(out)) == 5
    assert _leftover_temp_files(out) == []


def test_second_sigint_aborts_and_releases_the_jobs(duck: ScratchWarehouse, tmp_path: Path) -> None:
    duck.write_payloads([make_payload(i) for i in range(1, 4)])
    out = tmp_path / "out"
    # full-length renders so the abort lands mid-render
    proc = start_go(duck, out, "--concurrency", "1", "--frames", "0-299")
    time.sleep(8)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    log, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, log[-3000:]
    assert "aborting" in log
    jobs = duck.jobs()
    assert {j["status"] for j in jobs.values()} <= {"smoke", "pending"}
    assert all(j["lease_owner"] is None for j in jobs.values())
    assert _leftover_temp_files(out) == []
    rerun = run_go(duck, out)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert len(_videos(out)) == 3


@pytest.mark.postgres
def test_three_runners_on_one_postgres_queue_render_every_job_exactly_once(pg: ScratchWarehouse, tmp_path: Path) -> None:
    users = list(range(1, 10))
    pg.write_payloads([make_payload(i) for i in users])
    out = tmp_path / "out"
    procs = [start_go(pg, out, "--concurrency", "1") for _ in range(3)]
    logs = [p.communicate(timeout=900)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(log[-2000:] for log in logs)
    finished = Counter(u for log in logs for u in rendered_users(log))
    assert sorted(finished) == users and set(finished.values()) == {1}
    assert sum(1 for log in logs if rendered_users(log)) >= 2  # the work really was shared
    assert len(_videos(out)) == len(users)
    jobs = pg.jobs()
    assert all(j["status"] == "smoke" and j["attempts"] == 1 for j in jobs.values())
    assert status_json(pg)["counts"] == {"pending": 0, "rendering": 0, "done": 0, "smoke": 9, "failed": 0, "withdrawn": 0}


@pytest.mark.postgres
def test_job_of_a_killed_runner_is_reclaimed_after_its_lease(pg: ScratchWarehouse, tmp_path: Path) -> None:
    pg.write_payloads([make_payload(i) for i in (1, 2, 3)])
    out = tmp_path / "out"
    victim = start_go(pg, out, "--concurrency", "1", "--lease", "6", "--frames", "0-299")
    deadline = time.monotonic() + 120
    stuck: list[int] = []
    while not stuck and time.monotonic() < deadline:
        time.sleep(0.3)
        try:
            stuck = [u for u, j in pg.jobs().items() if j["status"] == "rendering"]
        except Exception:
            pass  # the runner has not created its table yet
    assert stuck, "the runner never started rendering"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    time.sleep(1)
    assert pg.jobs()[stuck[0]]["status"] == "rendering"  # still leased by the dead runner

    rescuer = run_go(pg, out, "--concurrency", "1", "--lease", "6")
    assert rescuer.returncode == 0, rescuer.stderr[-3000:]
    jobs = pg.jobs()
    assert all(j["status"] == "smoke" for j in jobs.values())
    assert jobs[stuck[0]]["attempts"] == 2
    assert sorted(rendered_users(rescuer.stderr)) == [1, 2, 3]
    assert len(_videos(out)) == 3
