"""Scratch folders of one process, under one root; those of processes that died are swept.

A folder is named `<pid>-<tag>`. Whoever makes a new one first removes the folders whose pid is no
longer alive on this host (a runner killed with SIGKILL cannot clean up after itself). Render
workers get their folders inside their runner's (see `render.pool`), so they are swept with it.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path


def make_scratch_dir(root: Path, tag: str | None = None) -> Path:
    """A new, empty folder `<root>/<pid>-<tag>` for this process, after sweeping dead processes' ones."""
    root.mkdir(parents=True, exist_ok=True)
    sweep_dead(root)
    path = root / f"{os.getpid()}-{tag or secrets.token_hex(3)}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sweep_dead(root: Path) -> int:
    """Remove the folders under `root` whose owner pid is not running; returns how many."""
    removed = 0
    for stale in root.iterdir():
        pid = stale.name.split("-")[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
            removed += 1
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
