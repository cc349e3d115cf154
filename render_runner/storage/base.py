"""What the runner needs from a place that stores rendered files, and how storage errors are classified.

Keys are relative to the storage root (the folder, or `s3://bucket/prefix`) and are built by
`render_runner.storage.keys`. Every backend is idempotent (a retried job overwrites the same key)
and never exposes a partial object.

Every failure is a `StorageError` with a one-line reason, because the runner stores that string in
the job's `last_error` for a person to read, and a `transient` flag the retry policy reads.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Protocol

from render_runner.errors import RecapError

# Local errors that can pass on their own (disk full after cleanup, NFS hiccup); the rest won't.
_TRANSIENT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE}


class StorageError(RecapError):
    """Storing or reading an object failed; the message is one readable line.

    `transient` is a hint for the retry policy: False means retrying will not help until someone
    changes the configuration (missing bucket, wrong credentials, unreadable local file).
    `every_job`: the error is not about this object but about the storage itself (access denied,
    no such bucket, bad credentials): every other job would fail the same way, so the run stops.
    """

    def __init__(self, message: str, *, transient: bool = True, every_job: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
        self.every_job = every_job and not transient


class Storage(Protocol):
    """What the runner needs from a place that stores rendered files."""

    def put(self, local_path: Path, relative_key: str, content_type: str) -> str:
        """Store the file under the key (overwriting) and return its URI.

        The local file may be moved away (the local backend renames it into place when it can),
        so the caller must not rely on it afterwards and cleans up with `missing_ok=True`.
        """
        ...

    def move(self, from_key: str, to_key: str) -> str:
        """Give a stored object another key (overwriting), atomically for readers; returns the new URI.

        The runner stores under a temporary key and moves the object to its final key only after
        checking it still holds the job (fencing, see `render_runner.runner`).
        """
        ...

    def uri(self, relative_key: str) -> str:
        """The URI `put` returns for this key, without storing anything."""
        ...

    def exists(self, relative_key: str) -> bool: ...

    def get(self, relative_key: str, local_path: Path) -> bool:
        """Copy the stored object to `local_path`; False (nothing written) when there is none."""
        ...

    def size(self, relative_key: str) -> int | None:
        """Size in bytes, or None when there is no such object."""
        ...

    def url(self, uri_or_key: str, expires_s: int) -> str:
        """Where a person can fetch it: a presigned GET URL (S3) or an absolute path (local)."""
        ...

    def public_url(self, relative_key: str) -> str | None:
        """The plain, unsigned URL of the object (anyone can fetch it when it is public, see
        `--share-public`); None for a local folder, which has no address of its own."""
        ...

    def delete(self, relative_key: str) -> None:
        """Remove the object if present (smoke files a full render replaced, erasure, tests)."""
        ...

    def delete_uri(self, uri: str) -> None:
        """Remove an object by the URI `put` returned (possibly under an older root); absent is fine."""
        ...

    @property
    def location(self) -> str:
        """Where this storage puts files, as part of a job's render identity (no secrets)."""
        ...

    def describe(self) -> str:
        """One line for logs and the progress header, e.g. `s3://bucket/prefix at http://...`."""
        ...

    @property
    def local_dir(self) -> Path | None:
        """The folder the files are in when they are on this machine; None for remote storage."""
        ...


def check_key(relative_key: str) -> str:
    """Reject keys that could escape the storage root or mean different things on S3 and disk."""
    parts = relative_key.split("/")
    if not relative_key or relative_key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"invalid storage key {relative_key!r}: expected a relative path like 2024/abc.mp4", transient=False)
    return relative_key


def transient_os_error(exc: OSError) -> bool:
    """Whether a filesystem error can pass on its own (a full disk after cleanup, an NFS hiccup)."""
    return exc.errno in _TRANSIENT_ERRNOS
