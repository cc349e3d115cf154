"""`--soundtrack` becomes a RenderSettings value that says what the sound is (render/soundtrack.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from render_runner.config import RenderSettings
from render_runner.errors import RecapError
from render_runner.render.soundtrack import resolve_soundtrack

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def tone(path: Path, hz: int) -> Path:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", f"sine=f={hz}:d=1", str(path)], check=True)
    return path


def test_default_and_none_are_kept_as_they_are(tmp_path: Path) -> None:
    assert resolve_soundtrack(None, store=tmp_path) == "default"
    assert resolve_soundtrack("default", store=tmp_path) == "default"
    assert resolve_soundtrack("none", store=tmp_path) == "none"
    assert not any(tmp_path.iterdir())


def test_a_file_becomes_the_hash_of_its_content_and_is_stored_under_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    song = tone(tmp_path / "song.wav", 440)
    value = resolve_soundtrack(str(song), store=store)
    digest = value.removeprefix("sha256:")
    assert value.startswith("sha256:") and len(digest) == 64
    assert (store / digest).read_bytes() == song.read_bytes()


def test_moving_the_file_keeps_the_value_and_editing_it_changes_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    song = tone(tmp_path / "song.wav", 440)
    before = resolve_soundtrack(str(song), store=store)
    moved = song.rename(tmp_path / "elsewhere.wav")
    assert resolve_soundtrack(str(moved), store=store) == before
    tone(moved.with_name("edited.wav"), 523).replace(moved)  # same name, other sound
    after = resolve_soundtrack(str(moved), store=store)
    assert after != before
    assert len(list(store.iterdir())) == 2


def test_a_stored_value_is_accepted_again(tmp_path: Path) -> None:
    store = tmp_path / "store"
    value = resolve_soundtrack(str(tone(tmp_path / "song.wav", 440)), store=store)
    assert resolve_soundtrack(value, store=store) == value


def test_a_missing_file_or_one_without_audio_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecapError, match="no such file"):
        resolve_soundtrack(str(tmp_path / "missing.mp3"), store=tmp_path / "store")
    text = tmp_path / "notes.txt"
    text.write_text("not a song")
    with pytest.raises(RecapError, match="no audio stream"):
        resolve_soundtrack(str(text), store=tmp_path / "store")


def test_the_worker_gets_the_soundtrack_value_and_different_sounds_are_different_settings() -> None:
    assert RenderSettings().as_worker_settings()["soundtrack"] == "default"
    assert RenderSettings(soundtrack="none").as_worker_settings()["soundtrack"] == "none"
    assert RenderSettings(soundtrack="none") != RenderSettings()
