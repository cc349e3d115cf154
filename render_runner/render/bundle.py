"""The Remotion bundle: built once per change of the composition, shared by every render worker.

One fingerprint names it: a hash of the sources that go into the bundle (`config.BUNDLE_SOURCES`)
and the payload contract. It is the bundle's folder name and its version, which the job table
records as `template_version`: a change to any of those files renders every video again.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from render_runner.config import BUNDLE_SCRIPT, BUNDLE_SOURCES, CACHE_DIR, PROJECT_DIR, REMOTION_DIR, SCHEMA_PATH
from render_runner.errors import RecapError
from render_runner.render.node import node_binary


@dataclass(frozen=True)
class VideoBundle:
    """A built bundle: `bundle_dir` is its folder (what Remotion calls the serve URL), `version` its fingerprint."""

    bundle_dir: Path
    version: str


def source_fingerprint() -> str:
    digest = hashlib.sha256()
    paths: list[Path] = []
    for name in BUNDLE_SOURCES:
        path = REMOTION_DIR / name
        if path.is_dir():
            paths.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.exists():
            paths.append(path)
    paths.append(SCHEMA_PATH)
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_DIR)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_bundle(cache_dir: Path = CACHE_DIR) -> VideoBundle:
    """Return the bundle for the current sources, building it (once) if it is not cached yet.

    bundle.mjs builds into a temp folder and renames it into place, so a folder that exists is whole.
    """
    if not (REMOTION_DIR / "node_modules" / "@remotion" / "renderer").exists():
        raise RecapError("remotion/node_modules is missing; run `make setup` (npm ci in remotion/)")
    version = source_fingerprint()
    bundle_dir = cache_dir / f"bundle-{version}"
    if not bundle_dir.is_dir():
        cache_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [node_binary(), str(BUNDLE_SCRIPT), "--out", str(bundle_dir)],
            cwd=REMOTION_DIR,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            raise RecapError(f"bundling the Remotion project failed:\n{tail}")
    return VideoBundle(bundle_dir=bundle_dir, version=version)
