"""The share page stored beside each video and poster: `<key>.html`.

It shows the video with its poster, the year and the user's name (if any), a line and a
call-to-action link (`--share-link`), and carries the Open Graph and Twitter card tags a link
preview reads. The words come in the user's language from the render worker (remotion/src/share.ts,
the same i18n files as the video); this module fills one template (`page.html`) with them and the
facts of the stored files. Every value is HTML-escaped: names can contain anything.

The page makes no request to anywhere else: styles are inline, no fonts or scripts, a Content
Security Policy that allows only its own folder's files, and it works without JavaScript. Video
and poster are referenced by relative URLs (`<key>.mp4`, `<key>.jpg`: same folder), so the page
works from a local folder, from S3 and behind a CDN. Link previews need absolute URLs: the tags use
them when a public address is known (`--share-base-url`, or the objects' own URLs with
`--share-public` on S3), else the same relative ones (no preview then).
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from render_runner.config import ShareSettings
from render_runner.storage.base import Storage

_TEMPLATE_TEXT = resources.files("render_runner.share").joinpath("page.html").read_text(encoding="utf-8")
TEMPLATE = Template(_TEMPLATE_TEXT)
CONTENT_TYPE = "text/html; charset=utf-8"
# What decides a page besides its words and the share options: this template and this module. Part
# of the render identity (queue/identity.py), so a changed page is stored again, like a changed video.
PAGE_VERSION = hashlib.sha256(_TEMPLATE_TEXT.encode() + b"\0" + Path(__file__).read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class ShareText:
    """The page's words in the user's language, as the render worker resolved them (plain text)."""

    lang: str  # <html lang>: the user's locale tag when its language has words, else en
    app_name: str
    name: str | None
    year: str
    title: str
    description: str
    line: str
    cta: str
    no_video: str
    download: str

    @classmethod
    def from_worker(cls, data: Mapping[str, Any]) -> ShareText:
        """The worker's `share` reply (remotion/worker/render-job.mjs); a ValueError if it is incomplete."""
        names = {"lang": "lang", "app_name": "appName", "year": "year", "title": "title", "description": "description",
                 "line": "line", "cta": "cta", "no_video": "noVideo", "download": "download"}
        values: dict[str, Any] = {}
        for field_name, key in names.items():
            value = data.get(key)
            if not isinstance(value, str) or not value:
                raise ValueError(f"the render worker's share text has no {key!r}")
            values[field_name] = value
        name = data.get("name")
        values["name"] = name if isinstance(name, str) and name else None
        return cls(**values)


@dataclass(frozen=True)
class PageMedia:
    """The stored files the page shows: names relative to the page, and their absolute URLs when public."""

    video_name: str  # "<key>.mp4": same folder as the page
    poster_name: str  # "<key>.jpg"
    width: int
    height: int
    duration_s: float
    video_url: str | None = None  # absolute, for the link preview's tags; None: no public address known
    poster_url: str | None = None
    page_url: str | None = None


def public_url(storage: Storage, share: ShareSettings, relative_key: str) -> str | None:
    """Where anyone can fetch a stored file: under `--share-base-url`, else its object URL with
    `--share-public`, else None (the page then uses relative URLs, and previews show nothing)."""
    if share.base_url:
        return f"{share.base_url.rstrip('/')}/{urllib.parse.quote(relative_key, safe='/')}"
    if share.public:
        return storage.public_url(relative_key)
    return None


def page_media(
    storage: Storage, share: ShareSettings, *, video_key: str, poster_key: str, page_key: str, width: int, height: int, duration_s: float
) -> PageMedia:
    """The page's view of one job's stored files (keys relative to the storage root, as stored)."""
    for key in (video_key, poster_key):
        if posixpath.dirname(key) != posixpath.dirname(page_key):
            raise ValueError(f"{key} is not in the page's folder ({page_key})")
    return PageMedia(
        video_name=posixpath.basename(video_key),
        poster_name=posixpath.basename(poster_key),
        width=width,
        height=height,
        duration_s=duration_s,
        video_url=public_url(storage, share, video_key),
        poster_url=public_url(storage, share, poster_key),
        page_url=public_url(storage, share, page_key),
    )


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def render_page(text: ShareText, media: PageMedia, link: str | None) -> str:
    """The page's HTML; `link` is the call-to-action's target (none without it)."""
    video_ref = media.video_url or urllib.parse.quote(media.video_name)
    poster_ref = media.poster_url or urllib.parse.quote(media.poster_name)
    heading = _e(text.title)
    if text.name:  # the name in its own direction (an Arabic name in an English title)
        heading = heading.replace(_e(text.name), f"<bdi>{_e(text.name)}</bdi>", 1)
    values = {
        "lang": _e(text.lang),
        "og_locale": _e(text.lang.replace("-", "_")),
        "app_name": _e(text.app_name),
        "title": _e(text.title),
        "heading": heading,
        "description": _e(text.description),
        "line": _e(text.line),
        "no_video": _e(text.no_video),
        "download": _e(text.download),
        "video_name": _e(urllib.parse.quote(media.video_name)),
        "poster_name": _e(urllib.parse.quote(media.poster_name)),
        "video_url": _e(video_ref),
        "poster_url": _e(poster_ref),
        "og_url": f'<meta property="og:url" content="{_e(media.page_url)}">\n' if media.page_url else "",
        "og_video_secure": (
            f'<meta property="og:video:secure_url" content="{_e(video_ref)}">\n' if video_ref.startswith("https://") else ""
        ),
        "width": str(int(media.width)),
        "height": str(int(media.height)),
        "duration": str(max(1, round(media.duration_s))),
        "cta": f'<a class="cta" href="{_e(link)}" rel="noopener noreferrer">{_e(text.cta)}</a>\n' if link else "",
    }
    return TEMPLATE.substitute(values)


def write_page(path: Path, text: ShareText, media: PageMedia, link: str | None) -> Path:
    """Write the page to `path` (a scratch file: storing it is atomic) and return it."""
    path.write_text(render_page(text, media, link), encoding="utf-8")
    return path
