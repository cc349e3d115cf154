"""Where finished videos and posters go: a local folder (the default) or an S3 bucket.

The runner only sees the `Storage` protocol (`base.py`); `open_storage(--output)` picks the backend
(`local.py`, `s3.py`). Object keys are derived in `keys.py`, from the secret that `secret.py` loads.
"""

from __future__ import annotations

import re
import tempfile
import uuid
from pathlib import Path

from render_runner.storage.base import Storage, StorageError, check_key
from render_runner.storage.local import LocalStorage
from render_runner.storage.s3 import S3Settings, S3Storage, parse_s3_uri

__all__ = [
    "LocalStorage",
    "S3Settings",
    "S3Storage",
    "Storage",
    "StorageError",
    "check_key",
    "check_output",
    "open_storage",
    "probe_storage",
    "parse_s3_uri",
]


# `gs://x`, `http://x`, `s3:/b/x`, `file:x`...: a scheme we do not speak. A bare `C:` or `out:2`
# also matches; `./out:2` is the way to name such a folder.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
PROBE_PREFIX = ".render-runner-probe-"


def check_output(output: str) -> str:
    """Refuse an --output that is neither a local path nor a clean `s3://bucket[/prefix]`."""
    if not output.strip():
        raise StorageError("--output is empty: give a folder (e.g. ./out) or s3://bucket/prefix", transient=False)
    if output.startswith("s3://"):
        parse_s3_uri(output)
        return output
    if output.startswith("file://"):
        return output
    scheme = _SCHEME.match(output)
    if scheme:
        hint = " (did you mean s3://...?)" if scheme.group(0).lower() == "s3:" else ""
        raise StorageError(
            f"--output {output!r}: unsupported location {scheme.group(0)!r}{hint}; give a folder (e.g. ./out) or s3://bucket/prefix",
            transient=False,
        )
    return output


def open_storage(output: str, s3_endpoint_url: str | None = None, settings: S3Settings | None = None, *, probe: bool = False) -> Storage:
    """`s3://bucket/prefix` -> S3Storage (bucket checked now), a path -> a local folder; anything else is an error.

    `probe`: also write and delete a tiny object under the root, so that a storage that cannot be
    written (access denied, a read-only folder, a policy without delete) stops a run before it renders.
    """
    check_output(output)
    storage: Storage
    if output.startswith("s3://"):
        bucket, prefix = parse_s3_uri(output)
        s3 = S3Storage(bucket, prefix, endpoint_url=s3_endpoint_url, settings=settings or S3Settings())
        s3.check_bucket()
        storage = s3
    else:
        local = LocalStorage(Path(output.removeprefix("file://")).expanduser())
        local.ensure_root()
        storage = local
    if probe:
        probe_storage(storage)
    return storage


def probe_storage(storage: Storage) -> None:
    """Write, then delete, a tiny object under the storage root; a `StorageError` says why it failed."""
    key = f"{PROBE_PREFIX}{uuid.uuid4().hex}.txt"
    with tempfile.TemporaryDirectory(prefix="render-runner-probe-") as tmp:
        path = Path(tmp) / "probe.txt"
        path.write_text("render-runner checks that it can write here; this file is deleted at once\n")
        try:
            storage.put(path, key, "text/plain")
        except StorageError as exc:
            raise StorageError(f"cannot write to {storage.describe()}: {exc}", transient=exc.transient) from exc
    try:
        storage.delete(key)
    except StorageError as exc:
        raise StorageError(f"cannot delete from {storage.describe()} (needed to erase withdrawn users' videos): {exc}", transient=exc.transient) from exc
