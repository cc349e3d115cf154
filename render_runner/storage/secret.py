"""The secret behind object keys: one per deployment, the same on every machine.

The secret must be the same on every machine that renders into one bucket, otherwise each machine
would store the same user under a different key: set `RECAP_KEY_SECRET` everywhere (or copy one
`.recap_key` file). For the single-machine demo a local secret is created on first use.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from render_runner.errors import RecapError
from render_runner.files import write_text_atomically

SECRET_ENV_VAR = "RECAP_KEY_SECRET"
SECRET_FILE_NAME = ".recap_key"
# A shorter secret can be guessed, and with it every user's object key computed from their id.
MIN_SECRET_CHARS = 32
MAKE_SECRET_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


def load_secret(project_dir: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The key secret: `RECAP_KEY_SECRET` if set, else `<project_dir>/.recap_key`, else a new one.

    A secret shorter than `MIN_SECRET_CHARS` is refused. A new secret is 32 random bytes written as hex
    (64 characters) to `.recap_key` with mode 0600. Creation is
    atomic and race-free (write a private temp file, then hard-link it into place), so several
    runner processes starting at once on one machine all end up with the same secret.
    """
    env = os.environ if environ is None else environ
    if SECRET_ENV_VAR in env:
        value = env[SECRET_ENV_VAR].strip()
        if not value:
            # An empty variable is a deployment mistake; silently falling back to a per-machine
            # file would scatter the same user under different keys.
            raise RecapError(f"{SECRET_ENV_VAR} is set but empty; set it to a long random string ({MAKE_SECRET_HINT}) or unset it")
        check_secret(value, SECRET_ENV_VAR)
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
    check_secret(value, str(path))
    return value.encode()


def check_secret(value: str, source: str) -> None:
    """Refuse a secret too short to keep object keys unguessable."""
    if len(value) < MIN_SECRET_CHARS:
        raise RecapError(
            f"the key secret in {source} has {len(value)} characters; it needs at least {MIN_SECRET_CHARS} "
            f"(make one with: {MAKE_SECRET_HINT})"
        )


def _create_secret_file(path: Path) -> None:
    """Create `path` with a fresh secret unless another process wins the race (then keep theirs)."""
    try:
        # replace=False: never replaces a secret already in use
        write_text_atomically(path, secrets.token_hex(32) + "\n", mode=0o600, replace=False)
    except OSError as exc:
        raise RecapError(f"cannot create the key secret {path}: {exc.strerror}; set {SECRET_ENV_VAR} instead") from exc
