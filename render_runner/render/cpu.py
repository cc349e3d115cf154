"""CPU time of a process tree (a render worker with its browser and ffmpeg), from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path


def process_tree_cpu_s(root: int) -> float:
    """CPU-seconds (user + system, including reaped children) of `root` and all its descendants now."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            text = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        rest = text[text.rfind(")") + 2 :].split()
        parents[int(name)] = int(rest[1])
        cpu[int(name)] = sum(int(v) for v in rest[11:15])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += cpu.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total / ticks
