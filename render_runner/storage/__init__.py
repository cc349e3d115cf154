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
    "check_public_output",
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


def check_public_output(output: str, public: bool) -> None:
    """`--share-public` needs an S3 output: a folder has no public address of its own."""
    if public and not output.startswith("s3://"):
        raise StorageError(
            "--share-public needs an S3 output (a folder has no public address); "
            "for a folder served by a web server, give its address with --share-base-url",
            transient=False,
        )


def open_storage(
    output: str, s3_endpoint_url: str | None = None, settings: S3Settings | None = None, *, probe: bool = False, public: bool = False
) -> Storage:
    """`s3://bucket/prefix` -> S3Storage (bucket checked now), a path -> a local folder; anything else is an error.

    `probe`: also write and delete a tiny object under the root, so that a storage that cannot be
    written (access denied, a read-only folder, a policy without delete) stops a run before it renders.
    `public` (`--share-public`, S3 only): every object is stored readable by anyone; with `probe`,
    the probe object is fetched without credentials first, so a bucket that keeps it private stops
    the run with what to change.
    """
    check_output(output)
    storage: Storage
    if output.startswith("s3://"):
        bucket, prefix = parse_s3_uri(output)
        s3 = S3Storage(bucket, prefix, endpoint_url=s3_endpoint_url, settings=settings or S3Settings(), public=public)
        s3.check_bucket()
        storage = s3
    else:
        check_public_output(output, public)
        local = LocalStorage(Path(output.removeprefix("file://")).expanduser())
        local.ensure_root()
        storage = local
    if probe:
        probe_storage(storage)
    return storage


def probe_storage(storage: Storage) -> None:
    """Write, then delete, a tiny object under the storage root; a `StorageError` says why it failed.

    A public S3 storage (`--share-public`) must also serve the object to anyone.
    """
    key = f"{PROBE_PREFIX}{uuid.uuid4().hex}.txt"
    with tempfile.TemporaryDirectory(prefix="render-runner-probe-") as tmp:
        path = Path(tmp) / "probe.txt"
        path.write_text("render-runner checks that it can write here; this file is deleted at once\n")
        try:
            storage.put(path, key, "text/plain")
        except StorageError as exc:
            raise StorageError(f"cannot write to {storage.describe()}: {exc}", transient=exc.transient) from exc
    not_public: StorageError | None = None
    if isinstance(storage, S3Storage) and storage.public:
        try:
            storage.check_public(key)
        except StorageError as exc:
            not_public = exc
    try:
        storage.delete(key)
    except StorageError as exc:
        raise StorageError(f"cannot delete from {storage.describe()} (needed to erase withdrawn users' videos): {exc}", transient=exc.transient) from exc
    if not_public is not None:
        raise not_public
