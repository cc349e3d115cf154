"""`--soundtrack`: which sound every video gets, as a value that changes when the sound changes.

`RenderSettings.soundtrack` is part of the render identity, so its value must say what the audio
*is*, not where it lies: "default" (the project's synthesised ambient bed), "none" (a silent track)
or "sha256:<hex>" for a file, the hash of its content. The file itself is copied once into
`.render-cache/soundtracks/<hex>` (content-addressed), where the Node worker finds it from the value
alone (`remotion/worker/encode/audio.mjs`). So moving or renaming the file changes nothing, editing it
re-renders every video, and machines that mount it at different paths agree on the identity.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from render_runner.config import SOUNDTRACK_STORE
from render_runner.errors import RecapError
from render_runner.files import atomic_path

BUILT_IN = ("default", "none")
STORED = re.compile(r"sha256:([0-9a-f]{64})")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _has_audio(path: Path) -> bool | None:
    """Whether ffprobe finds an audio stream in `path` (None: no ffprobe to ask)."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return None
    proc = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_type", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0 and "audio" in proc.stdout


def resolve_soundtrack(option: str | None, store: Path = SOUNDTRACK_STORE) -> str:
    """The `RenderSettings.soundtrack` value of `--soundtrack`: "default", "none" or "sha256:<hex>".

    A file must exist and hold an audio stream ffmpeg reads; it is stored under its hash in `store`.
    """
    value = (option or "default").strip()
    if value in BUILT_IN or STORED.fullmatch(value) and (store / value.split(":", 1)[1]).is_file():
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise RecapError(f"--soundtrack {value}: no such file (give an audio file, `default` or `none`)")
    if _has_audio(path) is False:
        raise RecapError(f"--soundtrack {value}: ffmpeg finds no audio stream in it")
    digest = file_sha256(path)
    stored = store / digest
    if not stored.is_file():
        store.mkdir(parents=True, exist_ok=True)
        with atomic_path(stored, replace=False) as partial:
            shutil.copyfile(path, partial)
        if file_sha256(stored) != digest:  # changed while we copied: refuse rather than store a mix
            stored.unlink(missing_ok=True)
            raise RecapError(f"--soundtrack {value}: the file changed while it was read; try again")
    return f"sha256:{digest}"
