"""bench/queue.py's core at a tiny size on the real Postgres, so the bench cannot rot: concurrent
claimers take every job exactly once and leave the fleet's leased jobs alone, heartbeats renew
every lease, and the check that guards the figures does fail on a double claim. Not a timing test."""

from __future__ import annotations

from typing import Any

import pytest

from bench import queue as queue_bench
from render_runner.db import open_database
from render_runner.queue.queue import JobQueue

pytestmark = pytest.mark.postgres


@pytest.fixture
def config(pg_database: dict[str, Any]) -> queue_bench.WarehouseConfig:
    return queue_bench.warehouse_config(pg_database, "bench_queue_test")


@pytest.mark.parametrize("batch", [1, 3])
def test_concurrent_claimers_take_every_job_exactly_once_and_leave_leased_jobs_alone(config: queue_bench.WarehouseConfig, batch: int) -> None:
    report = queue_bench.run_claims(config, jobs=500, claimers=8, batch=batch, runners=4, slots=5)
    # run_claims has already checked the job table row by row against what each claimer took
    assert report.held == 20
    assert report.claimed == report.completes == 480
    assert report.deadlocks == 0
    assert len(report.claim_ms) == report.claim_calls >= 480 // batch


def test_claims_without_the_indexes_are_still_exactly_once(config: queue_bench.WarehouseConfig) -> None:
    report = queue_bench.run_claims(config, jobs=300, claimers=4, batch=2, runners=2, slots=3, indexes=False)
    assert report.claimed == 294


def test_the_check_fails_when_a_job_is_claimed_twice(config: queue_bench.WarehouseConfig) -> None:
    queue_bench.fill(config, 10)
    first, second = queue_bench.WorkerResult("a"), queue_bench.WorkerResult("b")
    with open_database(config) as db:
        queue = JobQueue(db)
        for result in (first, second):
            for job in queue.claim(result.owner, 5, 60):
                result.claimed.append(job.user_id)
                assert queue.complete(job, result.owner, identity=queue_bench.IDENTITY, output_uri="u", poster_uri="p",
                                      size_bytes=1, render_ms=1, duration_s=1.0)
    queue_bench.check_exactly_once(config, [first, second], [], 10, complete=True)
    second.claimed.append(first.claimed[0])  # as if the queue had handed user 1 to both
    with pytest.raises(queue_bench.BenchFailure, match="claimed more than once"):
        queue_bench.check_exactly_once(config, [first, second], [], 10, complete=True)


def test_heartbeats_renew_every_lease_of_every_runner(config: queue_bench.WarehouseConfig) -> None:
    reports = queue_bench.run_heartbeats(config, jobs=200, runners=6, slots=4, period_s=0.2, seconds=1.0, connections=2,
                                         lease_s=60, indexes=True, label="t")
    paced, flat_out, tick, waiting = reports
    assert 6 <= paced.statements <= 6 * 6  # each runner about once per period (a loaded machine sends fewer)
    assert flat_out.statements > 0 and tick.statements > 0 and waiting.statements > 0
    # each lease was renewed after its claim (the renew phases last 2 s): it ends more than a lease after the claim
    with open_database(config) as db:
        sql = f"select status, count(*) from {db.table('render_jobs')} where lease_expires_at > started_at + interval '61 seconds' group by status"
        assert db.execute(sql, fetch=True) == [("rendering", 24)]
        sql = f"select status, count(*) from {db.table('render_jobs')} group by status order by status"
        assert db.execute(sql, fetch=True) == [("done", 176), ("rendering", 24)]  # the tail: every other job done
