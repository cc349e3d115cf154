"""Open the warehouse that dbt builds, from the same profiles.yml and target as dbt.

Only connection handling lives here; SQL on the job table lives in `jobs.py`, every other
query is a dbt model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml

from render_runner.errors import RecapError

PROFILE_NAME = "dream_recap"
Dialect = Literal["duckdb", "postgres"]


@dataclass(frozen=True)
class WarehouseConfig:
    """Connection settings for one dbt target."""

    target: str
    dialect: Dialect
    schema: str
    duckdb_path: Path | None = None
    pg_dsn: dict[str, Any] | None = None

    def describe(self) -> str:
        if self.dialect == "duckdb":
            return f"duckdb:{self.duckdb_path} (schema {self.schema})"
        dsn = self.pg_dsn or {}
        return f"postgres://{dsn.get('user')}@{dsn.get('host')}:{dsn.get('port')}/{dsn.get('dbname')} (schema {self.schema})"


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
        dsn = {
            "host": out.get("host", "127.0.0.1"),
            "port": int(out.get("port", 5432)),
            "user": out.get("user"),
            "password": out.get("password") or None,
            "dbname": out.get("dbname") or out.get("database"),
        }
        return WarehouseConfig(target=chosen, dialect="postgres", schema=str(out["schema"]), pg_dsn=dsn)
    raise RecapError(f"target {chosen!r} has type {kind!r}; render-runner supports duckdb and postgres")


@contextmanager
def connect(config: WarehouseConfig) -> Iterator[Any]:
    """A DB-API connection to the warehouse (autocommit off on Postgres; DuckDB is autocommit)."""
    if config.dialect == "duckdb":
        import duckdb

        assert config.duckdb_path is not None
        if not config.duckdb_path.exists():
            raise RecapError(f"warehouse {config.duckdb_path} does not exist; run `dbt build` first")
        try:
            con = duckdb.connect(str(config.duckdb_path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise RecapError(
                    f"{config.duckdb_path} is in use by another process (another render-runner or dbt?); "
                    "DuckDB allows one writer at a time - wait for it, or use the Postgres target to run many runners"
                ) from exc
            raise
        try:
            yield con
        finally:
            con.close()
    else:
        import psycopg2

        assert config.pg_dsn is not None
        try:
            con = psycopg2.connect(**{k: v for k, v in config.pg_dsn.items() if v is not None})
        except psycopg2.OperationalError as exc:
            raise RecapError(f"cannot connect to Postgres ({config.describe()}): {str(exc).strip()}") from exc
        try:
            yield con
        finally:
            con.close()
