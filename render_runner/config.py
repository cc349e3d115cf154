"""Where things are, and the settings of a run: project paths, render settings, run options.

Every path to a file outside this package (the Remotion project, the Node scripts the runner
starts, the payload schema, the browser list) is a constant here, so a move on the Node side is
a one-line change on the Python side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
REMOTION_DIR = PROJECT_DIR / "remotion"
CACHE_DIR = PROJECT_DIR / ".render-cache"  # bundles, and the runners' scratch folders (work/)
# Scratch folders of runners and their render workers (captured frames, finished files until stored):
# RECAP_WORK_ROOT puts them elsewhere, e.g. on a RAM disk in a container.
WORK_ROOT = Path(os.environ.get("RECAP_WORK_ROOT") or CACHE_DIR / "work")
SCHEMA_PATH = PROJECT_DIR / "schemas" / "recap_payload.schema.json"
BROWSER_CANDIDATES_FILE = PROJECT_DIR / "scripts" / "browser-candidates.txt"
# --soundtrack files, stored under the SHA-256 of their content (render/soundtrack.py); the Node
# worker reads them from here (remotion/worker/paths.mjs SOUNDTRACK_STORE).
SOUNDTRACK_STORE = CACHE_DIR / "soundtracks"

# The Node entry points the runner starts (run with cwd=REMOTION_DIR).
RENDER_WORKER_SCRIPT = REMOTION_DIR / "worker" / "render-worker.mjs"  # the JSON-lines render worker
BUNDLE_SCRIPT = REMOTION_DIR / "worker" / "bundle.mjs"  # bundle once: prints {"serveUrl"}
TIMELINE_STATS_CLI = REMOTION_DIR / "worker" / "bin" / "timeline-stats.mjs"  # frames to capture per payload (cost estimate)
HOLD_CLIP_CLI = REMOTION_DIR / "worker" / "bin" / "hold-clip.mjs"  # makes the H.264 hold clip up front (bench)
# What decides a video's pixels and sound, relative to REMOTION_DIR: the composition (src/, and
# public/ for static files such as audio, if there is one), the worker that captures and encodes
# (worker/), the build settings, and the lock file, which pins Remotion, React, the @fontsource
# fonts and every other package byte for byte (npm checks each tarball against its integrity hash).
# Their content hash is the template version (render/bundle.py), recorded on every job: a change to
# any of them renders every video again. Render settings are not in it: they are per job.
TEMPLATE_SOURCES = ("src", "public", "worker", "package-lock.json", "tsconfig.json", "remotion.config.ts")
# ...less what no render runs, as glob patterns on the path relative to REMOTION_DIR: the worker's
# command-line tools (tests, bench, plan) and its unit tests. Sample payloads (samples/) are left out
# too: the Studio shows one as default props, but a render always gets its user's payload.
TEMPLATE_EXCLUDED = ("worker/bin/*", "*.test.mjs")


class RenderMode(StrEnum):
    """sparse: capture only the frames that move, reuse shared scenes, encode once; full: every frame."""

    sparse = "sparse"
    full = "full"


class X264Preset(StrEnum):
    """x264's presets, fastest first."""

    ultrafast = "ultrafast"
    superfast = "superfast"
    veryfast = "veryfast"
    faster = "faster"
    fast = "fast"
    medium = "medium"
    slow = "slow"
    slower = "slower"
    veryslow = "veryslow"
    placebo = "placebo"


class LogFormat(StrEnum):
    """`--log-format`: text for people, json for log collectors (one object per line)."""

    text = "text"
    json = "json"


# Without a terminal (or with --log-format json), seconds between one-line progress records.
DEFAULT_PROGRESS_INTERVAL_S = 30.0


class ManifestFormat(StrEnum):
    """`render-runner export --format`."""

    csv = "csv"
    jsonl = "jsonl"


@dataclass(frozen=True)
class RenderSettings:
    """How frames are captured and encoded (see BENCHMARKS.md for why these defaults)."""

    jpeg_quality: int = 80
    x264_preset: str = X264Preset.veryfast
    crf: int = 20
    tabs: int = 1
    scale: float = 1.0
    frame_range: tuple[int, int] | None = None
    # "sparse": capture only the frames that move (remotion/worker/sparse.mjs), encode once;
    # "full": Remotion's renderMedia, every frame. With a frame_range the worker renders "full".
    mode: str = RenderMode.sparse
    # On-disk LRU cache of encoded scene segments shared by users (e.g. the outro of a language),
    # per machine, in $TMPDIR/dream-recap-segments (RECAP_SEGMENT_CACHE_DIR; RECAP_SEGMENT_CACHE_MB
    # overrides the size; remotion/worker/segments/segment-cache.mjs).
    segment_cache_mb: int = 4096
    # The sound of every video (remotion/worker/encode/audio.mjs): "default" (the project's ambient
    # bed), "none" (a silent AAC track) or "sha256:<hex>" of a --soundtrack file (render/soundtrack.py
    # makes it): a content fingerprint, so a changed file changes the render identity.
    soundtrack: str = "default"

    def as_worker_settings(self) -> dict[str, Any]:
        return {
            "jpegQuality": self.jpeg_quality,
            "x264Preset": str(self.x264_preset),
            "crf": self.crf,
            "tabs": self.tabs,
            "mode": str(self.mode),
            "segmentCacheMb": self.segment_cache_mb,
            "soundtrack": self.soundtrack,
        }


@dataclass(frozen=True)
class ShareSettings:
    """The share page stored beside each video (`<key>.html`, render_runner/share/page.py).

    They decide the page's content, so they are part of the render identity (queue/identity.py): a
    changed link or base URL renders the job again.
    """

    # --share-link: where the page's call-to-action goes (e.g. the app's store page); None: no call to action
    link: str | None = None
    # --share-public: video, poster and page are stored readable by anyone (S3 only), and the page's
    # Open Graph tags point at their plain object URLs
    public: bool = False
    # --share-base-url: the public address of the output root (a CDN or web server in front of the
    # storage); the Open Graph tags point there. Wins over --share-public's object URLs.
    base_url: str | None = None

    def as_identity(self) -> dict[str, Any]:
        return {"link": self.link, "public": self.public, "base_url": self.base_url}


@dataclass(frozen=True)
class RunOptions:
    """What `render-runner go` was asked to do (the CLI fills it from options and RECAP_* variables)."""

    concurrency: int = 2
    lease_s: int = 60
    max_attempts: int = 3
    retry_backoff_s: float = 5.0
    retry_failed: bool = False
    render_timeout_s: float = 600.0
    recycle_after: int = 100
    settings: RenderSettings = field(default_factory=RenderSettings)
    limit: int | None = None
    heartbeat_s: float | None = None  # default: a quarter of the lease
    reconnect_s: float = 300.0  # how long a broken database connection is retried before the run stops
    statement_timeout_s: float = 30.0  # the server cancels (and the runner retries) a statement stuck longer
    max_payload_age_h: float = 24.0  # warn when recap_payloads was built longer ago than this
    share: ShareSettings = field(default_factory=ShareSettings)
