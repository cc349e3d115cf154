"""The runner's connection survives a broken link or a restarted server (`render_runner.db`).

Unit level: a backend killed under a `Database` with a reconnect window is reconnected and the
transaction runs again; without a window, or past it, the error reaches the caller as a readable
`DatabaseUnavailable`. End to end: `render-runner go` against a Postgres cluster that is restarted
(`pg_ctl restart -m fast`) mid-run ends with exit 0 and every user rendered exactly once.
"""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest

from render_runner.db import DatabaseUnavailable, Session, WarehouseConfig, open_database
from tests.pg_server import PgServer, free_port, start_throwaway_cluster
from tests.runner_process import go_command, rendered_users
from tests.warehouse_fixtures import ScratchWarehouse, make_payload, postgres_warehouse, runner_env

pytestmark = [pytest.mark.postgres]


def _config(dsn: dict[str, object]) -> WarehouseConfig:
    return WarehouseConfig(target="postgres", dialect="postgres", schema="public", pg_dsn=dict(dsn))


def _kill_backend(dsn: dict[str, object], pid: int) -> None:
    con = psycopg2.connect(**dsn)  # type: ignore[arg-type]
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("select pg_terminate_backend(%s)", (pid,))
    con.close()


def test_a_killed_connection_is_reconnected_and_the_transaction_runs_again(pg_database: dict[str, object]) -> None:
    events: list[str] = []
    with open_database(_config(pg_database), session=Session(reconnect_s=30, on_event=events.append)) as db:
        before = db.execute("select pg_backend_pid()", fetch=True)[0][0]
        _kill_backend(pg_database, before)
        after = db.execute("select pg_backend_pid()", fetch=True)[0][0]
    assert after != before  # a new connection answered
    assert len(events) == 2 and "retrying for up to 30 s" in events[0] and "connection back" in events[1]


def test_without_a_reconnect_window_the_broken_connection_is_the_callers_error(pg_database: dict[str, object]) -> None:
    with open_database(_config(pg_database)) as db:
        _kill_backend(pg_database, db.execute("select pg_backend_pid()", fetch=True)[0][0])
        with pytest.raises(psycopg2.Error):
            db.execute("select 1", fetch=True)


def test_past_the_window_the_run_gets_a_readable_error(pg_database: dict[str, object]) -> None:
    with open_database(_config(pg_database), session=Session(reconnect_s=1.5)) as db:
        _kill_backend(pg_database, db.execute("select pg_backend_pid()", fetch=True)[0][0])
        db.config = dataclasses.replace(db.config, pg_dsn={**pg_database, "port": free_port()})  # the server is gone for good
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable, match=r"could not get it back within 2 s.*check the server and the network"):
            db.execute("select 1", fetch=True)
        assert time.monotonic() - started < 30  # it gave up (not a speed check: 1.5 s window vs. a hang)


def test_profile_settings_reach_libpq(pg_database: dict[str, object]) -> None:
    """sslmode, application_name and search_path from the profile are what the session runs with."""
    from render_runner.profiles import libpq_settings

    output = {**pg_database, "type": "postgres", "schema": "s", "application_name": "recap-test", "search_path": "s,public", "sslmode": "disable"}
    output["database"] = output.pop("dbname")
    dsn = libpq_settings(output)
    assert dsn["sslmode"] == "disable"
    with open_database(WarehouseConfig(target="t", dialect="postgres", schema="s", pg_dsn=dsn)) as db:
        app, path = db.execute("select current_setting('application_name'), current_setting('search_path')", fetch=True)[0]
        used = db.con.get_dsn_parameters()  # what libpq connected with
    assert (app, path.replace(" ", "")) == ("recap-test", "s,public")
    assert used["sslmode"] == "disable"
    assert (used["keepalives"], used["keepalives_idle"], used["tcp_user_timeout"]) == ("1", "10", "30000")


def test_sslmode_require_is_not_ignored(pg_database: dict[str, object]) -> None:
    """A profile asking for TLS gets TLS (or, from a server without it, an error as dbt does), never plain text."""
    from render_runner.errors import RecapError

    def encrypted(sslmode: str) -> bool:
        config = WarehouseConfig(target="t", dialect="postgres", schema="s", pg_dsn={**pg_database, "sslmode": sslmode})
        with open_database(config) as db:
            return bool(db.execute("select ssl from pg_stat_ssl where pid = pg_backend_pid()", fetch=True)[0][0])

    assert not encrypted("disable")
    try:
        assert encrypted("require")
    except RecapError as exc:  # a server without TLS: refusing is the right answer
        assert "SSL" in str(exc)


@pytest.fixture
def own_cluster() -> Iterator[PgServer]:
    """A throwaway cluster this test may restart (never the shared server)."""
    server = start_throwaway_cluster()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_go_survives_a_fast_restart_of_postgres_mid_run(own_cluster: PgServer, tmp_path: Path) -> None:
    users = 6
    wh: ScratchWarehouse = postgres_warehouse(tmp_path / "wh", own_cluster.dsn(own_cluster.create_database()))
    wh.write_payloads([make_payload(user_id) for user_id in range(1, users + 1)])
    out, log_path = tmp_path / "out", tmp_path / "go.log"
    with log_path.open("w") as log:
        # PYTHONFAULTHANDLER: a runner that hangs is sent SIGABRT and prints every thread's stack
        proc = subprocess.Popen(
            go_command(out, "--concurrency", "1", "--lease", "20"),
            env=runner_env(wh, PYTHONFAULTHANDLER="1"), stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        try:
            _wait_for(lambda: _count(wh, "smoke") >= 1 and _count(wh, "rendering") >= 1, proc, "a job done and one rendering", log_path)
            restarted = time.monotonic()
            own_cluster.restart_fast()
            try:
                proc.wait(timeout=300)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGABRT)
                proc.wait(timeout=30)
                pytest.fail(f"go did not finish within 5 minutes of the restart; its threads:\n{log_path.read_text()[-8000:]}")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    output = log_path.read_text()
    assert proc.returncode == 0, output[-4000:]
    assert time.monotonic() - restarted < 300
    assert "database:" in output and "connection back" in output, output[-4000:]
    assert sorted(rendered_users(output)) == list(range(1, users + 1))  # each exactly once
    jobs = wh.jobs()
    assert {j["status"] for j in jobs.values()} == {"smoke"} and len(jobs) == users
    stored = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert len([n for n in stored if n.endswith(".mp4")]) == users and len([n for n in stored if n.endswith(".jpg")]) == users
    assert not [n for n in stored if ".part-" in n]


def _count(wh: ScratchWarehouse, status: str) -> int:
    try:
        return sum(1 for j in wh.jobs().values() if j["status"] == status)
    except Exception:  # noqa: BLE001 - the job table may not exist yet
        return 0


def _wait_for(condition, proc: subprocess.Popen[str], what: str, log: Path, timeout_s: float = 600) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the runner exited ({proc.returncode}) before {what}: {log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)
