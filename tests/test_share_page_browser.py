"""A stored share page in real Chromium (Debian's package, headless), served over HTTP as a bucket or CDN would.

One small render (1.5 s at 270x480) is stored by `render-runner go` into a folder, which a local
HTTP server serves; Chromium opens the page as a visitor would, with JavaScript disabled (the
page has none and must not need any); the checks then run through the DevTools protocol.
"""

from __future__ import annotations

import functools
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageStat

from render_runner.render.browser import find_browser
from tests.cdp import Chromium
from tests.runner_process import ffprobe, run_go
from tests.warehouse_fixtures import duckdb_warehouse, make_payload

pytestmark = pytest.mark.slow

LINK = "https://apps.example.com/dream-recap"
WINDOW = "--window-size=420,1000"

# Run in the page through DevTools: wait for the video's metadata, load the poster the way the
# page names it, press play (muted) and wait for time to move.
CHECK_PAGE = """
(async () => {
  const video = document.querySelector('video');
  if (video.readyState < 1) {
    await new Promise((resolve, reject) => {
      video.addEventListener('loadedmetadata', resolve, {once: true});
      video.querySelector('source').addEventListener('error', () => reject(new Error('the video did not load')), {once: true});
    });
  }
  const metadata = {duration: video.duration, width: video.videoWidth, height: video.videoHeight};
  const poster = await new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve({width: image.naturalWidth, height: image.naturalHeight});
    image.onerror = () => resolve({width: 0, height: 0});
    image.src = video.poster;
  });
  video.muted = true;
  await video.play();
  await new Promise((resolve) => {
    const check = () => (video.currentTime > 0 ? resolve() : setTimeout(check, 20));
    check();
  });
  const box = video.getBoundingClientRect();
  return {metadata, poster, played: video.currentTime, error: video.error && video.error.code,
          text: document.body.innerText, box: {width: box.width, height: box.height}};
})()
"""


@dataclass(frozen=True)
class Stored:
    out: Path
    video: Path
    poster: Path
    page: Path
    duration_s: float


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Stored:
    base = tmp_path_factory.mktemp("share-page-browser")
    warehouse = duckdb_warehouse(base)
    warehouse.write_payloads([make_payload(1)])
    out = base / "out"
    result = run_go(warehouse, out, "--frames", "0-44", "--share-link", LINK, full=True)  # 1.5 s at 270x480
    assert result.returncode == 0, result.stderr[-3000:]
    [job] = warehouse.jobs().values()
    video = Path(job["output_uri"])
    return Stored(out, video, Path(job["poster_uri"]), Path(job["page_uri"]), ffprobe(video)["duration"])


@pytest.fixture(scope="module")
def page_url(stored: Stored) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(stored.out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{stored.page.relative_to(stored.out).as_posix()}"
    finally:
        server.shutdown()
        thread.join()


def test_the_page_loads_its_video_with_the_right_duration_plays_it_and_shows_its_poster(stored: Stored, page_url: str) -> None:
    with Chromium("--autoplay-policy=no-user-gesture-required", WINDOW) as browser:
        tab = browser.new_tab()
        for domain in ("Network", "Log", "Runtime"):
            tab.send(f"{domain}.enable")
        tab.send("Emulation.setScriptExecutionDisabled", {"value": True})  # the page needs no JavaScript of its own...
        tab.navigate(page_url)
        loaded_without_js = {e["response"]["url"] for e in tab.events("Network.responseReceived")}
        tab.send("Emulation.setScriptExecutionDisabled", {"value": False})  # ...the checks below do
        state = tab.evaluate(CHECK_PAGE)
        requests = [e["request"]["url"] for e in tab.events("Network.requestWillBeSent")]
        responses = {e["response"]["url"]: e["response"] for e in tab.events("Network.responseReceived")}
        problems = [e["entry"]["text"] for e in tab.events("Log.entryAdded") if e["entry"]["level"] == "error"]

    assert abs(state["metadata"]["duration"] - stored.duration_s) < 0.05, (state, stored.duration_s)
    assert abs(stored.duration_s - 1.5) < 0.1  # 45 frames at 30 fps
    assert (state["metadata"]["width"], state["metadata"]["height"]) == (270, 480)
    assert state["played"] > 0 and state["error"] is None
    assert (state["poster"]["width"], state["poster"]["height"]) == (270, 480)
    assert state["box"]["height"] > 300  # the video is laid out, not collapsed
    assert "Dreamer 1’s 2026 in dreams" in state["text"] and "Make your own year in dreams" in state["text"]

    folder = page_url.rsplit("/", 1)[0] + "/"
    assert {u for u in requests if not u.startswith("data:")} == {page_url, folder + stored.video.name, folder + stored.poster.name}
    assert {page_url, folder + stored.poster.name} <= loaded_without_js  # the page and its poster, before any script ran
    assert responses[page_url]["mimeType"] == "text/html"
    assert responses[folder + stored.poster.name]["status"] == 200  # the poster attribute's own request
    assert responses[folder + stored.video.name]["mimeType"] == "video/mp4"
    assert problems == []  # nothing blocked by the page's Content Security Policy, no load errors


def test_a_screenshot_of_the_page_shows_it_with_its_poster(stored: Stored, page_url: str, tmp_path: Path) -> None:
    browser = find_browser()
    assert browser, "no Chromium: run `make setup`"
    shot = tmp_path / "page.png"
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--mute-audio", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={shot}", WINDOW, page_url],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0 and shot.is_file(), proc.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (420, 1000)
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 10  # not blank
    # The page alone is a few flat colours and anti-aliased text (~1,400 colours measured with the
    # poster missing); the poster, a picture, brings tens of thousands (~37,000).
    assert len(image.getcolors(1 << 24) or []) > 10_000
