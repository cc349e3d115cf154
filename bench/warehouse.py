"""Warehouse benchmark: synthetic raw data for N users, then `dbt build` end to end (dbt start-up,
seeds, every model, data test and unit test), on DuckDB and on Postgres.

    .venv/bin/python bench/warehouse.py                      # 30,000 users (~1,000,000 dreams), both
    .venv/bin/python bench/warehouse.py --users 3000 --targets duckdb

Each warehouse is a scratch one (a temporary DuckDB file; a new database on the Postgres server named
by the PG* variables, default 127.0.0.1:5432 user postgres), removed afterwards unless --keep.
Prints, per target: raw rows, generation time, build time, rows/s and the peak memory of the dbt
process (which, on DuckDB, includes the database engine; on Postgres the server's memory is not in
it). Results go into BENCHMARKS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the project, not this folder, first: bench/queue.py must not shadow the standard library's queue
sys.path[:] = [str(PROJECT_DIR)] + [p for p in sys.path if Path(p or '.').resolve() != PROJECT_DIR / 'bench']

import psycopg2  # noqa: E402

from render_runner.commands.demo_data import write_demo_data  # noqa: E402
from render_runner.db import WarehouseConfig  # noqa: E402

DBT = str(Path(sys.executable).with_name("dbt"))
BUILD_VARS = "{app_schema: app, as_of: '2027-01-05 00:00:00'}"
# Runs a command and prints its own peak RSS (KiB): the children's rusage of this tiny wrapper is
# exactly the command's.
PEAK_WRAPPER = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
                "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
                "print('peak_rss_kib', usage.ru_maxrss, 'cpu_s', usage.ru_utime + usage.ru_stime, file=sys.stderr); "
                "sys.exit(code)")


EXTRA_BUILD_ARGS: list[str] = []  # --without-unit-tests adds dbt's own production exclusion
WARM_PARSE = False  # --warm-parse: `dbt parse` first (untimed), as a deployed project keeps target/


def run_build(directory: Path, target: str, env: dict[str, str]) -> tuple[float, int, dict[str, Any]]:
    """Time one `dbt build` subprocess; return (seconds, peak RSS in MiB, run_results)."""
    # The synthetic dreams run to 2027-01-05 (render_runner.demo_data): that is the extract's clock.
    common = ["--target", target, "--vars", BUILD_VARS, "--profiles-dir", str(directory),
              "--target-path", str(directory / "target"), "--log-path", str(directory / "logs")]
    if WARM_PARSE:
        subprocess.run([DBT, "parse", *common], cwd=PROJECT_DIR, env=env, capture_output=True, check=True)
    command = [sys.executable, "-c", PEAK_WRAPPER, DBT, "build", *common, *EXTRA_BUILD_ARGS]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"dbt build failed on {target}:\n{result.stdout[-5000:]}\n{result.stderr[-2000:]}")
    usage = result.stderr.rsplit("peak_rss_kib", 1)[1].split()
    peak_kib, cpu_s = int(usage[0]), float(usage[2])
    run_results = json.loads((directory / "target" / "run_results.json").read_text())
    run_results["cpu_s"] = cpu_s
    return seconds, peak_kib // 1024, run_results


def node_counts(run_results: dict[str, Any]) -> str:
    """How many nodes of each kind ran, and their summed execution time."""
    kinds: dict[str, list[float]] = {}
    for result in run_results["results"]:
        uid = result["unique_id"]
        kind = uid.split(".")[0]
        if kind == "model" and ".base_app__" in uid:
            kind = "base model"
        kinds.setdefault(kind, []).append(result["execution_time"])
    return ", ".join(f"{len(times)} {kind} {sum(times):.1f}s" for kind, times in sorted(kinds.items()))


def slowest(run_results: dict[str, Any], n: int = 8) -> str:
    nodes = sorted(run_results["results"], key=lambda r: -r["execution_time"])[:n]
    return ", ".join(f"{r['unique_id'].split('.')[-1][:40]} {r['execution_time']:.2f}s" for r in nodes)


def bench_duckdb(users: int, seed: int, keep: bool) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="bench-warehouse-duckdb-"))
    try:
        shutil.copy(PROJECT_DIR / "profiles.example.yml", directory / "profiles.yml")
        path = directory / "warehouse.duckdb"
        config = WarehouseConfig(target="dev", dialect="duckdb", schema="main", duckdb_path=path)
        started = time.perf_counter()
        counts = write_demo_data(config, schema="app", users=users, seed=seed)
        generated = time.perf_counter() - started
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "RECAP_"))}
        env["RECAP_DUCKDB_PATH"] = str(path)
        seconds, peak_mib, run_results = run_build(directory, "dev", env)
        return {"target": "duckdb", "counts": counts, "generate_s": generated, "build_s": seconds,
                "peak_mib": peak_mib, "dbt_elapsed_s": run_results["elapsed_time"], "slowest": slowest(run_results),
                "nodes": node_counts(run_results), "cpu_s": run_results["cpu_s"],
                "directory": str(directory) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def bench_postgres(users: int, seed: int, keep: bool) -> dict[str, Any]:
    directory = Path(tempfile.mkdtemp(prefix="bench-warehouse-postgres-"))
    admin = {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": int(os.environ.get("PGPORT", "5432")),
             "user": os.environ.get("PGUSER", "postgres"), "password": os.environ.get("PGPASSWORD") or None}
    dbname = f"bench_warehouse_{uuid.uuid4().hex[:8]}"
    admin_con = psycopg2.connect(dbname="postgres", **{k: v for k, v in admin.items() if v is not None})
    admin_con.autocommit = True
    with admin_con.cursor() as cur:
        cur.execute(f'create database "{dbname}"')
    try:
        shutil.copy(PROJECT_DIR / "profiles.example.yml", directory / "profiles.yml")
        dsn = {**admin, "dbname": dbname}
        config = WarehouseConfig(target="postgres", dialect="postgres", schema="recap", pg_dsn=dsn)
        started = time.perf_counter()
        counts = write_demo_data(config, schema="app", users=users, seed=seed)
        generated = time.perf_counter() - started
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "RECAP_", "PG"))}
        env |= {"PGHOST": admin["host"], "PGPORT": str(admin["port"]), "PGUSER": admin["user"], "PGDATABASE": dbname,
                "RECAP_PG_SCHEMA": "recap"}
        if admin["password"]:
            env["PGPASSWORD"] = admin["password"]
        seconds, peak_mib, run_results = run_build(directory, "postgres", env)
        return {"target": "postgres", "counts": counts, "generate_s": generated, "build_s": seconds,
                "peak_mib": peak_mib, "dbt_elapsed_s": run_results["elapsed_time"], "slowest": slowest(run_results),
                "nodes": node_counts(run_results), "cpu_s": run_results["cpu_s"],
                "directory": str(directory) if keep else None}
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)
            with admin_con.cursor() as cur:
                cur.execute(f'drop database if exists "{dbname}" with (force)')
        admin_con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--targets", nargs="+", choices=["duckdb", "postgres"], default=["duckdb", "postgres"])
    parser.add_argument("--keep", action="store_true", help="keep the scratch warehouses and print where they are")
    parser.add_argument("--without-unit-tests", action="store_true",
                        help="dbt build --exclude-resource-type unit_test (dbt's advice for production runs; "
                             "unit tests run in CI)")
    parser.add_argument("--warm-parse", action="store_true",
                        help="run `dbt parse` first (untimed), so the build uses partial parsing like a deployed "
                             "project that keeps its target/")
    args = parser.parse_args()
    global WARM_PARSE
    WARM_PARSE = args.warm_parse
    if args.without_unit_tests:
        EXTRA_BUILD_ARGS.extend(["--exclude-resource-type", "unit_test"])
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    for target in args.targets:
        result = (bench_duckdb if target == "duckdb" else bench_postgres)(args.users, args.seed, args.keep)
        counts = result["counts"]
        raw_rows = sum(counts.values())
        print(f"\n## {target}: {counts['users']:,} users, {counts['dreams']:,} dreams, {raw_rows:,} raw rows")
        print(f"generate + load raw data: {result['generate_s']:.1f} s")
        print(f"dbt build end to end:     {result['build_s']:.1f} s  "
              f"(dbt's own elapsed {result['dbt_elapsed_s']:.1f} s)")
        print(f"CPU of the dbt process:   {result['cpu_s']:.1f} CPU-s (user + system; on DuckDB includes the engine)")
        print(f"throughput:               {counts['dreams'] / result['build_s']:,.0f} dreams/s, "
              f"{raw_rows / result['build_s']:,.0f} raw rows/s")
        print(f"peak memory (dbt process): {result['peak_mib']:,} MiB")
        print(f"slowest nodes: {result['slowest']}")
        print(f"nodes: {result['nodes']}")
        if result["directory"]:
            print(f"kept: {result['directory']}")
        print(f"| {target} | {counts['users']:,} | {counts['dreams']:,} | {raw_rows:,} | {result['build_s']:.1f} s | "
              f"{counts['dreams'] / result['build_s']:,.0f} | {result['peak_mib']:,} MiB |")


if __name__ == "__main__":
    main()
