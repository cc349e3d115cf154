"""The Remotion bundle: built once per change of the composition, shared by every render worker."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from render_runner.errors import RecapError

PROJECT_DIR = Path(__file__).resolve().parent.parent
REMOTION_DIR = PROJECT_DIR / "remotion"
CACHE_DIR = PROJECT_DIR / ".render-cache"
# What goes into the bundle: the composition's sources, its locked dependencies and the contract.
_SOURCES = ("src", "samples", "package-lock.json", "tsconfig.json", "remotion.config.ts")


@dataclass(frozen=True)
class Template:
    """A built bundle: `serve_url` is its folder, `version` a hash of its files (the job table's template_version)."""

    serve_url: Path
    version: str


def source_fingerprint() -> str:
    digest = hashlib.sha256()
    paths: list[Path] = []
    for name in _SOURCES:
        path = REMOTION_DIR / name
        if path.is_dir():
            paths.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.exists():
            paths.append(path)
    paths.append(PROJECT_DIR / "schemas" / "recap_payload.schema.json")
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_DIR)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def node_binary() -> str:
    node = shutil.which("node")
    if not node:
        raise RecapError("Node.js (20+) is needed to render; install it and run `make setup`")
    return node


def ensure_template(cache_dir: Path = CACHE_DIR) -> Template:
    """Return the bundle for the current sources, building it (once) if it is not cached yet."""
    if not (REMOTION_DIR / "node_modules" / "@remotion" / "renderer").exists():
        raise RecapError("remotion/node_modules is missing; run `make setup` (npm ci in remotion/)")
    bundle_dir = cache_dir / f"bundle-{source_fingerprint()}"
    meta = bundle_dir.with_suffix(".json")
    if bundle_dir.is_dir() and meta.exists():
        info = json.loads(meta.read_text())
        return Template(serve_url=bundle_dir, version=info["templateVersion"])
    cache_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [node_binary(), str(REMOTION_DIR / "worker" / "bundle.mjs"), "--out", str(bundle_dir)],
        cwd=REMOTION_DIR,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RecapError(f"bundling the Remotion project failed:\n{tail}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    meta.write_text(json.dumps(info))
    return Template(serve_url=bundle_dir, version=info["templateVersion"])
