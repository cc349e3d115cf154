"""The payloads of `render-runner demo-data` users, built once and kept: what the render benches
render and what their 30,000-user projections are made from.

    .venv/bin/python bench/demo_payloads.py --users 30000     # -> .render-cache/demo-payloads-30000-42.jsonl

Synthetic raw tables (render_runner.commands.demo_data, deterministic for one users/seed) into a
scratch DuckDB warehouse, `dbt build`, then recap_payloads ordered by user_id as JSON lines. The
file is kept in .render-cache/ (not in git) and reused while it exists.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the project, not this folder, first: bench/queue.py must not shadow the standard library's queue
sys.path[:] = [str(PROJECT_DIR)] + [p for p in sys.path if Path(p or '.').resolve() != PROJECT_DIR / 'bench']

import duckdb  # noqa: E402

from bench.warehouse import run_build  # noqa: E402
from render_runner.commands.demo_data import write_demo_data  # noqa: E402
from render_runner.db import WarehouseConfig  # noqa: E402

CACHE_DIR = PROJECT_DIR / ".render-cache"


def demo_payloads_file(users: int = 30000, seed: int = 42) -> Path:
    """The JSON-lines file of the eligible payloads of `users` demo users, made if missing."""
    target = CACHE_DIR / f"demo-payloads-{users}-{seed}.jsonl"
    if target.exists():
        return target
    directory = Path(tempfile.mkdtemp(prefix="bench-demo-payloads-"))
    try:
        shutil.copy(PROJECT_DIR / "profiles.example.yml", directory / "profiles.yml")
        path = directory / "warehouse.duckdb"
        write_demo_data(WarehouseConfig(target="dev", dialect="duckdb", schema="main", duckdb_path=path), schema="app", users=users, seed=seed)
        env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(Path.home()), "RECAP_DUCKDB_PATH": str(path),
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        run_build(directory, "dev", env)
        con = duckdb.connect(str(path), read_only=True)
        rows = con.execute("select cast(payload as varchar) from main.recap_payloads order by user_id").fetchall()
        con.close()
        CACHE_DIR.mkdir(exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text("".join(row[0] + "\n" for row in rows))
        tmp.replace(target)
        return target
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def demo_payloads(users: int = 30000, seed: int = 42, first: int | None = None) -> list[dict[str, Any]]:
    lines = demo_payloads_file(users, seed).read_text().splitlines()
    return [json.loads(line) for line in lines[:first]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    path = demo_payloads_file(args.users, args.seed)
    print(f"{path} ({sum(1 for _ in path.open())} payloads)")


if __name__ == "__main__":
    main()
