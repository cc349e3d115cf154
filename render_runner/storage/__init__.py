"""Where finished videos and posters go: a local folder (the default) or an S3 bucket.

The runner only sees the `Storage` protocol (`base.py`); `open_storage(--output)` picks the backend
(`local.py`, `s3.py`). Object keys are derived in `keys.py`, from the secret that `secret.py` loads.
"""

from __future__ import annotations

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
    "open_storage",
    "parse_s3_uri",
]


def open_storage(output: str, s3_endpoint_url: str | None = None, settings: S3Settings | None = None) -> Storage:
    """`s3://bucket/prefix` -> S3Storage (bucket checked now), anything else -> a local folder."""
    if output.startswith("s3://"):
        bucket, prefix = parse_s3_uri(output)
        storage = S3Storage(bucket, prefix, endpoint_url=s3_endpoint_url, settings=settings or S3Settings())
        storage.check_bucket()
        return storage
    root = Path(output.removeprefix("file://")).expanduser()
    local = LocalStorage(root)
    local.ensure_root()
    return local
