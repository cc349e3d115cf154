"""Object keys that cannot be guessed: where a user's video and poster live in storage.

A key is an HMAC of the user id and year under a secret, so knowing (or enumerating) user ids
tells nobody where other users' videos are. The secret must be the same on every machine that
renders into one bucket, otherwise each machine would store the same user under a different key:
set `RECAP_KEY_SECRET` everywhere (or copy one `.recap_key` file). For the single-machine demo a
local secret is created on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from render_runner.errors import RecapError

SECRET_ENV_VAR = "RECAP_KEY_SECRET"
SECRET_FILE_NAME = ".recap_key"

# 32 hex characters = 128 bits of the HMAC: far beyond guessing, and short enough for URLs and
# file names. Changing this changes every key (all objects would be stored again).
KEY_HEX_CHARS = 32


def object_key(user_id: int, year: int, secret: bytes) -> str:
    """The secret, stable key for one user's recap of one year (hex HMAC-SHA256, 32 chars)."""
    if not secret:
        raise RecapError("the object key secret is empty; set RECAP_KEY_SECRET or delete .recap_key")
    message = f"{user_id}:{year}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]


def video_key(prefix: str, year: int, key: str) -> str:
    """`<prefix>/<year>/<key>.mp4`, relative to the storage root (no leading slash).

    The storage itself is already rooted at the `--output` prefix (`s3://bucket/prefix` or a
    folder), so the runner normally passes `prefix=""`; a non-empty prefix adds a sub-folder.
    """
    return _join(prefix, str(year), f"{key}.mp4")


def poster_key(prefix: str, year: int, key: str) -> str:
    """`<prefix>/<year>/<key>.jpg`: the poster still next to its video."""
    return _join(prefix, str(year), f"{key}.jpg")


def load_secret(project_dir: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The key secret: `RECAP_KEY_SECRET` if set, else `<project_dir>/.recap_key`, else a new one.

    A new secret is 32 random bytes written as hex to `.recap_key` with mode 0600. Creation is
    atomic and race-free (write a private temp file, then hard-link it into place), so several
    runner processes starting at once on one machine all end up with the same secret.
    """
    env = os.environ if environ is None else environ
    if SECRET_ENV_VAR in env:
        value = env[SECRET_ENV_VAR].strip()
        if not value:
            # An empty variable is a deployment mistake; silently falling back to a per-machine
            # file would scatter the same user under different keys.
            raise RecapError(f"{SECRET_ENV_VAR} is set but empty; set it to a long random string or unset it")
        return value.encode()
    path = Path(project_dir) / SECRET_FILE_NAME
    if not path.exists():
        _create_secret_file(path)
    return _read_secret_file(path)


def _read_secret_file(path: Path) -> bytes:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise RecapError(f"cannot read the key secret {path}: {exc.strerror}") from exc
    if not value:
        raise RecapError(f"the key secret file {path} is empty; delete it to create a new one, or set {SECRET_ENV_VAR}")
    return value.encode()


def _create_secret_file(path: Path) -> None:
    """Create `path` with a fresh secret unless another process wins the race (then keep theirs)."""
    tmp = path.with_name(f"{path.name}.tmp-{secrets.token_hex(6)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # fails if it exists: never replaces a secret already in use
        except FileExistsError:
            pass
    except OSError as exc:
        raise RecapError(f"cannot create the key secret {path}: {exc.strerror}; set {SECRET_ENV_VAR} instead") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p.strip("/"))
