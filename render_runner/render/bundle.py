"""The Remotion bundle, built once per template version and shared by every render worker; and the
template version itself.

The template version is a content hash of what decides a video's pixels and sound
(`config.TEMPLATE_SOURCES`: the composition, the worker that captures and encodes, the build
settings and the lock file that pins Remotion and the fonts). It hashes file contents under their
paths relative to `remotion/`, so two checkouts of one commit, on any machine, at any path and any
time, get the same version: the job table records it as `template_version`, and a runner re-renders
only the videos made from another version. (Hashing the bundle output instead would not do: the
bundle embeds the checkout's path.) The bundle's folder is named after it too.

What the hash cannot see is the machine: the browser, ffmpeg, the system fonts Chromium falls back
to (emoji, CJK). `render-runner info` prints them so an operator can compare machines; the container
image pins them.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from render_runner.config import BUNDLE_SCRIPT, CACHE_DIR, REMOTION_DIR, TEMPLATE_EXCLUDED, TEMPLATE_SOURCES
from render_runner.errors import RecapError
from render_runner.render.node import node_binary

# Relative imports in the composition's sources: `from '../x'`, `import '../x'`, `import('../x')`.
_RELATIVE_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}/[^'"]+)['"]""")


@dataclass(frozen=True)
class VideoBundle:
    """A built bundle: `bundle_dir` is its folder (what Remotion calls the serve URL), `version` the template version."""

    bundle_dir: Path
    version: str


def _is_excluded(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/")) or any(fnmatch.fnmatch(relative, pattern) for pattern in TEMPLATE_EXCLUDED)


def _imported_from_outside(src_dir: Path, remotion_dir: Path) -> set[Path]:
    """Files of the project that the composition imports from outside src/ (e.g. the Studio's sample payload)."""
    found: set[Path] = set()
    for file in src_dir.rglob("*"):
        if not file.is_file() or file.suffix not in (".ts", ".tsx", ".js", ".mjs", ".jsx"):
            continue
        for spec in _RELATIVE_IMPORT.findall(file.read_text(encoding="utf-8", errors="replace")):
            target = (file.parent / spec).resolve()
            if target.is_file() and target.is_relative_to(remotion_dir.resolve()) and not target.is_relative_to(src_dir.resolve()):
                found.add(remotion_dir / target.relative_to(remotion_dir.resolve()))
    return found


def template_files(remotion_dir: Path = REMOTION_DIR) -> list[str]:
    """The files whose content is the template version, as sorted POSIX paths relative to `remotion_dir`."""
    files: set[Path] = set()
    for name in TEMPLATE_SOURCES:
        path = remotion_dir / name
        if path.is_dir():
            files.update(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.add(path)
    src_dir = remotion_dir / "src"
    if src_dir.is_dir():
        files.update(_imported_from_outside(src_dir, remotion_dir))
    relative = (p.relative_to(remotion_dir).as_posix() for p in files)
    return sorted(r for r in relative if not _is_excluded(r))


def template_version(remotion_dir: Path = REMOTION_DIR) -> str:
    """SHA-256 (first 16 hex digits) over each template file's relative path and content, in path order."""
    digest = hashlib.sha256()
    for relative in template_files(remotion_dir):
        content = (remotion_dir / relative).read_bytes()
        digest.update(f"{relative}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


def _lock_packages(remotion_dir: Path) -> dict[str, dict[str, object]]:
    lock = json.loads((remotion_dir / "package-lock.json").read_text(encoding="utf-8"))
    packages: dict[str, dict[str, object]] = lock.get("packages", {})
    return packages


def remotion_version(remotion_dir: Path = REMOTION_DIR) -> str:
    """The Remotion version package-lock.json pins (what `npm ci` installs)."""
    return str(_lock_packages(remotion_dir)["node_modules/remotion"]["version"])


def installed_mismatches(remotion_dir: Path = REMOTION_DIR) -> list[str]:
    """Packages in node_modules that are not what package-lock.json pins ("name: installed X, locked Y").

    The template version hashes the lock file, not node_modules, so it only names what renders when
    node_modules is the lock's. Development tools and optional (other platforms') packages are not checked.
    """
    mismatches: list[str] = []
    for key, meta in _lock_packages(remotion_dir).items():
        if not key or meta.get("dev") or meta.get("link") or "version" not in meta:
            continue
        manifest = remotion_dir / key / "package.json"
        name = key.rsplit("node_modules/", 1)[-1]
        if not manifest.is_file():
            if not (meta.get("optional") or meta.get("devOptional")):
                mismatches.append(f"{name}: missing, locked {meta['version']}")
            continue
        installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if installed != meta["version"]:
            mismatches.append(f"{name}: installed {installed}, locked {meta['version']}")
    return mismatches


def check_node_modules(remotion_dir: Path = REMOTION_DIR) -> None:
    """Raise unless node_modules is there and holds the locked versions."""
    if not (remotion_dir / "node_modules" / "@remotion" / "renderer").exists():
        raise RecapError("remotion/node_modules is missing; run `make setup` (npm ci in remotion/)")
    mismatches = installed_mismatches(remotion_dir)
    if mismatches:
        shown = "; ".join(mismatches[:5]) + (f"; and {len(mismatches) - 5} more" if len(mismatches) > 5 else "")
        raise RecapError(f"remotion/node_modules is not what package-lock.json pins ({shown}); run `npm ci` in remotion/")


def ensure_bundle(cache_dir: Path = CACHE_DIR) -> VideoBundle:
    """Return the bundle for the current template version, building it (once) if it is not cached yet.

    bundle.mjs builds into a temp folder and renames it into place, so a folder that exists is whole.
    """
    check_node_modules()
    version = template_version()
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
