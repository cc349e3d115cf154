"""Start `render-runner` as a real process, the way users do, for integration tests."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.warehouse_fixtures import ScratchWarehouse, runner_env

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
