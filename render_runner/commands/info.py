"""`render-runner info`: what this machine renders with, so an operator can compare the machines of a fleet.

Every machine that renders into one job table should print the same `template_version` (else each
re-queues the others' videos) and, for identical pixels, the same Remotion, browser and ffmpeg.
Nothing here fails: a missing tool or warehouse setting is reported as null or as an `error`.
No secrets: the warehouse is described by target, dialect, schema and address, never a password.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from render_runner import __version__
from render_runner.config import PROJECT_DIR, REMOTION_DIR
from render_runner.errors import RecapError
from render_runner.render.browser import find_browser
from render_runner.render.bundle import installed_mismatches, remotion_version, template_version


def _first_line(cmd: list[str]) -> str | None:
    """The first non-empty line a `--version` style command prints, or None when it cannot run."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in (proc.stdout + "\n" + proc.stderr).splitlines():
        if line.strip():
            return line.strip()
    return None


def _tool(path: str | None, version_args: list[str]) -> dict[str, str | None]:
    line = _first_line([path, *version_args]) if path else None
    return {"path": path, "version": line.split(" Copyright")[0] if line else None}


def _browser() -> dict[str, str | None]:
    try:
        path = find_browser()
    except RecapError as exc:
        return {"path": os.environ.get("RECAP_BROWSER_EXECUTABLE"), "version": None, "error": str(exc)}
    if path is None:
        return {"path": None, "version": None, "note": "no system browser: Remotion downloads its own on first use"}
    return _tool(path, ["--version"])


def _ffmpeg() -> dict[str, Any]:
    """The ffmpeg the worker prefers (remotion/worker/encode/ffmpeg.mjs): RECAP_FFMPEG, else `ffmpeg` on PATH;
    and whether holds are spliced (remotion/worker/encode/encode.mjs: RECAP_HOLD_SPLICE=0 encodes them)."""
    path = os.environ.get("RECAP_FFMPEG") or shutil.which("ffmpeg")
    found: dict[str, Any] = (
        _tool(path, ["-hide_banner", "-version"])
        if path
        else {"path": None, "version": None, "note": "no ffmpeg on PATH: the worker falls back to Remotion's (image-sequence encode)"}
    )
    found["hold_splice"] = os.environ.get("RECAP_HOLD_SPLICE") != "0"
    return found


# The system fonts the video falls back to (remotion/src/theme.ts): not vendored, so outside the
# template version; the file and a hash of it tell whether two machines draw CJK and emoji alike.
SYSTEM_FONTS = ("Noto Sans CJK JP", "Noto Color Emoji", "sans-serif")


def _system_fonts() -> dict[str, dict[str, str | None]]:
    fc_match = shutil.which("fc-match")
    fonts: dict[str, dict[str, str | None]] = {}
    for family in SYSTEM_FONTS:
        file = _first_line([fc_match, "--format=%{file}\n", family]) if fc_match else None
        sha256 = hashlib.sha256(Path(file).read_bytes()).hexdigest()[:16] if file and Path(file).is_file() else None
        fonts[family] = {"file": file, "sha256": sha256}
    return fonts


def _remotion() -> dict[str, Any]:
    try:
        locked = remotion_version(REMOTION_DIR)
    except (OSError, KeyError, ValueError) as exc:
        return {"version": None, "error": f"cannot read remotion/package-lock.json: {exc}"}
    manifest = REMOTION_DIR / "node_modules" / "remotion" / "package.json"
    return {
        "version": locked,
        "node_modules_installed": manifest.is_file(),
        "node_modules_mismatches": installed_mismatches(REMOTION_DIR) if manifest.is_file() else [],
    }


def _warehouse(profiles_dir: Path | None, target: str | None) -> dict[str, Any]:
    from render_runner.profiles import load_config

    try:
        config = load_config(profiles_dir, target)
    except RecapError as exc:
        return {"error": str(exc)}
    described: dict[str, Any] = {"target": config.target, "dialect": config.dialect, "schema": config.schema}
    if config.duckdb_path is not None:
        described["path"] = str(config.duckdb_path)
    if config.pg_dsn is not None:
        described.update({k: config.pg_dsn.get(k) for k in ("host", "port", "user", "dbname")})
        if config.pg_dsn.get("sslmode"):
            described["sslmode"] = config.pg_dsn["sslmode"]
    return described


def machine_info(profiles_dir: Path | None = None, target: str | None = None) -> dict[str, Any]:
    """Versions and paths of everything a render on this machine depends on (see the module's docstring)."""
    return {
        "version": __version__,
        "template_version": template_version(REMOTION_DIR),
        "remotion": _remotion(),
        "browser": _browser(),
        "ffmpeg": _ffmpeg(),
        "system_fonts": _system_fonts(),
        "node": _tool(shutil.which("node"), ["--version"]),
        "python": {"path": sys.executable, "version": platform.python_version()},
        "platform": platform.platform(),
        "project_dir": str(PROJECT_DIR),
        "warehouse": _warehouse(profiles_dir, target),
    }


def describe_info(details: dict[str, Any]) -> list[str]:
    """One line per entry, for a terminal: `browser: path /usr/lib/chromium/chromium; version Chromium 156...`."""
    return [f"{key}: {_flatten(value)}" for key, value in details.items()]


def _flatten(value: object, sep: str = "; ") -> str:
    if isinstance(value, dict):
        return sep.join(f"{k} {_flatten(v, ', ')}" for k, v in value.items() if v not in (None, [], ""))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
