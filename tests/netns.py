"""Several network hosts on one machine, for tests of what the network does to a fleet.

Each host is a Linux network namespace with its own address, joined to a bridge in the root
namespace by a veth pair (`ip netns`, iproute2; needs root). The test process itself stays in the
root namespace and reaches every host through the bridge. A host can be partitioned (its link
taken down, as a cable pulled or a switch port lost) and healed, or killed whole (every process in
its namespace, as a machine that vanishes).

Addresses come from 198.18.0.0/15, the range RFC 2544 sets aside for benchmark networks: it is
never routed, and traffic sent there can only reach the namespaces made here. Nothing else is a
target.

The fixtures never skip: without root or `ip`, the test fails and says why.
"""

from __future__ import annotations

import ipaddress
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from tests.pg_server import PgServer, _as_postgres_user, _pg_bin
from tests.s3_server import SeaweedS3

SUBNET_POOL = ipaddress.ip_network("198.18.0.0/15")


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def check_can_make_hosts() -> None:
    """Raise with the reason when this machine cannot create network namespaces."""
    if shutil.which("ip") is None:
        raise RuntimeError("`ip` (iproute2) is not installed: apt-get install iproute2")
    if os.geteuid() != 0:
        raise RuntimeError("network-namespace tests need root (ip netns add); run them as root, as CI does")


def _free_subnet() -> ipaddress.IPv4Network:
    """A /24 of SUBNET_POOL that no interface of this machine uses yet (several sessions may run)."""
    used = _ip("-4", "-o", "addr", "show").stdout
    subnets = list(SUBNET_POOL.subnets(new_prefix=24))
    for _ in range(64):
        subnet = subnets[secrets.randbelow(len(subnets))]
        if f" {subnet.network_address + 1}/" not in used:
            return subnet  # type: ignore[return-value]
    raise RuntimeError("no free /24 in 198.18.0.0/15 for test hosts")


@dataclass
class NetHost:
    """One host: a network namespace with one address on the test network, and its own host name
    (`name`): what `socket.gethostname()` says to processes started on it, so runner ids
    (`<hostname>:<pid>:...`) tell which host owns a lease, and runners on two hosts never take
    each other for local processes."""

    name: str
    address: str
    link: str  # the root-namespace end of its veth pair: down = partitioned

    def command(self, cmd: Sequence[str]) -> list[str]:
        """`cmd` run on this host: inside its namespace, in a UTS namespace named after it. Every
        step execs the next, so the process started is `cmd` itself (same pid)."""
        return ["ip", "netns", "exec", self.name, "unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', self.name, *cmd]

    def run(self, cmd: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(cmd), capture_output=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]

    def popen(self, cmd: Sequence[str], **kwargs: object) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(cmd), text=True, **kwargs)  # type: ignore[call-overload,no-any-return]

    def partition(self) -> None:
        """Cut the host off the network; its processes keep running."""
        _ip("link", "set", self.link, "down")

    def heal(self) -> None:
        """Reconnect the host; returns once its bridge port forwards again (TCP may still need a
        retransmission, about a second, before a connection gets through)."""
        _ip("link", "set", self.link, "up")
        # addresses it failed to resolve while cut off would answer "no route" for a while
        _ip("-n", self.name, "neigh", "flush", "all", check=False)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            port = subprocess.run(["bridge", "link", "show", "dev", self.link], capture_output=True, text=True).stdout
            if "state forwarding" in port:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.link} did not come back up")

    def pids(self) -> list[int]:
        out = _ip("netns", "pids", self.name, check=False).stdout
        return [int(p) for p in out.split()]

    def pause(self) -> int:
        """SIGSTOP every process on this host (a machine that stalls: a VM paused, a swap storm);
        its network stays up, so connections stay open. Returns how many were stopped."""
        stopped: set[int] = set()
        for _ in range(20):  # one that forked meanwhile is stopped on the next pass
            fresh = [pid for pid in self.pids() if pid not in stopped]
            if not fresh:
                break
            for pid in fresh:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
                stopped.add(pid)
        return len(stopped)

    def resume(self) -> None:
        """SIGCONT every process on this host."""
        for pid in self.pids():
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    def kill_all(self) -> int:
        """SIGKILL every process on this host (a machine that vanishes); returns how many."""
        killed = 0
        for _ in range(20):  # processes may fork while we kill: repeat until none is left
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
            time.sleep(0.1)
        return killed


