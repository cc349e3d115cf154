"""Small file helpers: atomic writes, scratch folders swept by pid, the one browser candidate list."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from render_runner.files import atomic_path, write_text_atomically
from render_runner.render.browser import browser_candidates
from render_runner.scratch import make_scratch_dir

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_an_atomic_write_appears_under_its_final_name_only_when_complete(tmp_path: Path) -> None:
    final = tmp_path / "video.mp4"
    with atomic_path(final) as tmp:
        tmp.write_bytes(b"data")
        assert tmp.suffix == ".mp4" and tmp.parent == tmp_path  # tools that read the extension still can
        assert not final.exists()
    assert final.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == ["video.mp4"]


def test_a_failed_atomic_write_leaves_neither_the_file_nor_a_temp_file(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("old")
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "m.csv") as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert [p.name for p in tmp_path.iterdir()] == ["m.csv"]
    assert (tmp_path / "m.csv").read_text() == "old"


def test_without_replace_the_first_writer_wins(tmp_path: Path) -> None:
    write_text_atomically(tmp_path / "k", "first", mode=0o600, replace=False)
    write_text_atomically(tmp_path / "k", "second", mode=0o600, replace=False)
    assert (tmp_path / "k").read_text() == "first"
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600


def test_scratch_folders_of_dead_processes_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / f"{dead.pid}-abc").mkdir()
    (tmp_path / f"{os.getppid()}-live").mkdir()
    mine = make_scratch_dir(tmp_path, "run")
    assert mine.name == f"{os.getpid()}-run" and mine.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{os.getppid()}-live", mine.name])


def test_the_browser_list_is_read_from_the_shared_file_without_comments(tmp_path: Path) -> None:
    listed = tmp_path / "candidates.txt"
    listed.write_text("# best first\n/opt/a/chrome  # the real binary\n\n/usr/bin/b\n")
    assert browser_candidates(listed) == ["/opt/a/chrome", "/usr/bin/b"]
    shared = browser_candidates()
    assert shared[0] == "/usr/lib/chromium/chromium" and all(p.startswith("/") for p in shared)
