"""What the network does to a fleet (issue 13): three runners, each on a host of its own, share a
job table in Postgres on a fourth host and a bucket on SeaweedFS on a fifth (Linux network
namespaces, tests/netns.py), while the database restarts, a host is partitioned, a host stalls
(paused), the S3 server restarts, or a host dies.

Each scenario ends the same way (`Fleet.check_outcome`): every eligible user finished exactly once,
by a runner that said so, with one video, poster and share page in the bucket as the job recorded
them, written once (the bucket keeps versions, so a rewrite shows) before the job was recorded
finished, and no temporary object left; and within a generous wall-time bound (a scenario takes 20-70 s
here; the bound only says "not stuck"). A host that lost its jobs (cut off, paused, killed) must
see them claimed again only after their lease, finished by another host, and (cut off, paused)
not written again once it is back (`Fleet.check_taken_over`).

The renders are the cheap smoke renders of `go_command` (5 frames at a quarter size), one per
runner at a time, and the lease is short (`--lease 10`) so that waiting out a lease is quick.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fleet import SMOKE, Fleet
from tests.netns import HostedPostgres, HostNetwork
from tests.s3_server import SeaweedS3

pytestmark = [pytest.mark.netns, pytest.mark.slow, pytest.mark.postgres, pytest.mark.s3]

USERS = 6  # two jobs per runner
LEASE_S = 10
RUNNER_ARGS = ("--lease", str(LEASE_S))
# Every wait has a bound, so that a stuck fleet fails with its state instead of hanging; all are
# generous (several times what it takes here) and none is a timing measurement.
STARTUP_S = 180  # until the runners hold their first jobs (three runners start on 2 cores)
WALL_BOUND_S = 420  # from starting the runners to the last one's exit


@pytest.fixture
def fleet(network: HostNetwork, netns_postgres: HostedPostgres, netns_s3: SeaweedS3, tmp_path: Path) -> Iterator[Fleet]:
    fleet = Fleet.create(network, netns_postgres, netns_s3, tmp_path / "wh", users=USERS)
    try:
        yield fleet
    finally:
        fleet.close()
        elapsed = time.monotonic() - fleet.started if fleet.started else 0.0
        print(f"fleet ran {elapsed:.0f} s")  # shown with -s / -rP: the scenario's wall time


def finished(users: Iterable[int]) -> Callable[[dict[int, dict[str, Any]]], bool]:
    """A job-table predicate: these users' jobs are finished."""
    wanted = list(users)
    return lambda jobs: all(jobs[u]["status"] == SMOKE for u in wanted)


def test_every_runner_reconnects_after_a_postgres_restart_and_finishes_the_run(fleet: Fleet) -> None:
    fleet.start(*RUNNER_ARGS)
    fleet.wait_until("every runner rendering a job", fleet.every_host_holds_a_job, STARTUP_S)

    fleet.postgres.restart_fast()  # every connection is cut mid-render; the server is back a moment later

    codes = fleet.wait_for_exit(WALL_BOUND_S)
    fleet.check_exit_codes(codes, {host.name: 0 for host in fleet.hosts})
    fleet.check_outcome()


def test_a_partitioned_runner_loses_its_jobs_after_the_lease_and_its_late_work_is_discarded(fleet: Fleet) -> None:
    fleet.start(*RUNNER_ARGS)
    cut, held = fleet.cut_while_holding(STARTUP_S)
    leases = {int(job["user_id"]): job["lease_expires_at"] for job in held}  # nobody can renew them now

    # the others wait out the lease, take the jobs and finish them, while the cut runner still
    # holds its renders and (when they finish) its results
    fleet.wait_until(f"the jobs of {cut.name} ({sorted(leases)}) finished by the other runners", finished(leases), LEASE_S + STARTUP_S)
    stored = fleet.snapshot(set(leases))
    cut.heal()  # cut off for longer than its lease; now its late work reaches the database and the bucket

    codes = fleet.wait_for_exit(WALL_BOUND_S)
    # the cut runner may end either way (it lost jobs); the others must succeed
    fleet.check_exit_codes(codes, {host.name: (None if host is cut else 0) for host in fleet.hosts})
    fleet.check_taken_over(cut, leases, stored)
    fleet.check_outcome()


def test_a_paused_runner_loses_its_jobs_after_the_lease_and_stores_nothing_when_it_resumes(fleet: Fleet) -> None:
    """Like the partition, but the host stalls with its network up (a VM paused): when it resumes,
    its render goes on as if nothing happened, over open connections, and only the fencing (the
    lease checks and the claim token at completion and storage) keeps its late work out."""
    fleet.start(*RUNNER_ARGS)
    stalled, held = fleet.pause_while_holding(STARTUP_S)
    leases = {int(job["user_id"]): job["lease_expires_at"] for job in held}

    fleet.wait_until(f"the jobs of {stalled.name} ({sorted(leases)}) finished by the other runners", finished(leases), LEASE_S + STARTUP_S)
    stored = fleet.snapshot(set(leases))
    stalled.resume()

    codes = fleet.wait_for_exit(WALL_BOUND_S)
    fleet.check_exit_codes(codes, {host.name: (None if host is stalled else 0) for host in fleet.hosts})
    fleet.check_taken_over(stalled, leases, stored)
    fleet.check_outcome()


def test_uploads_are_retried_across_an_s3_restart_and_the_run_completes(fleet: Fleet) -> None:
    fleet.start(*RUNNER_ARGS)
    fleet.wait_until("every runner rendering a job", fleet.every_host_holds_a_job, STARTUP_S)

    fleet.s3.stop()  # same address, ports and data when it comes back
    # the line the runner prints when it will store a rendered file again (wording aside, it names the S3 upload)
    fleet.wait_for_output("an upload that failed while S3 was down", r"^retry user \d+: .*S3 upload to \S+ failed", STARTUP_S)
    fleet.s3.start()

    codes = fleet.wait_for_exit(WALL_BOUND_S)
    fleet.check_exit_codes(codes, {host.name: 0 for host in fleet.hosts})
    fleet.check_outcome(written_once=False)  # an upload cut by the stop may have been stored before the retry
    fleet.check_rendered_once()  # the uploads were retried, not the renders


def test_a_dead_hosts_jobs_are_claimed_again_after_the_lease(fleet: Fleet) -> None:
    fleet.start(*RUNNER_ARGS)
    # a machine that loses power sends nothing more (no FIN, no RST): its link goes first, then
    # every process on it; the link stays down, the host is gone
    doomed, held = fleet.cut_while_holding(STARTUP_S)
    assert doomed.kill_all() >= 1
    assert doomed.pids() == [], f"processes left on {doomed.name}: {doomed.pids()}"
    leases = {int(job["user_id"]): job["lease_expires_at"] for job in held}

    fleet.wait_until(f"the dead host's jobs ({sorted(leases)}) finished by the other runners", finished(leases), LEASE_S + STARTUP_S)
    codes = fleet.wait_for_exit(WALL_BOUND_S)
    assert codes[doomed.name] < 0, f"the runner on the dead host ended with {codes[doomed.name]}, not killed\n{fleet.describe()}"
    fleet.check_exit_codes(codes, {host.name: (None if host is doomed else 0) for host in fleet.hosts})
    fleet.check_taken_over(doomed, leases)
    fleet.check_outcome()
