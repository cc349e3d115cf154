"""Start `render-runner` as a real process, the way users do, for integration tests."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.warehouse_fixtures import ScratchWarehouse, runner_env

if TYPE_CHECKING:
    from tests.netns import NetHost

RUNNER = str(Path(sys.executable).parent / "render-runner")
# Renders in these tests are real but tiny: 5 frames at a quarter of 1080x1920 (a smoke run: its
# jobs end `smoke`, never `done`). FULL renders whole videos, still at a quarter of the size.
FAST = ["--frames", "0-4", "--scale", "0.25"]
FULL = ["--scale", "0.25"]


def go_command(output: Path | str, *args: str, full: bool = False) -> list[str]:
    return [RUNNER, "go", "--output", str(output), "--verbose", *(FULL if full else FAST), *args]


def run_go(
    wh: ScratchWarehouse, output: Path | str, *args: str, env: dict[str, str] | None = None, timeout: float = 600, full: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(go_command(output, *args, full=full), env=runner_env(wh, **(env or {})), capture_output=True, text=True, timeout=timeout)


def start_go(wh: ScratchWarehouse, output: Path | str, *args: str, env: dict[str, str] | None = None, full: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen(
        go_command(output, *args, full=full),
        env=runner_env(wh, **(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


class RunnerProcess:
    """A `render-runner go` running in the background (on a test host or here), its output (stdout
    and stderr, interleaved) collected line by line as it comes, so a test can read it while the
    runner runs and show its tail when something fails."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name=f"output of {name}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self._lines.append(line)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def output(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def tail(self, lines: int = 40) -> str:
        with self._lock:
            return "".join(self._lines[-lines:]).rstrip()

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if it is still running after `timeout` seconds. Once it has
        exited, the output is complete."""
        try:
            code = self.process.wait(timeout=max(timeout, 0))
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(timeout=10)
        return code

    def wait_for_output(self, pattern: str, timeout: float) -> re.Match[str] | None:
        """The first match of `pattern` (multi-line) in the output, waiting up to `timeout` s for it."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.output, flags=re.MULTILINE)
            if match or time.monotonic() > deadline or (self.returncode is not None and not self._reader.is_alive()):
                return match
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._reader.join(timeout=10)


def start_runner(
    name: str, wh: ScratchWarehouse, output: Path | str, *args: str, host: NetHost | None = None, env: dict[str, str] | None = None
) -> RunnerProcess:
    """`render-runner go` (the cheap smoke settings of `go_command`) started on `host` (None: here)."""
    command = go_command(output, *args)
    return RunnerProcess(name, host.command(command) if host else command, runner_env(wh, **(env or {})))


def rendered_users(log: str) -> list[int]:
    """Users this runner finished (its --verbose log has one `done user N` line per finished job)."""
    return [int(m) for m in re.findall(r"^done user (\d+):", log, flags=re.MULTILINE)]


def render_starts(log: str) -> list[int]:
    """Users whose render this runner started (`render user N` in its --verbose log), repeats included."""
    return [int(m) for m in re.findall(r"^render user (\d+)$", log, flags=re.MULTILINE)]


def status_json(wh: ScratchWarehouse) -> dict[str, Any]:
    proc = subprocess.run([RUNNER, "status", "--json"], env=runner_env(wh), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def ffprobe(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
         "stream=codec_name,width,height,nb_read_frames,r_frame_rate,pix_fmt:format=duration", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )
    data = json.loads(proc.stdout)
    return {**data["streams"][0], "duration": float(data["format"]["duration"])}
