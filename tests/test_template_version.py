"""The template version: a content hash of what decides the pixels and sound, the same for every
checkout of one commit (any path, machine or time), and `render-runner info`, which prints it."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from render_runner.cli import app
from render_runner.config import REMOTION_DIR
from render_runner.errors import RecapError
from render_runner.render.bundle import check_node_modules, installed_mismatches, remotion_version, template_files, template_version
from tests.conftest import PROJECT_DIR

IGNORED = shutil.ignore_patterns("node_modules", "__pycache__", ".cache")


def checkout(dest: Path) -> Path:
    """A copy of the project as a checkout has it (the runner's package, remotion/ without node_modules,
    the scripts and schemas), with the installed node_modules linked in rather than copied."""
    dest.mkdir(parents=True)
    for name in ("render_runner", "remotion", "scripts", "schemas"):
        shutil.copytree(PROJECT_DIR / name, dest / name, ignore=IGNORED, symlinks=True)
    (dest / "remotion" / "node_modules").symlink_to(REMOTION_DIR / "node_modules", target_is_directory=True)
    return dest


def info_json(project: Path) -> dict:
    """`render-runner info --json` run from `project` with that project's own package."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "PYTHON"))}
    proc = subprocess.run(
        [sys.executable, "-m", "render_runner.cli", "info", "--json"], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_two_checkouts_at_different_paths_print_the_same_template_version(tmp_path: Path) -> None:
    first = checkout(tmp_path / "a" / "dream-recap")
    second = checkout(tmp_path / "elsewhere" / "deeper" / "checkout")
    # different times too: the second checkout's files are a day older
    for path in (second / "remotion").rglob("*"):
        if not path.is_symlink():
            os.utime(path, (path.stat().st_atime - 86400, path.stat().st_mtime - 86400))
    one, two = info_json(first), info_json(second)
    assert Path(one["project_dir"]) == first.resolve()  # each ran its own copy of the package
    assert Path(two["project_dir"]) == second.resolve()
    assert one["template_version"] == two["template_version"] == template_version(REMOTION_DIR)
    assert len(one["template_version"]) == 16


@pytest.mark.parametrize(
    "changed",
    [
        "src/theme.ts",  # the composition
        "worker/encode/ffmpeg.mjs",  # the encoder's settings
        "worker/capture/capture.mjs",  # how frames are captured
        "package-lock.json",  # Remotion, React, the @fontsource fonts
        "tsconfig.json",
        "samples/fr-three-of-each.json",  # the Studio's default props: src/Root.tsx imports it into the bundle
    ],
)
def test_a_change_to_what_renders_changes_the_template_version(tmp_path: Path, changed: str) -> None:
    remotion = checkout(tmp_path / "project") / "remotion"
    before = template_version(remotion)
    with (remotion / changed).open("a", encoding="utf-8") as f:
        f.write("\n")
    assert template_version(remotion) != before


def test_a_new_static_file_or_worker_module_changes_the_template_version(tmp_path: Path) -> None:
    remotion = checkout(tmp_path / "project") / "remotion"
    before = template_version(remotion)
    (remotion / "public").mkdir()
    (remotion / "public" / "music.mp3").write_bytes(b"ID3")
    with_audio = template_version(remotion)
    (remotion / "worker" / "encode" / "audio.mjs").write_text("export const mix = () => null;\n", encoding="utf-8")
    assert len({before, with_audio, template_version(remotion)}) == 3


@pytest.mark.parametrize(
    "changed",
    [
        "worker/bin/payload-tool.mjs",  # a command-line tool for tests
        "worker/encode/holds.test.mjs",  # a unit test
        "samples/en-emoji.json",  # a sample payload the bundle does not import
        "src/.Recap.tsx.swp",  # an editor's file
        "package.json",  # the lock file, not package.json, says what is installed
    ],
)
def test_files_no_render_uses_leave_the_template_version_alone(tmp_path: Path, changed: str) -> None:
    remotion = checkout(tmp_path / "project") / "remotion"
    before = template_version(remotion)
    with (remotion / changed).open("a", encoding="utf-8") as f:
        f.write("\n")
    assert template_version(remotion) == before


def test_the_hash_covers_the_composition_the_worker_and_the_lock_file() -> None:
    files = template_files(REMOTION_DIR)
    for expected in ("src/index.ts", "src/fonts.ts", "worker/render-worker.mjs", "worker/sparse.mjs", "worker/encode/encode.mjs", "package-lock.json"):
        assert expected in files
    assert not any(f.startswith(("node_modules/", "worker/bin/")) or f.endswith(".test.mjs") for f in files)


# Files of remotion/ that no render reads, each with the reason; everything else must be hashed.
NOT_RENDERED = {
    "package.json": "npm ci installs what package-lock.json pins (and refuses a package.json that disagrees)",
    "eslint.config.mjs": "lint only",
    "samples/*": "sample payloads for tests and the Studio; src/ imports one, and that one is hashed",
    "worker/bin/*": "command-line tools: tests, bench, plan",
    "*.test.mjs": "node --test unit tests",
}


def test_every_file_of_the_remotion_project_is_hashed_or_known_not_to_render() -> None:
    """A new folder (say remotion/assets/ with the soundtrack) fails here until it is added to
    config.TEMPLATE_SOURCES or, if no render reads it, to NOT_RENDERED."""
    tracked = subprocess.run(["git", "ls-files", "-z", "remotion"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
    files = [Path(f).relative_to("remotion").as_posix() for f in tracked.split("\0") if f]
    assert "src/index.ts" in files
    hashed = set(template_files(REMOTION_DIR))
    unaccounted = [f for f in files if f not in hashed and not any(fnmatch.fnmatch(f, pattern) for pattern in NOT_RENDERED)]
    assert unaccounted == []


def fake_remotion(root: Path, installed: dict[str, str]) -> Path:
    """A remotion/ folder with a small lock file and node_modules holding `installed` (name -> version)."""
    lock = {
        "lockfileVersion": 3,
        "packages": {
            "": {"name": "dream-recap-video"},
            "node_modules/remotion": {"version": "4.0.529"},
            "node_modules/@remotion/renderer": {"version": "4.0.529"},
            "node_modules/@fontsource/inter": {"version": "5.3.0"},
            "node_modules/@remotion/compositor-darwin-arm64": {"version": "4.0.529", "optional": True},
            "node_modules/typescript": {"version": "5.9.3", "dev": True},
        },
    }
    root.mkdir(parents=True)
    (root / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")
    for name, version in installed.items():
        (root / "node_modules" / name).mkdir(parents=True)
        (root / "node_modules" / name / "package.json").write_text(json.dumps({"name": name, "version": version}), encoding="utf-8")
    return root


def test_node_modules_that_differ_from_the_lock_file_are_refused(tmp_path: Path) -> None:
    locked = {"remotion": "4.0.529", "@remotion/renderer": "4.0.529", "@fontsource/inter": "5.3.0"}
    ok = fake_remotion(tmp_path / "ok", locked)
    assert installed_mismatches(ok) == []
    check_node_modules(ok)  # optional (other platforms) and dev packages may be absent
    assert remotion_version(ok) == "4.0.529"

    drifted = fake_remotion(tmp_path / "drifted", {**locked, "remotion": "4.0.541"})
    assert installed_mismatches(drifted) == ["remotion: installed 4.0.541, locked 4.0.529"]
    with pytest.raises(RecapError, match="npm ci"):
        check_node_modules(drifted)

    no_fonts = fake_remotion(tmp_path / "no-fonts", {k: v for k, v in locked.items() if k != "@fontsource/inter"})
    assert installed_mismatches(no_fonts) == ["@fontsource/inter: missing, locked 5.3.0"]


def test_this_checkouts_node_modules_is_what_the_lock_file_pins() -> None:
    assert installed_mismatches(REMOTION_DIR) == []


def test_info_json_has_what_an_operator_compares_and_no_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "profiles.yml").write_text((PROJECT_DIR / "profiles.example.yml").read_text(encoding="utf-8"), encoding="utf-8")
    pg_env = {"PGPASSWORD": "hunter2-secret", "PGHOST": "db.internal", "PGPORT": "5432", "PGUSER": "recap", "PGDATABASE": "app", "RECAP_PG_SCHEMA": "recap"}
    for name, value in pg_env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["info", "--json", "--profiles-dir", str(tmp_path), "--target", "postgres"])
    assert result.exit_code == 0, result.output
    assert "hunter2-secret" not in result.output
    details = json.loads(result.output)
    assert details["template_version"] == template_version(REMOTION_DIR)
    assert details["remotion"]["version"] == remotion_version(REMOTION_DIR)
    assert details["remotion"]["node_modules_mismatches"] == []
    for tool in ("browser", "ffmpeg", "node"):  # the tests need all three on this machine, so each is found and answers
        assert details[tool]["path"] and details[tool]["version"], details[tool]
    assert details["node"]["version"].startswith("v")
    assert set(details["system_fonts"]) == {"Noto Sans CJK JP", "Noto Color Emoji", "sans-serif"}
    assert details["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    warehouse = {"target": "postgres", "dialect": "postgres", "schema": "recap", "host": "db.internal", "port": 5432, "user": "recap", "dbname": "app"}
    assert details["warehouse"] == warehouse
    assert details["version"]


def test_info_reports_a_missing_warehouse_config_instead_of_failing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["info", "--json", "--profiles-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "no profiles.yml" in json.loads(result.output)["warehouse"]["error"]


def test_info_without_json_prints_one_line_per_entry() -> None:
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"template_version: {template_version(REMOTION_DIR)}" in lines
    assert any(line.startswith("browser: path ") for line in lines)
