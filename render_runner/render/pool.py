"""A pool of long-lived Node render workers (remotion/worker/render-worker.mjs).

This module is the narrow boundary to Remotion: a payload and output paths go in, an MP4 and a
JPEG poster come out (with the share page's words in the user's language). Each worker opens its
browser once and renders many jobs; it is recycled after `recycle_after` renders, when its memory
grows past `max_rss_bytes`, when it crashes, or when a render exceeds `timeout_s`.

Each worker process gets its own scratch folder, `RECAP_WORK_DIR`, inside the pool's work folder
(the runner's own, or one the pool makes under `.render-cache/work`, swept when its pid is dead);
the folder is removed when the worker exits or is recycled.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from render_runner.config import REMOTION_DIR, RENDER_WORKER_SCRIPT, WORK_ROOT, RenderSettings
from render_runner.render.browser import find_browser
from render_runner.render.bundle import VideoBundle
from render_runner.render.cpu import process_tree_cpu_s
from render_runner.render.node import node_binary
from render_runner.render.segment_share import SharedSegments
from render_runner.scratch import make_scratch_dir

WORK_DIR_ENV = "RECAP_WORK_DIR"


def _tree_cpu_s(pid: int) -> float | None:
    try:
        return process_tree_cpu_s(pid)
    except (OSError, ValueError, IndexError):
        return None


class RenderError(Exception):
    """A render that failed; `kind` is 'invalid_payload' (permanent), 'render', 'timeout' or 'crash'."""

    def __init__(self, message: str, kind: str = "render") -> None:
        super().__init__(message)
        self.kind = kind

    @property
    def permanent(self) -> bool:
        return self.kind == "invalid_payload"


@dataclass(frozen=True)
class RenderResult:
    duration_in_frames: int
    fps: int
    width: int
    height: int
    render_ms: int
    rss_bytes: int
    # sparse renders: what the worker did (capturedFrames, cachedFrames, holdsSpliced, captureMs, encodeMs)
    sparse: dict[str, Any] | None = None
    # CPU-seconds of the worker's process tree (Node, Chromium, ffmpeg) during the render; it
    # renders one job at a time, so that is this job's cost. None where /proc is not readable.
    cpu_s: float | None = None
    # the share page's words in the user's language (remotion/src/share.ts): lang, appName, name,
    # year, title, description, line, cta, noVideo, download; render_runner/share/page.py uses them
    share: dict[str, Any] | None = None

    @property
    def duration_s(self) -> float:
        return self.duration_in_frames / self.fps if self.fps else 0.0


@dataclass
class RenderWorker:
    """One Node process with one browser; renders one job at a time, in its own scratch folder."""

    bundle: VideoBundle
    browser: str | None
    timeout_s: float
    work_dir: Path  # RECAP_WORK_DIR of the process; exists while the process runs
    renders: int = 0
    last_rss: int = 0
    _proc: subprocess.Popen[str] | None = field(default=None, repr=False)
    _replies: queue.Queue[dict[str, Any] | None] = field(default_factory=queue.Queue, repr=False)

    def start(self) -> None:
        cmd = [node_binary(), str(RENDER_WORKER_SCRIPT), "--serve-url", str(self.bundle.bundle_dir)]
        if self.browser:
            cmd += ["--browser", self.browser]
        shutil.rmtree(self.work_dir, ignore_errors=True)
        self.work_dir.mkdir(parents=True)
        # Its own session: a Ctrl-C in the terminal reaches the runner, which decides what to do,
        # not the renders in flight.
        self._proc = subprocess.Popen(
            cmd,
            cwd=REMOTION_DIR,
            env={**os.environ, WORK_DIR_ENV: str(self.work_dir)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self._replies = queue.Queue()
        self._stderr_tail: list[str] = []
        threading.Thread(target=self._read_stdout, args=(self._proc, self._replies), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(self._proc,), daemon=True).start()
        ready = self._next_reply(timeout=60)
        if not ready or ready.get("event") != "ready":
            self.kill()
            raise RenderError(f"render worker did not start: {self._stderr_summary()}", kind="crash")
        self.renders = 0

    def _read_stdout(self, proc: subprocess.Popen[str], out: queue.Queue[dict[str, Any] | None]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.put(json.loads(line))
                except json.JSONDecodeError:
                    pass
        out.put(None)  # the process closed its stdout: it died

    def _read_stderr(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self._stderr_tail = (self._stderr_tail + [line.rstrip()])[-20:]

    def _stderr_summary(self) -> str:
        lines = [line for line in self._stderr_tail if line.strip()]
        return lines[-1][:300] if lines else "no output"

    def _next_reply(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self._replies.get(timeout=timeout)
        except queue.Empty:
            raise RenderError(f"render timed out after {timeout:.0f} s", kind="timeout") from None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def render(
        self,
        job_id: str,
        payload: dict[str, Any],
        video: Path | None,
        poster: Path | None,
        settings: RenderSettings,
        timeout_s: float | None = None,
    ) -> RenderResult:
        timeout_s = timeout_s or self.timeout_s
        request = {
            "id": job_id,
            "payload": payload,
            "video": str(video) if video else None,
            "poster": str(poster) if poster else None,
            "scale": settings.scale,
            "frameRange": list(settings.frame_range) if settings.frame_range else None,
            "settings": {**settings.as_worker_settings(), "timeoutMs": int(timeout_s * 1000)},
        }
        if not self.alive:
            self.start()
        assert self._proc is not None
        cpu_before = _tree_cpu_s(self._proc.pid)
        reply = self._exchange(request, timeout_s)
        self.renders += 1
        self.last_rss = int(reply.get("rssBytes") or 0)
        if not reply.get("ok"):
            raise RenderError(str(reply.get("error") or "unknown render error"), kind=str(reply.get("kind") or "render"))
        info = reply.get("video") or {}
        cpu_after = _tree_cpu_s(self._proc.pid) if self._proc else None
        return RenderResult(
            duration_in_frames=int(info.get("durationInFrames", 0)),
            fps=int(info.get("fps", 0)),
            width=int(info.get("width", 0)),
            height=int(info.get("height", 0)),
            render_ms=int(reply.get("renderMs", 0)),
            rss_bytes=self.last_rss,
            sparse=reply.get("sparse"),
            cpu_s=None if cpu_before is None or cpu_after is None else round(max(cpu_after - cpu_before, 0.0), 3),
            share=reply.get("share"),
        )

    def plan(self, job_id: str, payload: dict[str, Any], settings: RenderSettings) -> tuple[list[str], Path | None]:
        """The segment keys a sparse render of `payload` shows, and the worker's segment cache folder."""
        request = {"id": f"{job_id}#plan", "plan": True, "payload": payload, "scale": settings.scale, "settings": settings.as_worker_settings()}
        reply = self._exchange(request, 60.0)
        if not reply.get("ok"):
            raise RenderError(str(reply.get("error") or "unknown render error"), kind=str(reply.get("kind") or "render"))
        folder = reply.get("segmentCacheDir")
        return list(reply.get("segmentKeys") or []), Path(folder) if folder else None

    def _exchange(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Send one request, wait for its reply; a dead, hung or crashed worker is killed and raises."""
        if not self.alive:
            self.start()
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            raise RenderError(f"render worker died: {self._stderr_summary()}", kind="crash") from None
        try:
            reply = self._next_reply(timeout=timeout_s)
        except RenderError:
            self.kill()
            raise
        if reply is None:
            self.kill()
            raise RenderError(f"render worker crashed: {self._stderr_summary()}", kind="crash")
        return reply

    def kill(self) -> None:
        """Stop the worker and everything it started (browser, ffmpeg), and remove its scratch folder."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def close(self) -> None:
        """Let the worker finish cleanly (it closes its browser), killing it if it does not."""
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.wait(timeout=15)
        except (subprocess.TimeoutExpired, OSError):
            pass
        self.kill()


class RenderPool:
    """`size` workers; `render()` is thread-safe and blocks until a worker is free.

    `work_dir`: the folder the workers' scratch folders go in (the runner passes its own); by
    default the pool makes one under `.render-cache/work` and removes it when it closes.
    """

    def __init__(
        self,
        bundle: VideoBundle,
        size: int,
        *,
        timeout_s: float = 600.0,
        recycle_after: int = 100,
        max_rss_bytes: int = 1_500_000_000,
        browser: str | None = None,
        work_dir: Path | None = None,
        shared_segments: SharedSegments | None = None,
    ) -> None:
        self.bundle = bundle
        self.shared_segments = shared_segments
        self.size = size
        self.recycle_after = recycle_after
        self.max_rss_bytes = max_rss_bytes
        browser = browser or find_browser()
        self._own_work_dir = work_dir is None
        self.work_dir = make_scratch_dir(WORK_ROOT) if work_dir is None else work_dir
        self._idle: queue.Queue[RenderWorker] = queue.Queue()
        self._all = [
            RenderWorker(bundle=bundle, browser=browser, timeout_s=timeout_s, work_dir=self.work_dir / f"worker-{i}")
            for i in range(size)
        ]
        for worker in self._all:
            self._idle.put(worker)
        self.recycled = 0

    @contextmanager
    def _checkout(self) -> Iterator[RenderWorker]:
        worker = self._idle.get()
        try:
            yield worker
        finally:
            if worker.alive and (worker.renders >= self.recycle_after or worker.last_rss > self.max_rss_bytes):
                worker.close()
                self.recycled += 1
            self._idle.put(worker)

    def render(
        self,
        job_id: str,
        payload: dict[str, Any],
        video: Path | None,
        poster: Path | None,
        settings: RenderSettings,
        timeout_s: float | None = None,
    ) -> RenderResult:
        """Render on the next free worker; `timeout_s` overrides the pool's per-render limit.

        With shared segments (a fleet's segment cache), the segments the video shows are fetched
        into the worker's cache first, and those it made are published after.
        """
        with self._checkout() as worker:
            share = self.shared_segments if video and settings.mode == "sparse" and not settings.frame_range else None
            local = None
            if share:
                keys, local = worker.plan(job_id, payload, settings)
                if local:
                    share.fetch_missing(keys, local)
            result = worker.render(job_id, payload, video, poster, settings, timeout_s)
            if share and local and result.sparse:
                share.publish(result.sparse.get("madeKeys") or [], local)
            return result

    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._all if w.pid]

    def kill(self) -> None:
        for worker in self._all:
            worker.kill()

    def close(self) -> None:
        threads = [threading.Thread(target=w.close) for w in self._all]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self._own_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

