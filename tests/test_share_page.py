"""The share page template (render_runner/share/page.py): escaping, tags, lang, relative and absolute URLs.

The words come from the TypeScript i18n (remotion/src/share.ts) through the render worker; the last
tests run that code for every sample payload and language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from render_runner.config import ShareSettings
from render_runner.share.page import PageMedia, ShareText, page_media, render_page
from render_runner.storage.local import LocalStorage
from render_runner.storage.s3 import S3Storage
from tests.html_page import Page
from tests.test_video_schema import SAMPLES, payload_tool

KEY = "0123456789abcdef0123456789abcdef"
LINK = "https://apps.example.com/dream-recap?ref=share&lang=fr"


def text(**overrides: str | None) -> ShareText:
    values: dict[str, str | None] = {
        "lang": "en",
        "app_name": "Dream Recap",
        "name": "Ana",
        "year": "2026",
        "title": "Ana’s 2026 in dreams",
        "description": "72 dreams written down in 2026, in one short video.",
        "line": "A whole year of nights in half a minute.",
        "cta": "Make your own year in dreams",
        "no_video": "This browser cannot play the video here.",
        "download": "Download the video",
    }
    values.update(overrides)
    return ShareText(**values)  # type: ignore[arg-type]


def media(**overrides: object) -> PageMedia:
    values: dict[str, object] = {"video_name": f"{KEY}.mp4", "poster_name": f"{KEY}.jpg", "width": 1080, "height": 1920, "duration_s": 27.4}
    values.update(overrides)
    return PageMedia(**values)  # type: ignore[arg-type]


def test_every_value_is_escaped_names_can_contain_anything() -> None:
    name = '</title><script>alert("x")</script> & \'Ana\' <b>'
    page_text = render_page(
        text(name=name, title=f"{name}’s 2026 in dreams", description=f'"{name}" wrote 3 dreams', line="<i>line</i>", cta="go & <see>"),
        media(),
        'https://apps.example.com/?a=1&b="2"><script>',
    )
    assert "<script" not in page_text and "<b>" not in page_text and "<i>" not in page_text
    page = Page(page_text)
    assert page.texts["title"] == f"{name}’s 2026 in dreams"
    assert page.meta("og:title") == f"{name}’s 2026 in dreams"
    assert page.meta("og:description") == f'"{name}" wrote 3 dreams'
    assert page.texts["bdi"] == name  # the name, isolated for its own text direction
    [cta] = [a for a in page.all("a") if a.get("class") == "cta"]
    assert cta["href"] == 'https://apps.example.com/?a=1&b="2"><script>'  # the attribute holds it whole, inert


def test_tags_point_at_the_pages_own_video_and_poster_by_relative_urls() -> None:
    page = Page(render_page(text(), media(), LINK))
    assert page.meta("og:type") == "video.other"
    assert page.meta("og:video") == f"{KEY}.mp4" and page.meta("og:video:type") == "video/mp4"
    assert (page.meta("og:video:width"), page.meta("og:video:height")) == ("1080", "1920")
    assert page.meta("og:image") == page.meta("twitter:image") == f"{KEY}.jpg"
    assert page.meta("og:image:type") == "image/jpeg"
    assert page.meta("video:duration") == "27"
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.metas("og:url") == [] and page.metas("og:video:secure_url") == []  # no public address known
    [video] = page.all("video")
    assert video["poster"] == f"{KEY}.jpg" and "controls" in video and (video["width"], video["height"]) == ("1080", "1920")
    assert [s["src"] for s in page.all("source")] == [f"{KEY}.mp4"]
    assert page.all("source")[0]["type"] == "video/mp4"
    assert page.all("script") == []  # works without JavaScript: there is none


def test_html_lang_is_the_users_locale() -> None:
    page_text = render_page(text(lang="pt-BR"), media(), None)
    assert re.search(r'<html lang="pt-BR">', page_text)
    assert Page(page_text).meta("og:locale") == "pt_BR"


def test_without_a_link_there_is_no_call_to_action() -> None:
    page = Page(render_page(text(), media(), None))
    assert [a for a in page.all("a") if a.get("class") == "cta"] == []
    assert page.all("a") and all(a["href"] == f"{KEY}.mp4" for a in page.all("a"))  # only the download links


def test_a_base_url_gives_absolute_preview_urls_while_the_page_stays_relative(tmp_path: Path) -> None:
    share = ShareSettings(base_url="https://cdn.example.com/recaps/")
    found = page_media(
        LocalStorage(tmp_path), share,
        video_key=f"2026/{KEY}.mp4", poster_key=f"2026/{KEY}.jpg", page_key=f"2026/{KEY}.html", width=270, height=480, duration_s=0.2,
    )
    page = Page(render_page(text(), found, LINK))
    assert page.meta("og:video") == page.meta("og:video:secure_url") == f"https://cdn.example.com/recaps/2026/{KEY}.mp4"
    assert page.meta("og:image") == page.meta("twitter:image") == f"https://cdn.example.com/recaps/2026/{KEY}.jpg"
    assert page.meta("og:url") == f"https://cdn.example.com/recaps/2026/{KEY}.html"
    assert page.meta("video:duration") == "1"  # at least a second
    assert page.all("video")[0]["poster"] == f"{KEY}.jpg" and page.all("source")[0]["src"] == f"{KEY}.mp4"


def test_public_s3_objects_are_previewed_at_their_object_urls() -> None:
    storage = S3Storage("bucket", "recaps", endpoint_url="http://127.0.0.1:9")  # no request is made
    keys = {"video_key": f"smoke/2026/{KEY}.mp4", "poster_key": f"smoke/2026/{KEY}.jpg", "page_key": f"smoke/2026/{KEY}.html"}
    public = page_media(storage, ShareSettings(public=True), **keys, width=270, height=480, duration_s=1.0)
    assert public.video_url == f"http://127.0.0.1:9/bucket/recaps/smoke/2026/{KEY}.mp4"
    assert public.page_url == f"http://127.0.0.1:9/bucket/recaps/smoke/2026/{KEY}.html"
    page = Page(render_page(text(), public, None))
    assert page.metas("og:video:secure_url") == []  # plain http: no secure_url
    private = page_media(storage, ShareSettings(), **keys, width=270, height=480, duration_s=1.0)
    assert (private.video_url, private.poster_url, private.page_url) == (None, None, None)
    with pytest.raises(ValueError, match="not in the page's folder"):
        page_media(storage, ShareSettings(), **{**keys, "poster_key": f"2026/{KEY}.jpg"}, width=1, height=1, duration_s=1.0)


_URL_ATTRIBUTES = {"href", "src", "poster", "action", "data", "srcset"}


def _urls(page: Page) -> tuple[list[str], list[str]]:
    """(URLs the browser may fetch or navigate to, URLs in preview meta tags)."""
    fetched = [value for _, attrs in page.elements for name, value in attrs.items() if name in _URL_ATTRIBUTES]
    fetched += re.findall(r"url\(([^)]*)\)|@import\s+([^;]+)", page.style)
    tag = re.compile(r"(og|twitter):(url|image|video)(:secure_url)?")
    previews = [a["content"] for a in page.all("meta") if tag.fullmatch(a.get("property") or a.get("name") or "")]
    return fetched, previews


@pytest.mark.parametrize("base_url", [None, "https://cdn.example.com/recaps"])
def test_no_external_url_except_the_call_to_action_and_the_preview_tags(tmp_path: Path, base_url: str | None) -> None:
    found = page_media(
        LocalStorage(tmp_path), ShareSettings(link=LINK, base_url=base_url),
        video_key=f"2026/{KEY}.mp4", poster_key=f"2026/{KEY}.jpg", page_key=f"2026/{KEY}.html", width=270, height=480, duration_s=3,
    )
    page = Page(render_page(text(), found, LINK))
    fetched, previews = _urls(page)
    assert sorted(set(fetched)) == sorted({LINK, f"{KEY}.mp4", f"{KEY}.jpg", "data:,"})
    assert all(u.startswith(f"{base_url}/2026/{KEY}.") for u in previews) if base_url else set(previews) == {f"{KEY}.mp4", f"{KEY}.jpg"}
    # the browser itself is told: nothing but the page's own folder (and inline styles)
    csp = [a["content"] for a in page.all("meta") if a.get("http-equiv", "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0] and "media-src 'self'" in csp[0] and "img-src 'self' data:;" in csp[0]
    assert page.meta("referrer") == "no-referrer"  # the unguessable page address never leaves as a Referer


def test_incomplete_worker_text_is_refused() -> None:
    with pytest.raises(ValueError, match="'cta'"):
        ShareText.from_worker({"lang": "en", "appName": "x", "year": "2026", "title": "t", "description": "d", "line": "l", "noVideo": "n", "download": "d"})


def test_every_language_gives_every_word_and_a_valid_page(tmp_path: Path) -> None:
    """The real words (remotion/src/share.ts) for every sample payload, with and without a name."""
    payloads = [json.loads(path.read_text(encoding="utf-8")) for path in SAMPLES]
    locales = ["en", "fr", "es", "de", "pt-BR", "it", "ja", "pt-PT", "es-MX", "xx"]
    payloads += [{**payloads[0], "user": {**payloads[0]["user"], "locale": tag, "name": name}} for tag in locales for name in (None, "Zoë <&>")]
    source = tmp_path / "payloads.json"
    source.write_text(json.dumps(payloads), encoding="utf-8")
    words = payload_tool("share-each", str(source))
    assert len(words) == len(payloads)
    by_locale = {}
    for payload, reply in zip(payloads, words, strict=True):
        share = ShareText.from_worker(reply)  # every word present and non-empty
        assert share.year == str(payload["year"]) and share.year in share.title
        if share.name is not None:
            assert share.name in share.title
        page = Page(render_page(share, media(), LINK))
        assert page.texts["title"] == share.title and page.meta("og:description") == share.description
        by_locale[(payload["user"]["locale"], payload["user"]["name"])] = share
    # the language of the words, with the user's own region for Intl: pt-PT gets Brazilian words, xx English
    assert {tag: by_locale[(tag, None)].lang for tag in locales} == {**{t: t for t in locales}, "xx": "en"}
    assert len({by_locale[(tag, None)].cta for tag in ("en", "fr", "es", "de", "pt-BR", "it", "ja")}) == 7
    assert by_locale[("pt-PT", None)].cta == by_locale[("pt-BR", None)].cta
    assert by_locale[("de", "Zoë <&>")].title == "Das Traumjahr 2026 von Zoë <&>"  # plain text: the page escapes it
