"""A local folder as storage (the default `--output out`): `<root>/<key>`, written atomically."""

from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from render_runner.files import TEMP_MARKER, atomic_path, fsync_dir, fsync_file
from render_runner.storage.base import StorageError, check_key, transient_os_error

MiB = 1024 * 1024


@dataclass(frozen=True)
class LocalStorage:
    """A folder: `<root>/<key>`. Writes are atomic: a complete file is renamed into place."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).absolute())

    def ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create output folder {self.root}: {exc.strerror}", transient=False) from exc

    def path_for(self, relative_key: str) -> Path:
        return self.root / check_key(relative_key)

    def uri(self, relative_key: str) -> str:
        return str(self.path_for(relative_key))

    def put(self, local_path: Path, relative_key: str, content_type: str) -> str:
        final = self.path_for(relative_key)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            if not _rename_into_place(Path(local_path), final):
                _copy_into_place(Path(local_path), final)
            fsync_dir(final.parent)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StorageError(f"saving {local_path} to {final} failed: {reason}", transient=transient_os_error(exc)) from exc
        return str(final)

    def move(self, from_key: str, to_key: str) -> str:
        """Rename within the folder (atomic: the final name shows the whole file or the previous one)."""
        source, final = self.path_for(from_key), self.path_for(to_key)
        try:
            os.replace(source, final)
            fsync_dir(final.parent)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StorageError(f"moving {source} to {final} failed: {reason}", transient=transient_os_error(exc)) from exc
        return str(final)

    def exists(self, relative_key: str) -> bool:
        return self.path_for(relative_key).is_file()

    def get(self, relative_key: str, local_path: Path) -> bool:
        try:
            shutil.copyfile(self.path_for(relative_key), local_path)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StorageError(f"reading {self.path_for(relative_key)} failed: {exc.strerror or exc}", transient=transient_os_error(exc)) from exc
        return True

    def size(self, relative_key: str) -> int | None:
        try:
            return self.path_for(relative_key).stat().st_size
        except FileNotFoundError:
            return None

    def url(self, uri_or_key: str, expires_s: int) -> str:
        """The absolute path (local files do not expire; `expires_s` is accepted for symmetry)."""
        path = uri_or_key.removeprefix("file://")
        if os.path.isabs(path):
            return path
        return str(self.path_for(path))

    def public_url(self, relative_key: str) -> None:
        """A folder has no public address: `--share-base-url` gives the one of a server in front of it."""
        return None

    def delete(self, relative_key: str) -> None:
        self.path_for(relative_key).unlink(missing_ok=True)

    def delete_uri(self, uri: str) -> None:
        if "://" in uri and not uri.startswith("file://"):
            raise StorageError(f"cannot delete {uri} while the output is a local folder: run `go` with that output to erase it")
        path = Path(uri.removeprefix("file://"))
        if not path.is_absolute():
            path = self.path_for(str(path))
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"deleting {path} failed: {exc.strerror or exc}", transient=transient_os_error(exc)) from exc

    @property
    def location(self) -> str:
        return str(self.root)

    def describe(self) -> str:
        return f"local folder {self.root}"

    @property
    def local_dir(self) -> Path:
        return self.root

    def remove_stale_temp_files(self, older_than_s: float = 3600.0) -> int:
        """Delete `*.tmp-*` files left by a process killed mid-copy; returns how many.

        Only old ones: a younger temp file may belong to another runner writing right now.
        """
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.root.rglob(f"*{TEMP_MARKER}*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


def _rename_into_place(src: Path, final: Path) -> bool:
    """Move `src` to `final` atomically if both are on one filesystem; False if they are not."""
    fsync_file(src)  # the data must be on disk before the name points at it
    try:
        os.replace(src, final)
    except OSError as exc:
        if exc.errno == errno.EXDEV:
            return False
        raise
    return True


def _copy_into_place(src: Path, final: Path) -> None:
    """Copy to a temp file next to `final`, then rename; the temp file never survives."""
    with atomic_path(final) as tmp, open(src, "rb") as reader, open(tmp, "xb") as writer:
        shutil.copyfileobj(reader, writer, 4 * MiB)