@dataclass
class HostNetwork:
    """A bridge in the root namespace and the hosts attached to it. Use as a context manager."""

    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    hosts: list[NetHost] = field(default_factory=list)
    subnet: ipaddress.IPv4Network | None = None

    @property
    def bridge(self) -> str:
        return f"rb{self.tag}"  # interface names have at most 15 characters

    @property
    def gateway(self) -> str:
        """The root namespace's own address on the test network (where the test process is)."""
        assert self.subnet is not None
        return str(self.subnet.network_address + 1)

    def __enter__(self) -> HostNetwork:
        check_can_make_hosts()
        self.subnet = _free_subnet()
        try:
            _ip("link", "add", "name", self.bridge, "type", "bridge")
            _ip("addr", "add", f"{self.gateway}/{self.subnet.prefixlen}", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_host(self, role: str) -> NetHost:
        """A new host `role` with the next free address; its loopback is up too."""
        assert self.subnet is not None
        index = len(self.hosts)
        name = f"recap-{self.tag}-{role}"
        address = str(self.subnet.network_address + 10 + index)
        outside, inside = f"rv{self.tag}{index}", f"rh{self.tag}{index}"
        _ip("netns", "add", name)
        host = NetHost(name=name, address=address, link=outside)
        self.hosts.append(host)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", name)
        _ip("link", "set", outside, "master", self.bridge)
        _ip("link", "set", outside, "up")
        host_ip = ["ip", "netns", "exec", name, "ip"]
        for args in (
            ["addr", "add", f"{address}/{self.subnet.prefixlen}", "dev", inside],
            ["link", "set", inside, "up"],
            ["link", "set", "lo", "up"],
        ):
            subprocess.run([*host_ip, *args], check=True, capture_output=True)
        return host

    def close(self) -> None:
        """Kill what runs on the hosts, delete them and the bridge (veths go with their namespace)."""
        for host in self.hosts:
            host.kill_all()
            _ip("netns", "del", host.name, check=False)
            _ip("link", "del", host.link, check=False)
        self.hosts.clear()
        _ip("link", "del", self.bridge, check=False)


@dataclass
class HostedPostgres:
    """A throwaway PostgreSQL cluster listening on one host's address only."""

    host: NetHost
    base: Path
    port: int = 5432

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def server(self) -> PgServer:
        return PgServer(host=self.host.address, port=self.port, user="postgres")

    def _pg_ctl(self, *args: str) -> None:
        command = self.host.command(_as_postgres_user([_pg_bin("pg_ctl"), "-D", str(self.data), "-w", *args]))
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={self.host.address} -c unix_socket_directories={self.base}"
            " -c fsync=off -c full_page_writes=off"
        )
        self._pg_ctl("-o", options, "-l", str(self.base / "log"), "start")

    def restart_fast(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, the server is back a moment later."""
        # -l: without a log file the new server would hold pg_ctl's output pipe open (a hang)
        self._pg_ctl("-m", "fast", "-l", str(self.base / "log"), "restart")

    def stop(self) -> None:
        with suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._pg_ctl("-m", "immediate", "stop")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join((self.base / "log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextmanager
def hosted_postgres(host: NetHost) -> Iterator[HostedPostgres]:
    """initdb + start a cluster on `host`; stopped and removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="recap-pg-netns-"))
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
    subprocess.run(
        _as_postgres_user(
            [_pg_bin("initdb"), "-D", str(base / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    # trust from the test network too (initdb's pg_hba only trusts loopback)
    with open(base / "data" / "pg_hba.conf", "a") as hba:
        hba.write("host all all 198.18.0.0/15 trust\n")
    pg = HostedPostgres(host=host, base=base)
    try:
        pg.start()
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


def can_connect(host: NetHost | None, dsn: dict[str, object], timeout_s: int = 10) -> bool:
    """Whether a client on `host` (None: the test process) reaches the database `dsn`."""
    if host is None:
        try:
            psycopg2.connect(connect_timeout=timeout_s, **dsn).close()  # type: ignore[arg-type]
            return True
        except psycopg2.OperationalError:
            return False
    code = (
        "import sys, psycopg2\n"
        "psycopg2.connect(connect_timeout=int(sys.argv[1]), **dict(a.split('=', 1) for a in sys.argv[2:])).close()"
    )
    args = [f"{k}={v}" for k, v in dsn.items()]
    return host.run([sys.executable, "-c", code, str(timeout_s), *args], timeout=timeout_s + 30).returncode == 0


# -- fixtures (registered in conftest.py) ----------------------------------------------------------


@pytest.fixture
def network() -> Iterator[HostNetwork]:
    """A test network of this test's own; every host on it is deleted afterwards."""
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
def netns_postgres(db_host: NetHost) -> Iterator[HostedPostgres]:
    """A PostgreSQL cluster on the `db` host, free to restart."""
    with hosted_postgres(db_host) as pg:
        yield pg


@pytest.fixture
def netns_s3(network: HostNetwork, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """A SeaweedFS server on an `s3` host of its own; `stop()` and `start()` restart it on the same
    address, ports and data."""
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
