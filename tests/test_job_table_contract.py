"""The job table the runner creates and the dbt source that documents it describe the same columns."""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from render_runner.db import Database, WarehouseConfig
from render_runner.queue.queue import JobQueue

PROJECT_DIR = Path(__file__).resolve().parent.parent


def test_dbt_source_documents_every_column_of_the_runner_job_table(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    config = WarehouseConfig(target="dev", dialect="duckdb", schema="main", duckdb_path=path)
    con = duckdb.connect(str(path))
    JobQueue(Database.for_connection(con, config)).ensure_table()
    created = {r[0] for r in con.execute("select column_name from information_schema.columns where table_name = 'render_jobs'").fetchall()}
    con.close()

    sources = yaml.safe_load((PROJECT_DIR / "models" / "staging" / "_runner__sources.yml").read_text())
    [table] = [t for s in sources["sources"] if s["name"] == "runner" for t in s["tables"] if t["name"] == "render_jobs"]
    documented = {c["name"] for c in table["columns"]}
    assert created == documented
