"""Which headless browser Remotion should drive."""

from __future__ import annotations

import os
from pathlib import Path

from render_runner.errors import RecapError

# Debian's /usr/bin/chromium is a wrapper script that adds flags and prints shell errors;
# the real binary lives in /usr/lib/chromium.
CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)


def find_browser() -> str | None:
    """RECAP_BROWSER_EXECUTABLE, else a system Chromium/Chrome, else None (Remotion downloads its own)."""
    explicit = os.environ.get("RECAP_BROWSER_EXECUTABLE")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise RecapError(f"RECAP_BROWSER_EXECUTABLE={explicit} is not an executable file")
        return explicit
    for candidate in CANDIDATES:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None
