"""The SeaweedFS test server itself: other tests rely on its environment and its failure messages."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.s3_server import SeaweedS3, WeedPorts

LIST_BUCKETS = "import boto3; print(' '.join(b['Name'] for b in boto3.client('s3').list_buckets()['Buckets']))"


@pytest.mark.s3
def test_subprocess_env_lets_another_process_reach_the_server(s3_server: SeaweedS3, s3_bucket: str) -> None:
    env = s3_server.subprocess_env({"PATH": "/usr/bin:/bin", "AWS_PROFILE": "someone-else", "AWS_SESSION_TOKEN": "stale"})
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    out = subprocess.run([sys.executable, "-c", LIST_BUCKETS], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert s3_bucket in out.stdout.split()


@pytest.mark.s3
def test_a_server_that_cannot_start_fails_with_its_log(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        ports = dataclasses.replace(WeedPorts.allocate(), s3=busy.getsockname()[1])
        server = SeaweedS3(tmp_path, ports=ports, startup_timeout_s=20)
        with pytest.raises(RuntimeError, match=f"(?s)SeaweedFS exited.*port {ports.s3} for S3"):
            server.start()
    assert not server.running
