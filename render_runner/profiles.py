"""Read the warehouse settings from the same profiles.yml and target as dbt, by dbt's rules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import yaml

from render_runner.db import WarehouseConfig
from render_runner.errors import RecapError

PROFILE_NAME = "dream_recap"

# dbt-postgres profile keys that are libpq connection settings, passed through as dbt passes them
# (sslmode: require must mean the same for the runner as for dbt)
LIBPQ_SETTINGS = (
    "sslmode",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "sslcrl",
    "sslpassword",
    "connect_timeout",
    "keepalives_idle",
    "application_name",
    "target_session_attrs",
)


def default_profiles_dir() -> Path:
    """dbt's rule: DBT_PROFILES_DIR, else the current directory if it has profiles.yml, else ~/.dbt."""
    if os.environ.get("DBT_PROFILES_DIR"):
        return Path(os.environ["DBT_PROFILES_DIR"])
    if Path("profiles.yml").exists():
        return Path(".")
    return Path.home() / ".dbt"


def _render(value: Any) -> Any:
    """Render dbt's Jinja in profile values: env_var() and the as_number / as_text / as_bool filters."""
    if isinstance(value, dict):
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v) for v in value]
    if not isinstance(value, str) or "{{" not in value:
        return value

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise RecapError(f"profiles.yml needs the environment variable {name}; set it or give env_var() a default")
        return default

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.globals["env_var"] = env_var
    env.filters["as_number"] = lambda v: float(v) if "." in str(v) else int(v)
    env.filters["as_text"] = str
    env.filters["as_bool"] = lambda v: str(v).lower() in ("1", "true", "yes")
    native = env.from_string(value)
    rendered = native.render()
    # as_number results come back as text from render(); restore numbers
    if "as_number" in value:
        return float(rendered) if "." in rendered else int(rendered)
    return rendered


def load_config(profiles_dir: Path | str | None = None, target: str | None = None) -> WarehouseConfig:
    """Read the `dream_recap` profile the way dbt does and return the chosen target's settings."""
    directory = Path(profiles_dir) if profiles_dir else default_profiles_dir()
    path = directory / "profiles.yml"
    if not path.exists():
        raise RecapError(f"no profiles.yml in {directory.resolve()}; run `make setup` or copy profiles.example.yml")
    profiles = yaml.safe_load(path.read_text()) or {}
    profile = profiles.get(PROFILE_NAME)
    if not profile:
        raise RecapError(f"{path} has no profile named {PROFILE_NAME!r}")
    chosen = target or os.environ.get("DBT_TARGET") or _render(profile.get("target", "dev"))
    outputs = profile.get("outputs", {})
    if chosen not in outputs:
        raise RecapError(f"target {chosen!r} not in {path}; choose one of: {', '.join(outputs)}")
    out = _render(outputs[chosen])
    kind = out.get("type")
    if kind == "duckdb":
        return WarehouseConfig(
            target=chosen,
            dialect="duckdb",
            schema=str(out.get("schema", "main")),
            duckdb_path=Path(str(out.get("path", "warehouse.duckdb"))),
        )
    if kind == "postgres":
        return WarehouseConfig(
            target=chosen, dialect="postgres", schema=str(out["schema"]), pg_dsn=libpq_settings(out), pg_role=out.get("role") or None
        )
    raise RecapError(f"target {chosen!r} has type {kind!r}; render-runner supports duckdb and postgres")


def libpq_settings(output: dict[str, Any]) -> dict[str, Any]:
    """The libpq keyword arguments for a dbt-postgres output: the connection, TLS, timeouts, search_path.

    dbt's `keepalives_idle: 0` means "the system default"; render_runner then uses its own keepalives
    (`render_runner.db.KEEPALIVE_DEFAULTS`), which make a dead link visible within one lease.
    """
    dsn: dict[str, Any] = {
        "host": output.get("host", "127.0.0.1"),
        "port": int(output.get("port", 5432)),
        "user": output.get("user"),
        "password": output.get("password") or None,
        "dbname": output.get("dbname") or output.get("database"),
    }
    for key in LIBPQ_SETTINGS:
        if output.get(key) not in (None, ""):
            dsn[key] = output[key]
    if dsn.get("keepalives_idle") in (0, "0"):
        del dsn["keepalives_idle"]
    if output.get("search_path"):
        dsn["options"] = f"-c search_path={output['search_path']}"
    return dsn
