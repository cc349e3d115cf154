"""Object keys that cannot be guessed: where a user's video, poster and share page live in storage.

A key is an HMAC of the user id and year under a secret (`render_runner.storage.secret`), so
knowing (or enumerating) user ids tells nobody where other users' videos are.
"""

from __future__ import annotations

import hashlib
import hmac

from render_runner.errors import RecapError
from render_runner.storage.secret import SECRET_ENV_VAR

# 32 hex characters = 128 bits of the HMAC: far beyond guessing, and short enough for URLs and
# file names. Changing this changes every key (all objects would be stored again).
KEY_HEX_CHARS = 32


def object_key(user_id: int, year: int, secret: bytes) -> str:
    """The secret, stable key for one user's recap of one year (hex HMAC-SHA256, 32 chars)."""
    if not secret:
        raise RecapError(f"the object key secret is empty; set {SECRET_ENV_VAR} or delete .recap_key")
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


def page_key(prefix: str, year: int, key: str) -> str:
    """`<prefix>/<year>/<key>.html`: the share page next to its video and poster (render_runner/share/page.py)."""
    return _join(prefix, str(year), f"{key}.html")


def stored_keys(prefix: str, year: int, key: str) -> dict[str, str]:
    """The keys of everything a job stores, by name: `video`, `poster` and `page`, side by side."""
    return {"video": video_key(prefix, year, key), "poster": poster_key(prefix, year, key), "page": page_key(prefix, year, key)}


def _join(*parts: str) -> str:
    return "/".join(p.strip("/") for p in parts if p.strip("/"))
