"""Headless Chromium driven over the DevTools protocol, for browser tests: no dependency but the browser.

Chromium's `--remote-debugging-pipe` reads protocol messages on file descriptor 3 and writes its
own on 4, each JSON message ended by a NUL byte. `Chromium` starts the browser (Debian's package:
render_runner.render.browser.find_browser) with those pipes, and `Tab` sends commands to one page and
collects its events (flat sessions).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from render_runner.render.browser import find_browser

# A hang guard, not a speed check: no single protocol answer takes this long on a working browser.
REPLY_TIMEOUT_S = 120.0


class CdpError(RuntimeError):
    pass


def _high_fd(fd: int) -> int:
    """The same pipe end under a descriptor number of 10 or more (the original is closed)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class Chromium:
    """One headless browser process; use as a context manager."""

    def __init__(self, *flags: str, executable: str | None = None) -> None:
        exe = executable or find_browser()
        if not exe:
            raise CdpError("no Chromium found (scripts/browser-candidates.txt or RECAP_BROWSER_EXECUTABLE): run `make setup`")
        self.profile = Path(tempfile.mkdtemp(prefix="recap-cdp-"))
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # the browser's ends above 9, so that moving them to 3 and 4 cannot overwrite one another
        to_browser_r, from_browser_w = (_high_fd(fd) for fd in (to_browser_r, from_browser_w))
        command = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--mute-audio", "--remote-debugging-pipe",
            f"--user-data-dir={self.profile}", *flags,
        ]
        # fd 3: what the browser reads, fd 4: what it writes (bash moves our pipe ends there; dash
        # cannot name descriptors above 9)
        self.log = self.profile / "chromium.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["bash", "-c", f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w}', "bash", *command],
                pass_fds=(to_browser_r, from_browser_w),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: dict[str | None, list[dict[str, Any]]] = defaultdict(list)  # per session

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (CdpError, OSError):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise CdpError(f"no answer from Chromium in {REPLY_TIMEOUT_S:.0f} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise CdpError(f"Chromium closed the pipe: {self.log.read_text(errors='replace')[-2000:]}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result; events read meanwhile are kept in `events`."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            raise CdpError(f"Chromium is gone: {self.log.read_text(errors='replace')[-2000:]}") from None
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error'].get('message')}")
                return dict(reply.get("result", {}))
            if "method" in reply:
                self.events[reply.get("sessionId")].append(reply)

    def wait_for(self, method: str, session: str | None = None) -> dict[str, Any]:
        """The first not yet seen event `method` of a session (waiting for it)."""
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        seen = self.events[session]
        while True:
            for i, event in enumerate(seen):
                if event["method"] == method:
                    del seen[i]
                    return dict(event.get("params", {}))
            event = self._read_message(deadline)
            if "method" in event:
                self.events[event.get("sessionId")].append(event)

    def new_tab(self) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Tab(self, session)


class Tab:
    """One page of the browser: commands, its events, and JavaScript evaluation."""

    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def wait_for(self, method: str) -> dict[str, Any]:
        return self.browser.wait_for(method, self.session)

    def events(self, method: str) -> list[dict[str, Any]]:
        return [dict(e.get("params", {})) for e in self.browser.events[self.session] if e["method"] == method]

    def navigate(self, url: str) -> None:
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (a promise is awaited); a page exception is a CdpError."""
        result = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise CdpError(str(details.get("exception", {}).get("description") or details.get("text")))
        return result["result"].get("value")
