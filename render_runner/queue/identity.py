"""A job's render identity: what must match for a stored video to count as this run's result.

A job is `done` when the video and poster for the current identity are stored at the current
location. The identity is the payload hash (per job, from recap_payloads), the template version
(the bundle's fingerprint), every render setting that changes pixels or sound, and the storage
location (the output root and a fingerprint of the key secret, never the secret); the share page's
options (`--share-link`, `--share-public`, `--share-base-url`) and template count as settings. The job table
keeps the last three as `template_version`, `render_settings` and `storage_location`; `sync`
makes a finished job pending again when any part differs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from render_runner.config import RenderSettings, ShareSettings
from render_runner.share import page

# The RenderSettings fields that change what a viewer sees or hears (the soundtrack is its content
# hash, never a path). Adding one is one line here. Not listed: tabs and segment_cache_mb change speed.
PIXEL_SETTINGS = ("scale", "mode", "jpeg_quality", "x264_preset", "crf", "frame_range", "soundtrack")


def settings_key(settings: RenderSettings, share: ShareSettings | None = None) -> str:
    """The pixel-relevant settings and the share page's (under `share`) as canonical JSON (stable
    across runs, readable in the table).

    The share options and the page's template (`share.page.PAGE_VERSION`) decide the page stored
    with the video, so a changed link, base URL, `--share-public` or page template renders the job
    again (simple and always right; re-making the page alone would do, and is left for later).
    """
    values: dict[str, object] = {}
    for name in PIXEL_SETTINGS:
        value = getattr(settings, name)
        values[name] = list(value) if isinstance(value, tuple) else str(value) if isinstance(value, str) else value
    values["scale"] = float(settings.scale)
    values["share"] = {**(share or ShareSettings()).as_identity(), "page": page.PAGE_VERSION}
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def was_partial(settings_json: str | None) -> bool:
    """Whether stored `render_settings` describe a partial (`--frames`) render."""
    if not settings_json:
        return False
    try:
        return json.loads(settings_json).get("frame_range") is not None
    except (ValueError, AttributeError):
        return False


def secret_fingerprint(secret: bytes) -> str:
    """16 hex characters that change with the key secret and reveal nothing about it."""
    return hashlib.sha256(b"dream-recap key fingerprint\0" + secret).hexdigest()[:16]


@dataclass(frozen=True)
class RenderIdentity:
    """What a run would produce, apart from the per-job payload hash."""

    template_version: str
    settings: str  # settings_key()
    location: str  # storage root + secret fingerprint
    partial: bool  # a `--frames` smoke run: its jobs end `smoke`, never `done`

    @classmethod
    def of(
        cls, template_version: str, settings: RenderSettings, storage_root: str, secret: bytes, share: ShareSettings | None = None
    ) -> RenderIdentity:
        return cls(
            template_version=template_version,
            settings=settings_key(settings, share),
            location=f"{storage_root}#key={secret_fingerprint(secret)}",
            partial=settings.frame_range is not None,
        )

    @property
    def finished_status(self) -> str:
        return "smoke" if self.partial else "done"
