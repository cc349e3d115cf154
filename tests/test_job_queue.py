"""The job queue's rules, on DuckDB and on a real Postgres, without rendering anything."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from render_runner.db import Database, connect
from render_runner.profiles import load_config
from render_runner.queue import schema
from render_runner.queue.identity import RenderIdentity
from render_runner.queue.queue import Job, JobQueue
from render_runner.queue.retry import RetryPolicy
from render_runner.render.contract import InvalidPayload
from tests.warehouse_fixtures import ScratchWarehouse, duckdb_warehouse, make_payload, postgres_warehouse


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ScratchWarehouse:
    if request.param == "duckdb":
        wh = duckdb_warehouse(tmp_path)
    else:
        wh = postgres_warehouse(tmp_path, request.getfixturevalue("pg_database"))
    for key, value in wh.env.items():
        monkeypatch.setenv(key, value)
    wh.write_payloads([make_payload(i) for i in range(1, 6)])
    return wh


@pytest.fixture
def queue(warehouse: ScratchWarehouse) -> Iterator[JobQueue]:
    config = load_config(warehouse.profiles_dir, warehouse.target)
    with connect(config) as con:
        q = JobQueue(Database.for_connection(con, config))
        q.ensure_table()
        yield q


def _identity(version: str = "v1", *, settings: str = '{"scale":1.0}', location: str = "/out#key=00", partial: bool = False) -> RenderIdentity:
    return RenderIdentity(template_version=version, settings=settings, location=location, partial=partial)


def test_sync_creates_one_pending_job_per_payload(queue: JobQueue) -> None:
    result = queue.sync(_identity("v1"), release_orphans=False)
    assert result.new == 5
    assert queue.stats.counts() == {"pending": 5, "rendering": 0, "done": 0, "smoke": 0, "failed": 0, "withdrawn": 0}
    assert queue.sync(_identity("v1"), release_orphans=False).new == 0


def _fail(queue: JobQueue, job: Job, owner: str, error: str, *, max_attempts: int, backoff_s: float, permanent: bool = False) -> str:
    """Record a failure the way the runner does: the retry policy decides, the queue records."""
    exc = InvalidPayload(error) if permanent else RuntimeError(error)
    decision = RetryPolicy(max_attempts=max_attempts, backoff_s=backoff_s).decide(exc, job.attempts)
    return queue.fail(job, owner, error, retry_after_s=decision.retry_after_s)


def _finish_all(queue: JobQueue, owner: str, version: str, identity: RenderIdentity | None = None) -> None:
    for job in queue.claim(owner, 100, 60):
        assert queue.complete(job, owner, identity=identity or _identity(version), output_uri="u", poster_uri="p", size_bytes=1, render_ms=1, duration_s=1.0)


def test_done_jobs_are_rendered_again_only_when_payload_or_template_changes(queue: JobQueue, warehouse: ScratchWarehouse) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    _finish_all(queue, "a", "v1")
    assert queue.sync(_identity("v1"), release_orphans=False).changed == 0
    warehouse.execute(f'update "{warehouse.schema}".recap_payloads set payload_hash = %s where user_id = 3', ["new-hash"])
    assert queue.sync(_identity("v1"), release_orphans=False).changed == 1
    assert [j.user_id for j in queue.claim("a", 100, 60)] == [3]
    assert queue.sync(_identity("v2"), release_orphans=False).changed == 4  # the four done jobs; user 3 is rendering


def test_a_changed_render_setting_or_storage_location_makes_done_jobs_pending_again(queue: JobQueue) -> None:
    queue.sync(_identity(), release_orphans=False)
    _finish_all(queue, "a", "v1")
    assert queue.sync(_identity(), release_orphans=False).changed == 0
    assert queue.sync(_identity(settings='{"scale":0.5}'), release_orphans=False).changed == 5
    _finish_all(queue, "a", "v1", _identity(settings='{"scale":0.5}'))
    assert queue.sync(_identity(settings='{"scale":0.5}', location="s3://b/x#key=00"), release_orphans=False).changed == 5
    _finish_all(queue, "a", "v1", _identity(settings='{"scale":0.5}', location="s3://b/x#key=00"))
    assert queue.sync(_identity(settings='{"scale":0.5}', location="s3://b/x#key=11"), release_orphans=False).changed == 5  # another key secret


def test_smoke_results_are_kept_for_smoke_runs_and_replaced_by_a_full_run(queue: JobQueue) -> None:
    smoke = _identity(settings='{"frame_range":[0,4]}', partial=True)
    queue.sync(smoke, release_orphans=False)
    _finish_all(queue, "a", "v1", smoke)
    counts = queue.stats.counts()
    assert (counts["smoke"], counts["done"]) == (5, 0)
    assert queue.stats.done_jobs() == []  # export leaves smoke results out
    assert queue.sync(smoke, release_orphans=False).changed == 0  # the same smoke run renders nothing
    assert queue.sync(_identity(settings='{"frame_range":[0,9]}', partial=True), release_orphans=False).changed == 5
    _finish_all(queue, "a", "v1", smoke)
    full = queue.sync(_identity(), release_orphans=False)
    assert full.changed == 5 and queue.stats.counts()["pending"] == 5  # a full run renders them all again
    _finish_all(queue, "a", "v1")
    assert len(queue.stats.done_jobs()) == 5
    assert queue.sync(smoke, release_orphans=False).changed == 0  # a smoke run does not redo full results


def test_a_user_gone_from_recap_payloads_is_withdrawn_and_comes_back_pending(queue: JobQueue, warehouse: ScratchWarehouse) -> None:
    queue.sync(_identity(), release_orphans=False)
    for job in queue.claim("a", 2, 60):  # users 1 and 2 done; 3, 4, 5 pending
        assert queue.complete(job, "a", identity=_identity(), output_uri=f"/out/{job.user_id}.mp4", poster_uri=f"/out/{job.user_id}.jpg",
                              size_bytes=1, render_ms=1, duration_s=1.0)
    warehouse.write_payloads([make_payload(i) for i in (2, 3, 5)])  # users 1 (done) and 4 (pending) deleted their accounts
    result = queue.sync(_identity(), release_orphans=False)
    assert result.withdrawn == 2
    counts = queue.stats.counts()
    assert (counts["withdrawn"], counts["done"], counts["pending"]) == (2, 1, 2)
    assert queue.withdrawn_files() == [(1, 2026, ["/out/1.mp4", "/out/1.jpg"], [])]
    assert [r["user_id"] for r in queue.stats.done_jobs()] == [2]
    assert queue.waiting() == 2  # only the jobs it will render
    assert queue.anything_waiting()
    queue.forget_files(1, 2026)
    assert queue.withdrawn_files() == []
    assert sorted(j.user_id for j in queue.claim("a", 10, 60)) == [3, 5]

    warehouse.write_payloads([make_payload(i) for i in (1, 2, 3, 5)])  # user 1 is back
    assert queue.sync(_identity(), release_orphans=False).returned == 1
    assert [j.user_id for j in queue.claim("a", 10, 60)] == [1]


def test_a_failed_job_is_pending_again_when_its_payload_or_template_changes(queue: JobQueue, warehouse: ScratchWarehouse) -> None:
    queue.sync(_identity(), release_orphans=False)
    job = [j for j in queue.claim("a", 10, 60) if j.user_id == 3][0]
    queue.release("a")
    assert _fail_job(queue, job, "a", "invalid payload: dreams.total") == "failed"
    assert queue.sync(_identity(), release_orphans=False).rescued == 0  # nothing changed: stays failed
    assert queue.stats.counts()["failed"] == 1
    warehouse.execute(f'update "{warehouse.schema}".recap_payloads set payload_hash = %s where user_id = 3', ["fixed"])
    assert queue.sync(_identity(), release_orphans=False).rescued == 1
    fixed = queue.claim("a", 10, 60)
    assert [(j.user_id, j.attempts, j.payload_hash) for j in fixed] == [(3, 1, "fixed")]
    assert _fail_job(queue, fixed[0], "a", "invalid payload: again") == "failed"
    assert queue.sync(_identity("v2"), release_orphans=False).rescued == 1  # a new template


def _fail_job(queue: JobQueue, job: Job, owner: str, error: str) -> str:
    if not queue.confirm_lease(job, owner, 60):
        [job] = [j for j in queue.claim(owner, 10, 60) if j.user_id == job.user_id]
    return queue.fail(job, owner, error, retry_after_s=None, template_version="v1")


def test_claims_never_hand_the_same_job_to_two_runners(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    first = queue.claim("a", 3, 60)
    second = queue.claim("b", 10, 60)
    assert len(first) == 3 and len(second) == 2
    assert not {j.user_id for j in first} & {j.user_id for j in second}
    assert queue.claim("c", 10, 60) == []


def test_expired_lease_is_reclaimed_by_another_runner(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    dead = queue.claim("dead-runner", 1, 1)
    time.sleep(1.5)
    taken = queue.claim("b", 1, 60)
    assert [j.user_id for j in taken] == [dead[0].user_id]
    assert taken[0].attempts == 2
    # the dead runner can no longer complete it
    assert not queue.complete(dead[0], "dead-runner", identity=_identity("v1"), output_uri="u", poster_uri="p", size_bytes=1, render_ms=1, duration_s=1.0)


def test_heartbeat_keeps_a_lease_alive(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    mine = queue.claim("a", 1, 1)
    for _ in range(3):
        time.sleep(0.5)
        assert queue.renew("a", mine, 1) == {(mine[0].user_id, mine[0].recap_year)}
    assert all(j.user_id != mine[0].user_id for j in queue.claim("b", 10, 60))


def test_a_stale_claim_can_neither_store_nor_complete_nor_fail_even_for_the_same_runner(queue: JobQueue) -> None:
    """Fencing: the row's claim_count decides, not the owner's name (a runner paused past its lease,
    whose job it then claimed again itself, still holds a stale Job for the first claim)."""
    queue.sync(_identity("v1"), release_orphans=False)
    [stale] = queue.claim("a", 1, 1)
    time.sleep(1.5)
    [fresh] = [j for j in queue.claim("a", 10, 60) if j.user_id == stale.user_id]
    assert (stale.claim, fresh.claim) == (1, 2)
    assert not queue.confirm_lease(stale, "a", 60)
    assert queue.renew("a", [stale], 60) == set()  # the heartbeat sees the stale claim as taken over
    done = {"identity": _identity("v1"), "output_uri": "u", "poster_uri": "p", "size_bytes": 1, "render_ms": 1, "duration_s": 1.0}
    assert not queue.complete(stale, "a", **done)
    assert queue.fail(stale, "a", "late", retry_after_s=None) == "lost"
    assert queue.release("a", [stale]) == 0
    assert queue.confirm_lease(fresh, "a", 60)
    assert queue.complete(fresh, "a", **done)
    assert queue.complete(fresh, "a", **done)  # run twice (a retry after a lost reply): still this claim's success
    assert queue.stats.counts()["done"] == 1


def test_renewal_only_extends_the_jobs_in_flight(queue: JobQueue) -> None:
    """A claim whose reply was lost is in flight nowhere: the heartbeat must let its lease run out."""
    queue.sync(_identity("v1"), release_orphans=False)
    kept, orphan = queue.claim("a", 2, 1)
    time.sleep(0.6)
    assert queue.renew("a", [kept], 60) == {(kept.user_id, kept.recap_year)}
    time.sleep(0.6)
    assert [j.user_id for j in queue.claim("b", 10, 60) if j.user_id in (kept.user_id, orphan.user_id)] == [orphan.user_id]


def test_jobs_of_a_dead_runner_on_this_host_are_released_at_once(queue: JobQueue) -> None:
    import subprocess
    import sys

    from render_runner.queue.queue import new_runner_id, runner_host

    queue.sync(_identity("v1"), release_orphans=False)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead_owner = f"{runner_host()}:{int(gone.stdout)}:dead01"
    live_owner = new_runner_id()  # this process: alive
    elsewhere = "another-host#1:1:abcdef"  # another machine's runner: only its lease can tell
    held = {owner: queue.claim(owner, 1, 600)[0] for owner in (dead_owner, live_owner, elsewhere)}
    assert queue.dead_local_owners() == [dead_owner]
    assert queue.release_owners([dead_owner]) == 1
    assert queue.stats.counts()["rendering"] == 2
    [again] = [j for j in queue.claim("b", 10, 60) if j.user_id == held[dead_owner].user_id]
    assert (again.attempts, again.claim) == (2, 2)  # the dead runner's attempt counts; a new claim


def test_failure_retries_after_backoff_then_marks_failed_with_reason(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    job = queue.claim("a", 1, 60)[0]
    assert _fail(queue, job, "a", "boom 1", max_attempts=2, backoff_s=1) == "pending"
    assert all(j.user_id != job.user_id for j in queue.claim("a", 10, 60))  # still in backoff
    queue.release("a")
    time.sleep(1.2)
    again = [j for j in queue.claim("a", 10, 60) if j.user_id == job.user_id]
    assert again and again[0].attempts == 2
    assert _fail(queue, again[0], "a", "boom 2", max_attempts=2, backoff_s=0) == "failed"
    status = queue.stats.status()
    assert status.counts["failed"] == 1
    assert status.top_errors == [("boom 2", 1)]


def test_invalid_payload_fails_at_once_without_retries(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    job = queue.claim("a", 1, 60)[0]
    assert _fail(queue, job, "a", "invalid payload: dreams.total", max_attempts=3, backoff_s=0, permanent=True) == "failed"


def test_retry_failed_puts_failed_jobs_back(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    job = queue.claim("a", 1, 60)[0]
    _fail(queue, job, "a", "x", max_attempts=1, backoff_s=0)
    assert queue.retry_failed() == 1
    assert queue.stats.counts()["failed"] == 0


def test_release_returns_jobs_without_counting_the_attempt(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    claimed = queue.claim("a", 2, 60)
    assert queue.release("a") == 2
    again = queue.claim("b", 10, 60)
    assert {j.user_id: j.attempts for j in again}[claimed[0].user_id] == 1


def test_sync_on_duckdb_releases_jobs_left_rendering_by_a_dead_run(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    queue.claim("dead", 2, 600)
    assert queue.sync(_identity("v1"), release_orphans=True).released == 2
    assert queue.stats.counts()["rendering"] == 0


def test_status_reports_counts_throughput_and_runners(queue: JobQueue) -> None:
    queue.sync(_identity("v1"), release_orphans=False)
    _finish_all(queue, "runner-1", "v1")
    state = queue.stats.status().as_json()
    assert state["counts"] == {"pending": 0, "rendering": 0, "done": 5, "smoke": 0, "failed": 0, "withdrawn": 0}
    assert state["done_last_minutes"]["15"] == 5
    assert state["runners"][0]["runner"] == "runner-1" and state["runners"][0]["done_last_15_min"] == 5


def test_many_runners_creating_the_job_table_at_once_do_not_collide(pg_database: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    wh = postgres_warehouse(tmp_path, pg_database)
    for key, value in wh.env.items():
        monkeypatch.setenv(key, value)
    config = load_config(wh.profiles_dir, wh.target)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def create() -> None:
        with connect(config) as con:
            start.wait()
            try:
                JobQueue(Database.for_connection(con, config)).ensure_table()
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_version_1_job_table_gains_the_identity_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    import duckdb

    from render_runner.db import WarehouseConfig

    path = tmp_path / "old.duckdb"
    config = WarehouseConfig(target="dev", dialect="duckdb", schema="main", duckdb_path=path)
    con = duckdb.connect(str(path))
    v1 = schema.CREATE.replace("    render_settings varchar,\n    storage_location varchar,\n", "").format(jobs="render_jobs")
    con.execute(v1)
    con.execute(
        "insert into render_jobs (user_id, recap_year, status, payload_hash, template_version, output_uri) values (1, 2026, 'done', 'h', 'v1', '/out/a.mp4')"
    )
    con.execute("create table recap_payloads (user_id bigint, recap_year integer, payload json, payload_hash varchar)")
    con.execute("insert into recap_payloads values (1, 2026, '{}', 'h')")
    queue = JobQueue(Database.for_connection(con, config))
    queue.ensure_table()
    queue.ensure_table()  # upgrades are idempotent
    row = con.execute("select status, output_uri, render_settings, storage_location from render_jobs").fetchall()
    assert row == [("done", "/out/a.mp4", None, None)]
    assert queue.sync(_identity(), release_orphans=True).changed == 1  # rendered under an unknown identity: again
    con.close()



def _postgres_queue_with_jobs(pg_database: dict[str, Any], tmp_path: Path, jobs: int) -> tuple[ScratchWarehouse, Any]:
    """A Postgres warehouse with `jobs` payloads, keyed as dbt builds recap_payloads (its `indexes` config), and a connection."""
    import psycopg2

    wh = postgres_warehouse(tmp_path, pg_database)
    wh.write_payloads([])
    payloads = f'"{wh.schema}".recap_payloads'
    wh.execute(f"insert into {payloads} select g, 2026, '{{}}'::jsonb, md5(g::text), now(), now(), 'app' from generate_series(1, {jobs}) as g")
    wh.execute(f"create unique index on {payloads} (user_id, recap_year)")
    wh.execute(f"analyze {payloads}")
    return wh, psycopg2.connect(**pg_database)


def test_an_older_job_table_on_postgres_gains_the_queue_indexes(pg_database: dict[str, Any], tmp_path: Path) -> None:
    wh, con = _postgres_queue_with_jobs(pg_database, tmp_path, 3)
    wh.execute(schema.CREATE.format(jobs=f'"{wh.schema}".render_jobs'))  # as a runner before issue 13 left it
    wh.execute(f"""insert into "{wh.schema}".render_jobs (user_id, recap_year, status) values (1, 2026, 'done')""")
    # and the claim index of upgrade 4, which upgrade 6 replaces with one that orders by claim group
    wh.execute(f"""create index render_jobs_pending on "{wh.schema}".render_jobs (available_at, user_id) where status = 'pending'""")
    queue = JobQueue(Database.for_connection(con, wh.config))
    queue.ensure_table()
    queue.ensure_table()  # idempotent
    rows = wh.execute("select indexname, indexdef from pg_indexes where schemaname = %s and tablename = 'render_jobs'", [wh.schema])
    indexes = {name: definition.split(" USING ")[1] for name, definition in rows}
    assert indexes == {
        "render_jobs_pkey": "btree (user_id, recap_year)",
        "render_jobs_pending_grouped": "btree (available_at, claim_group, user_id) WHERE ((status)::text = 'pending'::text)",
        "render_jobs_lease_ends": "btree (lease_expires_at, user_id) WHERE ((status)::text = 'rendering'::text)",
        "render_jobs_leases": "btree (lease_owner) WHERE ((status)::text = 'rendering'::text)",
    }
    assert queue.stats.counts()["done"] == 1
    con.close()


def test_on_postgres_claim_renew_and_waiting_read_indexes_not_the_whole_job_table(pg_database: dict[str, Any], tmp_path: Path) -> None:
    wh, con = _postgres_queue_with_jobs(pg_database, tmp_path, 20_000)
    jobs = f'"{wh.schema}".render_jobs'
    db = Database.for_connection(con, wh.config)
    queue = JobQueue(db)
    queue.ensure_table()
    queue.sync(_identity(), release_orphans=False)
    fleet = {runner: queue.claim(f"fleet-{runner}", 16, 600) for runner in range(50)}  # a fleet's jobs in flight
    wh.execute(f"analyze {jobs}")
    statements: list[tuple[str, Any]] = []
    real_transaction = db.transaction

    def recording(batch: Any) -> Any:
        statements.extend(batch)
        return real_transaction(batch)

    db.transaction = recording  # type: ignore[method-assign]
    assert len(queue.claim("a", 1, 60)) == 1
    assert len(queue.renew("fleet-0", fleet[0], 60)) == 16
    wh.execute(f"update {jobs} set status = 'done' where status = 'pending'")  # the tail of the run: only jobs in flight are left
    wh.execute(f"analyze {jobs}")
    assert queue.waiting() == 50 * 16 + 1
    db.transaction = real_transaction  # type: ignore[method-assign]

    plans = []
    with con.cursor() as cur:
        for sql, params in statements:
            cur.execute("explain " + sql, tuple(params))
            plans.append("\n".join(row[0] for row in cur.fetchall()))
    con.rollback()
    con.close()
    claim, payloads, renew, waiting = plans
    assert "Seq Scan" not in claim and "render_jobs_pending_grouped" in claim and "render_jobs_lease_ends" in claim, claim
    assert "Seq Scan" not in payloads, payloads
    assert "Seq Scan" not in renew and "render_jobs_leases" in renew, renew
    assert "Seq Scan on render_jobs" not in waiting, waiting


def test_claims_take_videos_likely_to_share_scenes_one_after_another(queue: JobQueue, warehouse: ScratchWarehouse) -> None:
    """Claim order within one sync: by locale, then dream total, then user (the claim group)."""

    def payload(user_id: int, locale: str | None, total: int) -> dict[str, Any]:
        p = make_payload(user_id, total=total)
        p["user"]["locale"] = locale
        return p

    users = [payload(1, "fr", 12), payload(2, "en", 12), payload(3, "fr", 3), payload(4, "en", 100), payload(5, None, 7), payload(6, "en", 12)]
    warehouse.write_payloads(users)  # type: ignore[arg-type]
    queue.sync(_identity(), release_orphans=False)
    order = [job.user_id for _ in range(6) for job in queue.claim("a", 1, 60)]
    assert order == [5, 2, 6, 4, 3, 1]  # (no locale), en/12, en/12, en/100, fr/3, fr/12


def test_nothing_waits_once_every_job_is_finished(queue: JobQueue) -> None:
    queue.sync(_identity(), release_orphans=False)
    jobs = queue.claim("a", 10, 60)
    assert queue.anything_waiting()  # in flight: another runner might still get them back
    for job in jobs:
        assert queue.complete(job, "a", identity=_identity(), output_uri="u", poster_uri="p", size_bytes=1, render_ms=1, duration_s=1.0)
    assert not queue.anything_waiting() and queue.waiting() == 0
