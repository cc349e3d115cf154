"""Runners, Postgres and the S3 server on separate network hosts (Linux network namespaces).

These pin down the test network itself (hosts are separate, a partition cuts a host off and
healing restores it) and that a runner on one host renders into a database and a bucket on two
others. The failure scenarios of a fleet (database restart, partition, S3 restart, a host that
vanishes) build on the same fixtures.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.netns import HostedPostgres, HostNetwork, NetHost, can_connect, hosted_postgres
from tests.runner_process import go_command, rendered_users
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import ScratchWarehouse, make_payload, postgres_warehouse, runner_env

pytestmark = [pytest.mark.netns]


@pytest.fixture
def network() -> Iterator[HostNetwork]:
    try:
        net = HostNetwork().__enter__()
    except Exception as exc:  # never a skip: CI runs as root and must be able to make hosts
        pytest.fail(f"could not create test hosts (network namespaces): {exc}", pytrace=False)
    try:
        yield net
    finally:
        net.close()


@pytest.fixture
def db_host(network: HostNetwork) -> NetHost:
    return network.add_host("db")


@pytest.fixture
def postgres(db_host: NetHost) -> Iterator[HostedPostgres]:
    with hosted_postgres(db_host) as pg:
        yield pg


@pytest.fixture
def hosted_s3(network: HostNetwork, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    host = network.add_host("s3")
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs-netns"), host=host.address, command_prefix=host.command([]))
    try:
        server.start()
    except Exception as exc:
        pytest.fail(f"could not start SeaweedFS on its test host: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def _warehouse(pg: HostedPostgres, directory: Path, users: int) -> ScratchWarehouse:
    server = pg.server
    dbname = server.create_database()
    wh = postgres_warehouse(directory, server.dsn(dbname))
    wh.write_payloads([make_payload(user_id) for user_id in range(1, users + 1)])
    return wh


def test_hosts_have_their_own_network_and_a_partition_cuts_one_off(
    network: HostNetwork, postgres: HostedPostgres
) -> None:
    runner_host = network.add_host("runner")
    dsn = postgres.server.dsn()
    assert can_connect(runner_host, dsn)
    assert can_connect(None, dsn)
    # the database listens on its host's address only: not on the runner host's loopback
    assert not can_connect(runner_host, {**dsn, "host": "127.0.0.1"}, timeout_s=2)

    runner_host.partition()
    assert not can_connect(runner_host, dsn, timeout_s=2)
    assert can_connect(None, dsn)  # only that host is cut off
    runner_host.heal()
    assert can_connect(runner_host, dsn, timeout_s=10)


def test_a_killed_host_leaves_no_process_behind(network: HostNetwork) -> None:
    host = network.add_host("doomed")
    sleeper = host.popen(["sleep", "300"])
    deadline = time.monotonic() + 30  # `ip netns exec` enters the namespace just after it starts
    while sleeper.pid not in host.pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleeper.pid in host.pids()
    assert host.kill_all() >= 1
    sleeper.wait(timeout=10)
    assert host.pids() == []


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.s3
def test_runner_on_its_own_host_renders_into_database_and_bucket_on_two_others(
    network: HostNetwork, postgres: HostedPostgres, hosted_s3: SeaweedS3, tmp_path: Path
) -> None:
    wh = _warehouse(postgres, tmp_path / "wh", users=3)
    bucket = hosted_s3.create_bucket()
    runner_host = network.add_host("runner")
    env = runner_env(wh, **hosted_s3.env())
    proc = runner_host.run(go_command(f"s3://{bucket}/recaps", "--concurrency", "1"), env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sorted(rendered_users(proc.stdout + proc.stderr)) == [1, 2, 3]
    jobs = wh.jobs()
    assert {job["status"] for job in jobs.values()} == {"smoke"}  # a --frames run (go_command) is a smoke run
    keys = [obj["Key"] for obj in hosted_s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert len([k for k in keys if k.endswith(".mp4")]) == 3
    assert len([k for k in keys if k.endswith(".jpg")]) == 3
