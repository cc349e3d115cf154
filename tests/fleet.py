"""A fleet of runners, each on a test host of its own, sharing one job table (Postgres on another
host) and one bucket (SeaweedFS on a third): start it, wait for states of the job table, and check
the outcome a fleet owes whatever the network did to it (tests/test_fleet_scenarios.py).

Everything is awaited on observable state (rows of `render_jobs`, lines of a runner's output),
polled from the test process, which stays on the root namespace and so is never cut off itself.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg2
import pytest

from render_runner.storage.keys import object_key, page_key, poster_key, video_key
from tests.netns import HostedPostgres, HostNetwork, NetHost
from tests.runner_process import RunnerProcess, render_starts, rendered_users, start_runner
from tests.s3_server import SeaweedS3
from tests.warehouse_fixtures import TEST_KEY_SECRET, ScratchWarehouse, make_payload, postgres_warehouse

T = TypeVar("T")

YEAR = 2026  # the year ScratchWarehouse.write_payloads gives every payload
PREFIX = "recaps"  # the runners' --output is s3://<bucket>/recaps
SMOKE = "smoke"  # the cheap settings of go_command are a smoke run: files under smoke/, jobs end `smoke`
MAX_ATTEMPTS = 3  # `go --max-attempts` default
POLL_S = 0.2
# the job table columns shown when something fails (the others are there too: `jobs()` reads all)
SHOWN = ("status", "attempts", "claim_count", "lease_owner", "lease_expires_at", "started_at", "finished_at", "rendered_by", "bytes", "last_error")


@dataclass
class Fleet:
    network: HostNetwork
    postgres: HostedPostgres
    s3: SeaweedS3
    wh: ScratchWarehouse
    bucket: str
    users: list[int]
    hosts: list[NetHost]
    directory: Path
    runners: dict[str, RunnerProcess] = field(default_factory=dict)  # host name -> its runner
    started: float = 0.0

    @classmethod
    def create(cls, network: HostNetwork, postgres: HostedPostgres, s3: SeaweedS3, directory: Path, users: int, runner_hosts: int = 3) -> Fleet:
        """A database with `users` eligible users on the Postgres host, a bucket, and `runner_hosts` empty hosts."""
        dbname = postgres.server.create_database()
        wh = postgres_warehouse(directory, postgres.server.dsn(dbname))
        wh.write_payloads([make_payload(user_id) for user_id in range(1, users + 1)])
        hosts = [network.add_host(f"runner{i}") for i in range(1, runner_hosts + 1)]
        bucket = s3.create_bucket()
        # every write of a key stays listed as a version: a rewrite shows even when its bytes (a
        # deterministic render) and its LastModified (whole seconds) are the same as the first
        s3.client().put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        return cls(network, postgres, s3, wh, bucket, list(range(1, users + 1)), hosts, directory)

    # -- the runners ----------------------------------------------------------------------------
    @property
    def output(self) -> str:
        return f"s3://{self.bucket}/{PREFIX}"

    def work_root(self, host: NetHost) -> Path:
        """The host's own scratch disk (RECAP_WORK_ROOT): renders in progress, nothing after a run."""
        return self.directory / "hosts" / host.name / "work"

    def start(self, *args: str) -> None:
        """`render-runner go --concurrency 1 ARGS` on every runner host, all at once."""
        self.started = time.monotonic()
        for host in self.hosts:
            env = {**self.s3.env(), "RECAP_WORK_ROOT": str(self.work_root(host))}
            self.runners[host.name] = start_runner(host.name, self.wh, self.output, "--concurrency", "1", *args, host=host, env=env)

    def runner_of(self, runner_id: str | None) -> RunnerProcess | None:
        """The runner process a runner id (`<hostname>#<pid namespace>:<pid>:<hex>`) names: its host and its pid."""
        host = self.host_of(runner_id)
        runner = self.runners.get(host) if host else None
        parts = (runner_id or "").split(":")
        return runner if runner is not None and len(parts) > 1 and parts[1] == str(runner.pid) else None

    def wait_for_exit(self, bound_s: float) -> dict[str, int]:
        """Every runner's exit code, once all have exited; fails if any still runs `bound_s` seconds
        after the fleet started (the scenario's wall-time bound; the runners are killed then)."""
        codes: dict[str, int] = {}
        for name, runner in self.runners.items():
            code = runner.wait(self.started + bound_s - time.monotonic())
            if code is None:
                running = [n for n, r in self.runners.items() if r.returncode is None]
                details = self.describe()
                self.close()
                pytest.fail(f"still running {bound_s:.0f} s after the fleet started: {', '.join(running)}\n{details}", pytrace=False)
            codes[name] = code
        return codes

    def wait_for_output(self, what: str, pattern: str, timeout_s: float) -> tuple[str, re.Match[str]]:
        """The first runner whose output matches `pattern`, and the match."""
        deadline = time.monotonic() + timeout_s
        while True:
            for name, runner in self.runners.items():
                match = re.search(pattern, runner.output, flags=re.MULTILINE)
                if match:
                    return name, match
            if all(r.returncode is not None for r in self.runners.values()):
                pytest.fail(f"waiting for {what}, but every runner has exited\n{self.describe()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout_s:.0f} s\n{self.describe()}", pytrace=False)
            time.sleep(POLL_S)

    def close(self) -> None:
        """Kill the runners still running (what they started on their hosts goes with the network)."""
        for runner in self.runners.values():
            runner.kill()

    # -- the job table --------------------------------------------------------------------------
    def jobs(self) -> dict[int, dict[str, Any]]:
        """Every row of render_jobs, every column (new ones included), by user."""
        con = psycopg2.connect(connect_timeout=5, **self.wh.pg_dsn)  # type: ignore[arg-type]
        try:
            with con.cursor() as cur:
                cur.execute("select to_regclass(%s)", [f'"{self.wh.schema}".render_jobs'])
                if cur.fetchone()[0] is None:  # type: ignore[index]
                    return {}  # no runner has created it yet
                cur.execute(f'select * from "{self.wh.schema}".render_jobs order by user_id')
                columns = [c.name for c in cur.description]
                rows = cur.fetchall()
        finally:
            con.close()
        return {int(row[0]): dict(zip(columns, row, strict=True)) for row in rows}

    def host_of(self, runner_id: str | None) -> str | None:
        """The host name in a runner id (`<hostname>#<pid namespace>:<pid>:<hex>`)."""
        return runner_id.split(":", 1)[0].split("#", 1)[0] if runner_id else None

    def held(self, jobs: dict[int, dict[str, Any]], host: NetHost) -> list[dict[str, Any]]:
        """Jobs a runner on `host` is rendering."""
        return [j for j in jobs.values() if j["status"] == "rendering" and self.host_of(j["lease_owner"]) == host.name]

    def every_host_holds_a_job(self, jobs: dict[int, dict[str, Any]]) -> bool:
        return all(self.held(jobs, host) for host in self.hosts)

    def wait_until(self, what: str, predicate: Callable[[dict[int, dict[str, Any]]], T], timeout_s: float) -> T:
        """Poll the job table until `predicate(jobs)` is truthy; returns it. A database that does
        not answer (restarting) is polled again; fails after `timeout_s` or once every runner exited."""
        deadline = time.monotonic() + timeout_s
        last_error = ""
        while True:
            try:
                result = predicate(self.jobs())
                if result:
                    return result
            except psycopg2.Error as exc:
                last_error = f" (last database error: {' '.join(str(exc).split())})"
            if all(r.returncode is not None for r in self.runners.values()):
                pytest.fail(f"waiting for {what}, but every runner has exited{last_error}\n{self.describe()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout_s:.0f} s{last_error}\n{self.describe()}", pytrace=False)
            time.sleep(POLL_S)

    def cut_while_holding(self, timeout_s: float) -> tuple[NetHost, list[dict[str, Any]]]:
        """Partition a runner host at a moment its runner renders a job: the host, and the jobs it held when cut."""
        return self._while_holding("cut", lambda host: host.partition(), lambda host: host.heal(), timeout_s)

    def pause_while_holding(self, timeout_s: float) -> tuple[NetHost, list[dict[str, Any]]]:
        """Stop every process on a runner host at a moment its runner renders a job: the host, and the jobs it held."""
        return self._while_holding("paused", lambda host: host.pause(), lambda host: host.resume(), timeout_s)

    def _while_holding(
        self, what: str, act: Callable[[NetHost], object], undo: Callable[[NetHost], object], timeout_s: float
    ) -> tuple[NetHost, list[dict[str, Any]]]:
        """`act` on the first host seen rendering a job (whichever runner started first). Once that
        is done nothing on the host can change the table, so the rows read then are what it held;
        if it finished its job between the two reads, `undo` and wait for its next one."""
        for _ in range(5):
            host = self.wait_until(
                "a runner rendering a job", lambda jobs: next((h for h in self.hosts if self.held(jobs, h)), None), timeout_s
            )
            act(host)
            held = self.held(self.jobs(), host)
            if held:
                return host, held
            undo(host)
        pytest.fail(f"each host {what} had just finished its job; none held one when {what}\n{self.describe()}", pytrace=False)

    # -- the bucket -----------------------------------------------------------------------------
    def keys_of(self, user_id: int) -> tuple[str, str, str]:
        """The object keys of a user's smoke video, poster and share page in the bucket."""
        key = object_key(user_id, YEAR, TEST_KEY_SECRET.encode())
        return tuple(f"{PREFIX}/{make(SMOKE, YEAR, key)}" for make in (video_key, poster_key, page_key))  # type: ignore[return-value]

    def objects(self) -> dict[str, dict[str, Any]]:
        """Every object in the bucket, by key (Size, ETag, LastModified)."""
        client = self.s3.client()
        found: dict[str, dict[str, Any]] = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for obj in page.get("Contents", []):
                found[obj["Key"]] = obj
        return found

    def versions(self) -> dict[str, list[str]]:
        """Every write of every key (its version ids); deletions are not writes."""
        client = self.s3.client()
        found: dict[str, list[str]] = {}
        for page in client.get_paginator("list_object_versions").paginate(Bucket=self.bucket):
            for version in page.get("Versions", []):
                found.setdefault(version["Key"], []).append(version["VersionId"])
        return found

    def snapshot(self, user_ids: set[int]) -> dict[str, list[str]]:
        """The writes of these users' objects so far, to show later that nothing wrote them again."""
        versions = self.versions()
        return {k: versions.get(k, []) for u in sorted(user_ids) for k in self.keys_of(u)}

    # -- what every scenario must end with ------------------------------------------------------
    def check_exit_codes(self, codes: dict[str, int], expected: dict[str, int | None]) -> None:
        """`expected[name]` None: any exit code is fine for that runner."""
        wrong = {n: c for n, c in codes.items() if expected.get(n) is not None and c != expected[n]}
        if wrong:
            pytest.fail(f"exit codes {codes}, expected {expected}\n{self.describe()}", pytrace=False)

    def check_taken_over(self, host: NetHost, leases: dict[int, Any], stored: dict[str, list[str]] | None = None) -> None:
        """The jobs `host` held when it was cut off, paused or killed (user -> when its lease ended)
        were claimed again only after their lease ended, finished by a runner of another host, and
        (with `stored`, a `snapshot` taken once they were finished) not written again since."""
        jobs = self.jobs()
        for user, lease_end in sorted(leases.items()):
            job = jobs[user]
            if self.host_of(job["rendered_by"]) == host.name:
                pytest.fail(f"user {user} was recorded as rendered by {host.name}, the host that lost it\n{self.describe()}", pytrace=False)
            if job["started_at"] < lease_end:
                pytest.fail(
                    f"user {user} was claimed again at {job['started_at']}, before the lease of {host.name} ended at {lease_end}\n{self.describe()}",
                    pytrace=False,
                )
        if stored is not None and self.snapshot(set(leases)) != stored:
            pytest.fail(
                f"the objects of users {sorted(leases)} were written again after {host.name} came back (stale work stored):\n"
                f"versions before {stored}\nversions after  {self.snapshot(set(leases))}\n{self.describe()}",
                pytrace=False,
            )

    def check_rendered_once(self) -> None:
        """Every user's render started once in the whole fleet: what failed was retried, not re-rendered."""
        starts = Counter(u for r in self.runners.values() for u in render_starts(r.output))
        again = {u: n for u, n in sorted(starts.items()) if n != 1}
        if again or sorted(starts) != self.users:
            pytest.fail(f"renders started per user: {dict(sorted(starts.items()))}, expected one each\n{self.describe()}", pytrace=False)

    def check_outcome(self, *, written_once: bool = True) -> None:
        """Every eligible user finished once, by a runner of this fleet that said so (and no other
        runner did), one video, one poster and one share page each in the bucket, as recorded,
        written before the job was recorded finished, and nothing else there (no temporary
        `.part-` objects); no scratch files left on the hosts whose runner exited (rather than
        being killed).

        `written_once`: each of those objects was written exactly once (False where a retried
        upload may legitimately have written the same file twice: an S3 server that stored it but
        went away before it answered)."""
        problems: list[str] = []
        jobs = self.jobs()
        if sorted(jobs) != self.users:
            problems.append(f"job rows for users {sorted(jobs)}, expected {self.users}")
        reported = {name: Counter(rendered_users(r.output)) for name, r in self.runners.items()}
        objects = self.objects()
        versions = self.versions()
        for user in self.users:
            job = jobs.get(user)
            if job is None:
                continue
            if job["status"] != SMOKE:
                problems.append(f"user {user}: status {job['status']!r}, expected {SMOKE!r}")
            if not 1 <= job["attempts"] <= MAX_ATTEMPTS:
                problems.append(f"user {user}: {job['attempts']} attempts")
            if job["lease_owner"] is not None or job["last_error"] is not None:
                problems.append(f"user {user}: finished but lease_owner={job['lease_owner']!r}, last_error={job['last_error']!r}")
            owner = self.runner_of(job["rendered_by"])
            if owner is None:
                problems.append(f"user {user}: rendered_by {job['rendered_by']!r} names no runner of this fleet")
            said_done = {name: counts[user] for name, counts in reported.items() if counts[user]}
            if owner is not None and said_done != {owner.name: 1}:
                problems.append(f"user {user}: recorded as rendered by {owner.name}, but `done user {user}` was printed by {said_done or 'no runner'}")
            video, poster, page = self.keys_of(user)
            for key, column in ((video, "output_uri"), (poster, "poster_uri"), (page, "page_uri")):
                if job[column] != f"s3://{self.bucket}/{key}":
                    problems.append(f"user {user}: {column} {job[column]!r}, expected s3://{self.bucket}/{key}")
                obj = objects.get(key)
                if obj is None:
                    problems.append(f"user {user}: no object {key}")
                    continue
                if job["finished_at"] is not None and obj["LastModified"] > job["finished_at"]:
                    problems.append(f"user {user}: {key} was written at {obj['LastModified']}, after the job was recorded finished at {job['finished_at']}")
                if written_once and len(versions.get(key, [])) != 1:
                    problems.append(f"user {user}: {key} was written {len(versions.get(key, []))} times")
            if video in objects and objects[video]["Size"] != job["bytes"]:
                problems.append(f"user {user}: the stored video has {objects[video]['Size']} bytes, the job recorded {job['bytes']}")
        expected_keys = {k for u in self.users for k in self.keys_of(u)}
        temporary = sorted(k for k in objects if ".part-" in k)
        if temporary:
            problems.append(f"temporary objects left in the bucket: {temporary}")
        others = sorted(set(objects) - expected_keys - set(temporary))
        if others:
            problems.append(f"objects that belong to no user's finished job: {others}")
        for host in self.hosts:
            runner = self.runners.get(host.name)
            root = self.work_root(host)
            left = sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []
            if runner is not None and runner.returncode is not None and runner.returncode >= 0 and left:
                problems.append(f"{host.name}: its runner exited and left scratch files: {left[:10]}")
        if problems:
            pytest.fail("\n".join(["the fleet did not end as it must:", *problems, self.describe()]), pytrace=False)

    # -- for failure messages -------------------------------------------------------------------
    def describe(self) -> str:
        """The runners' exit codes and output tails, the job table, the servers' log tails."""
        parts: list[str] = []
        for name, runner in self.runners.items():
            state = "running" if runner.returncode is None else f"exit {runner.returncode}"
            parts.append(f"--- runner on {name} (pid {runner.pid}, {state}), last lines:\n{runner.tail(40)}")
        try:
            rows = self.jobs()
            table = "\n".join(
                f"user {u}: " + ", ".join(f"{c}={row[c]}" for c in SHOWN if c in row) for u, row in rows.items()
            )
        except psycopg2.Error as exc:
            table = f"(cannot read it: {' '.join(str(exc).split())})"
        parts.append(f"--- render_jobs:\n{table}")
        try:
            parts.append("--- bucket: " + ", ".join(sorted(self.objects())))
        except Exception as exc:  # the server may be down: say so and go on
            parts.append(f"--- bucket: (cannot list it: {exc})")
        parts.append(f"--- postgres log:\n{self.postgres.log_tail(15)}")
        parts.append(f"--- seaweedfs log:\n{self.s3.log_tail(15)}")
        return "\n".join(parts)
