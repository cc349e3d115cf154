"""Which headless browser Remotion should drive: RECAP_BROWSER_EXECUTABLE, else the first
executable of scripts/browser-candidates.txt (the one list Python, Node and the shell script read)."""

from __future__ import annotations

import os
from pathlib import Path

from render_runner.config import BROWSER_CANDIDATES_FILE
from render_runner.errors import RecapError


def browser_candidates(path: Path = BROWSER_CANDIDATES_FILE) -> list[str]:
    """The list's paths, best first: one a line, `#` starts a comment."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def find_browser() -> str | None:
    """RECAP_BROWSER_EXECUTABLE, else a system Chromium/Chrome, else None (Remotion downloads its own)."""
    explicit = os.environ.get("RECAP_BROWSER_EXECUTABLE")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise RecapError(f"RECAP_BROWSER_EXECUTABLE={explicit} is not an executable file")
        return explicit
    for candidate in browser_candidates():
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None
