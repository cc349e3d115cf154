"""The render identity: what must match for a stored video to count as this run's result."""

from __future__ import annotations

from render_runner.config import RenderSettings
from render_runner.queue.identity import RenderIdentity, was_partial


def test_render_identity_names_every_pixel_setting_and_never_the_secret() -> None:
    secret = b"s" * 40
    base = RenderIdentity.of("v1", RenderSettings(), "/out", secret)
    assert secret.decode() not in base.location and not base.partial
    for change in ({"scale": 0.5}, {"mode": "full"}, {"jpeg_quality": 90}, {"x264_preset": "medium"}, {"crf": 23}, {"frame_range": (0, 4)},
                   {"soundtrack": "none"}, {"soundtrack": "sha256:" + "0" * 64}):
        assert RenderIdentity.of("v1", RenderSettings(**change), "/out", secret).settings != base.settings, change
    assert RenderIdentity.of("v1", RenderSettings(tabs=2, frame_cache_mb=1), "/out", secret) == base  # speed, not pixels
    assert RenderIdentity.of("v1", RenderSettings(), "/out", b"t" * 40).location != base.location
    smoke = RenderIdentity.of("v1", RenderSettings(frame_range=(0, 4)), "/out", secret)
    assert smoke.partial and smoke.finished_status == "smoke" and was_partial(smoke.settings) and not was_partial(base.settings)
