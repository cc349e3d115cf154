"""Runners, Postgres and the S3 server on separate network hosts (Linux network namespaces).

These pin down the test network itself (hosts are separate, each has its own host name, a
partition cuts a host off and healing restores it, a host can be paused and killed, the hosted
servers restart) and that a runner
on one host renders into a database and a bucket on two others. The failure scenarios of a fleet
(database restart, partition, S3 restart, a host that vanishes) build on the same fixtures:
tests/test_fleet_scenarios.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg2
import pytest
from botocore.exceptions import ClientError

from tests.netns import HostedPostgres, HostNetwork, can_connect
from tests.runner_process import go_command, rendered_users
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import ScratchWarehouse, make_payload, postgres_warehouse, runner_env

pytestmark = [pytest.mark.netns]


def _warehouse(pg: HostedPostgres, directory: Path, users: int) -> ScratchWarehouse:
    server = pg.server
    dbname = server.create_database()
    wh = postgres_warehouse(directory, server.dsn(dbname))
    wh.write_payloads([make_payload(user_id) for user_id in range(1, users + 1)])
    return wh


def test_hosts_have_their_own_network_and_a_partition_cuts_one_off(
    network: HostNetwork, netns_postgres: HostedPostgres
) -> None:
    runner_host = network.add_host("runner")
    dsn = netns_postgres.server.dsn()
    assert can_connect(runner_host, dsn)
    assert can_connect(None, dsn)
    # the database listens on its host's address only: not on the runner host's loopback
    assert not can_connect(runner_host, {**dsn, "host": "127.0.0.1"}, timeout_s=2)

    runner_host.partition()
    assert not can_connect(runner_host, dsn, timeout_s=2)
    assert can_connect(None, dsn)  # only that host is cut off
    runner_host.heal()
    assert can_connect(runner_host, dsn, timeout_s=10)


def test_each_host_has_its_own_host_name(network: HostNetwork) -> None:
    one, two = network.add_host("one"), network.add_host("two")
    names = [host.run(["python3", "-c", "import socket; print(socket.gethostname())"]).stdout.strip() for host in (one, two)]
    assert names == [one.name, two.name]


def test_a_restarted_database_cuts_every_connection_and_answers_again(netns_postgres: HostedPostgres) -> None:
    dsn = netns_postgres.server.dsn()
    con = psycopg2.connect(connect_timeout=10, **dsn)  # type: ignore[arg-type]
    try:
        netns_postgres.restart_fast()
        with pytest.raises(psycopg2.OperationalError), con.cursor() as cur:
            cur.execute("select 1")
    finally:
        con.close()
    assert can_connect(None, dsn)


@pytest.mark.s3
def test_a_restarted_s3_server_keeps_its_address_and_objects(netns_s3: SeaweedS3) -> None:
    bucket = netns_s3.create_bucket()
    netns_s3.client().put_object(Bucket=bucket, Key="kept.txt", Body=b"kept")
    endpoint = netns_s3.endpoint_url
    netns_s3.stop()
    netns_s3.start()
    assert netns_s3.endpoint_url == endpoint
    # it answers as soon as its S3 front is up; reading data also needs its volume server back
    deadline = time.monotonic() + 60
    while True:
        try:
            body = netns_s3.client().get_object(Bucket=bucket, Key="kept.txt")["Body"].read()
            break
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "InternalError" or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    assert body == b"kept"


def test_a_paused_host_stops_every_process_until_resumed(network: HostNetwork) -> None:
    host = network.add_host("stalled")
    sleeper = host.popen(["sleep", "300"])
    deadline = time.monotonic() + 30
    while sleeper.pid not in host.pids() and time.monotonic() < deadline:
        time.sleep(0.05)

    def state() -> str:
        return Path(f"/proc/{sleeper.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]

    assert host.pause() >= 1
    assert state() == "T"
    host.resume()
    assert state() != "T"
    sleeper.kill()
    sleeper.wait(timeout=10)


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
    network: HostNetwork, netns_postgres: HostedPostgres, netns_s3: SeaweedS3, tmp_path: Path
) -> None:
    wh = _warehouse(netns_postgres, tmp_path / "wh", users=3)
    bucket = netns_s3.create_bucket()
    runner_host = network.add_host("runner")
    env = runner_env(wh, **netns_s3.env())
    proc = runner_host.run(go_command(f"s3://{bucket}/recaps", "--concurrency", "1"), env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sorted(rendered_users(proc.stdout + proc.stderr)) == [1, 2, 3]
    jobs = wh.jobs()
    assert {job["status"] for job in jobs.values()} == {"smoke"}  # a --frames run (go_command) is a smoke run
    keys = [obj["Key"] for obj in netns_s3.client().list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert len([k for k in keys if k.endswith(".mp4")]) == 3
    assert len([k for k in keys if k.endswith(".jpg")]) == 3
