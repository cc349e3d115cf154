"""The render identity: what must match for a stored video to count as this run's result."""

from __future__ import annotations

import pytest

from render_runner.config import RenderSettings, ShareSettings
from render_runner.queue.identity import RenderIdentity, was_partial
from render_runner.share import page


def test_render_identity_names_every_pixel_setting_and_never_the_secret() -> None:
    secret = b"s" * 40
    base = RenderIdentity.of("v1", RenderSettings(), "/out", secret)
    assert secret.decode() not in base.location and not base.partial
    for change in ({"scale": 0.5}, {"mode": "full"}, {"jpeg_quality": 90}, {"x264_preset": "medium"}, {"crf": 23}, {"frame_range": (0, 4)},
                   {"soundtrack": "none"}, {"soundtrack": "sha256:" + "0" * 64}):
        assert RenderIdentity.of("v1", RenderSettings(**change), "/out", secret).settings != base.settings, change
    assert RenderIdentity.of("v1", RenderSettings(tabs=2, segment_cache_mb=1), "/out", secret) == base  # speed, not pixels
    assert RenderIdentity.of("v1", RenderSettings(), "/out", b"t" * 40).location != base.location
    smoke = RenderIdentity.of("v1", RenderSettings(frame_range=(0, 4)), "/out", secret)
    assert smoke.partial and smoke.finished_status == "smoke" and was_partial(smoke.settings) and not was_partial(base.settings)


def test_the_share_pages_options_are_part_of_the_identity() -> None:
    """They decide the page stored with the video: a new link, base URL or --share-public renders again."""
    secret = b"s" * 40
    base = RenderIdentity.of("v1", RenderSettings(), "/out", secret)
    assert base == RenderIdentity.of("v1", RenderSettings(), "/out", secret, ShareSettings())
    changes = [ShareSettings(link="https://a.example/app"), ShareSettings(public=True), ShareSettings(base_url="https://cdn.example/r")]
    settings = {RenderIdentity.of("v1", RenderSettings(), "/out", secret, share).settings for share in changes}
    assert len(settings) == 3 and base.settings not in settings
    assert RenderIdentity.of("v1", RenderSettings(), "/out", secret, ShareSettings(link="https://b.example/app")).settings not in settings


def test_a_changed_page_template_is_a_changed_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    before = RenderIdentity.of("v1", RenderSettings(), "/out", b"s" * 40)
    monkeypatch.setattr(page, "PAGE_VERSION", "0" * 16)
    assert RenderIdentity.of("v1", RenderSettings(), "/out", b"s" * 40).settings != before.settings
