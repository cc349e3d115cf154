"""Scene segments shared by a fleet: `render-runner go --segment-cache URI`.

Every machine keeps its own segment cache on disk (remotion/worker/segments/segment-cache.mjs). With
a shared location (an S3 prefix, e.g. `s3://bucket/recap-segments`, or a folder every machine
mounts), a scene is captured and encoded once per fleet instead of once per machine:

- before a sparse render, the worker is asked which segments the video shows (a plan request,
  render/pool.py) and those missing from the local cache are fetched from the shared location;
- after it, the segments the render made are published there: written under a temporary key,
  then moved to `<key>.h264` (a server-side copy on S3), so a reader never sees half a segment. Two
  machines publishing the same segment waste an upload; the bytes are the same, nothing breaks.

It is a cache: a failure to read or write it never fails a job (the render makes what is missing);
the runner logs the failures as warnings and the counts at the end of the run.
Keys include the template version and the encoder, so segments of an older template are simply
never asked for again: expire the prefix with a bucket lifecycle rule (e.g. 30 days). Segments
show names, so erasure deletes the segments a withdrawn user's video showed (runner.erase_withdrawn),
here and in this machine's cache.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from render_runner.storage.base import Storage, StorageError

SUFFIX = ".h264"
TEMP_PREFIX = ".incoming/"
_KEY = re.compile(r"[0-9a-f]{16,64}")


def local_segment_dir() -> Path:
    """This machine's segment cache folder: the worker's (RECAP_SEGMENT_CACHE_DIR, else $TMPDIR/dream-recap-segments)."""
    return Path(os.environ.get("RECAP_SEGMENT_CACHE_DIR") or Path(tempfile.gettempdir()) / "dream-recap-segments")


def valid_keys(keys: object) -> list[str]:
    """The segment keys of a worker reply that look like keys (anything else is ignored, never a path)."""
    return [k for k in keys if isinstance(k, str) and _KEY.fullmatch(k)] if isinstance(keys, list) else []


MAX_REPORTED_ERRORS = 20  # an outage fails every call: say it this many times, not once per segment


@dataclass
class SharedSegments:
    """The shared location, what this run took from it and gave to it, and what went wrong.

    `on_error` hears each of the first MAX_REPORTED_ERRORS failures (the runner logs them as
    warnings). The render pool calls fetch/publish from several threads at once.
    """

    storage: Storage
    on_error: Callable[[str], None] = lambda message: None
    fetched: int = 0
    published: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def fetch_missing(self, keys: list[str], local_dir: Path) -> int:
        """Copy the shared segments among `keys` that `local_dir` lacks into it; how many came."""
        came = 0
        local_dir.mkdir(parents=True, exist_ok=True)
        for key in valid_keys(keys):
            final = local_dir / f"{key}{SUFFIX}"
            if final.exists():
                continue
            tmp = local_dir / f".tmp-{key}-{secrets.token_hex(4)}"
            try:
                if self.storage.get(f"{key}{SUFFIX}", tmp):
                    os.replace(tmp, final)
                    came += 1
            except (StorageError, OSError) as exc:
                self._failed(f"shared segment cache: could not fetch a segment ({exc}); rendering it here")
                break
            finally:
                tmp.unlink(missing_ok=True)
        with self._lock:
            self.fetched += came
        return came

    def publish(self, keys: list[str], local_dir: Path) -> int:
        """Share the segments among `keys` that `local_dir` holds and the shared location lacks."""
        sent = 0
        for key in valid_keys(keys):
            local = local_dir / f"{key}{SUFFIX}"
            if not local.exists():
                continue  # not kept locally (the cache is off, or it was evicted already)
            incoming = f"{TEMP_PREFIX}{key}-{secrets.token_hex(6)}{SUFFIX}"
            try:
                if self.storage.exists(f"{key}{SUFFIX}"):
                    continue
                self.storage.put(local, incoming, "video/h264")
                self.storage.move(incoming, f"{key}{SUFFIX}")
                sent += 1
            except (StorageError, OSError) as exc:
                self._failed(f"shared segment cache: could not publish a segment ({exc})")
                with contextlib.suppress(StorageError, OSError):
                    self.storage.delete(incoming)  # a put whose move failed leaves nothing half-shared
                break
        with self._lock:
            self.published += sent
        return sent

    def summary(self) -> str:
        return f"shared segment cache: {self.fetched} segments fetched, {self.published} published, {len(self.errors)} errors"

    def _failed(self, message: str) -> None:
        with self._lock:
            if len(self.errors) >= MAX_REPORTED_ERRORS:
                return
            self.errors.append(message)
        self.on_error(message)


def erase_segments(keys: list[str], local_dir: Path, shared: SharedSegments | None) -> None:
    """Delete these segments from this machine's cache and the fleet's (a `StorageError` if that fails)."""
    for key in valid_keys(keys):
        (local_dir / f"{key}{SUFFIX}").unlink(missing_ok=True)
        if shared is not None:
            shared.storage.delete(f"{key}{SUFFIX}")
