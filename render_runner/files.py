"""Files that appear whole or not at all: write to a temp name next to the target, then rename.

Every place in render_runner that writes a file another process may read (stored videos, the key
secret, previews, manifests) goes through `atomic_path`, so a crash or a Ctrl-C never leaves a
partial file under the final name, and the temp file never survives either.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# `<stem>.tmp-<random><suffix>`: in-progress writes. The suffix is kept so that tools which pick a
# format from the extension (ffmpeg, Remotion) write the right one.
TEMP_MARKER = ".tmp-"


def temp_path_for(final: Path) -> Path:
    """A fresh temp name in `final`'s folder (the same filesystem, so the rename is atomic)."""
    return final.with_name(f"{final.stem}{TEMP_MARKER}{secrets.token_hex(6)}{final.suffix}")


@contextmanager
def atomic_path(final: Path, *, replace: bool = True) -> Iterator[Path]:
    """Yield a temp path to write; on success it becomes `final`, on any error it is removed.

    The data is fsynced before the name points at it and the folder after the rename. With
    `replace=False` an existing `final` is kept (hard link, which fails if the name exists): several
    processes creating the same file at once all end up with the first one's content.
    """
    final = Path(final)
    tmp = temp_path_for(final)
    try:
        yield tmp
        fsync_file(tmp)
        if replace:
            os.replace(tmp, final)
        else:
            try:
                os.link(tmp, final)
            except FileExistsError:
                pass
        fsync_dir(final.parent)
    finally:  # also Ctrl-C: no temp file is left behind either way
        tmp.unlink(missing_ok=True)


def write_text_atomically(final: Path, text: str, *, mode: int = 0o644, replace: bool = True) -> None:
    """Write `text` to `final` through `atomic_path`; the file is created with `mode`."""
    with atomic_path(final, replace=replace) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def fsync_dir(path: Path) -> None:
    """Make a rename durable; some filesystems cannot fsync a directory, which is fine."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
