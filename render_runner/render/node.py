"""Finding Node.js, which runs the bundler, the render workers and the timeline tools."""

from __future__ import annotations

import shutil

from render_runner.errors import RecapError


def node_binary() -> str:
    node = shutil.which("node")
    if not node:
        raise RecapError("Node.js (20+) is needed to render; install it and run `make setup`")
    return node
