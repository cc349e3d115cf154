"""The warehouse connection, and the one place that knows how DuckDB and Postgres differ.

`WarehouseConfig` (read from profiles.yml by `render_runner.profiles`) says which database;
`open_database` yields a `Database`: a connection plus the dialect's placeholders, transactions,
identifier quoting, locks and bulk loads. Nothing outside this module branches on the dialect.
SQL on the job table lives in `render_runner.queue`; every other query is a dbt model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from render_runner.errors import RecapError

Dialect = Literal["duckdb", "postgres"]
Rows = list[tuple[Any, ...]]
Statement = tuple[str, Sequence[Any]]


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


class Database:
    """One connection and its dialect. SQL is written once, with `%s` placeholders.

    `execute` runs one statement in its own transaction; `transaction` runs several in one.
    Not thread-safe: callers serialise their calls (the runner holds one lock around them).
    """

    dialect: ClassVar[Dialect]
    # True when one process owns the database (DuckDB): work a dead run left behind can be taken
    # back at start; with many writers (Postgres) leases expire instead.
    single_writer: ClassVar[bool]
    # connect(config, create) -> a context manager yielding an open DB-API connection
    connect: ClassVar[Callable[[WarehouseConfig, bool], AbstractContextManager[Any]]]

    def __init__(self, con: Any, config: WarehouseConfig) -> None:
        self.con = con
        self.config = config
        self.schema = config.schema

    @staticmethod
    def for_connection(con: Any, config: WarehouseConfig) -> Database:
        """Wrap an open DB-API connection to the warehouse `config` describes."""
        return _DIALECTS[config.dialect](con, config)

    # -- names ---------------------------------------------------------------------------------
    @staticmethod
    def quote(identifier: str) -> str:
        return '"' + identifier.replace('"', '""') + '"'

    def table(self, name: str, schema: str | None = None) -> str:
        """`"schema"."name"`, in the target schema unless another is given."""
        return f"{self.quote(schema or self.schema)}.{self.quote(name)}"

    # -- statements ----------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = (), *, fetch: bool = False) -> Rows:
        rows = self.transaction([(sql, params)])[0]
        return rows if fetch else []

    def transaction(self, statements: Sequence[Statement]) -> list[Rows]:
        """Run statements in one transaction; each returns its rows (`returning`, `select`)."""
        raise NotImplementedError

    def lock_statements(self, name: str) -> list[Statement]:
        """Statements that, first in a transaction, make concurrent runners take turns on `name`."""
        return []

    def skip_locked(self, alias: str) -> str:
        """The clause that makes a `select` for a claim skip rows another runner is claiming."""
        return ""

    def load_csv(self, relation: str, columns: Sequence[tuple[str, str]], path: Path) -> None:
        """Bulk-load a headerless CSV (strings quoted, `\\N` for null) into an existing table."""
        raise NotImplementedError


class _DuckDB(Database):
    dialect = "duckdb"
    single_writer = True

    def transaction(self, statements: Sequence[Statement]) -> list[Rows]:
        out: list[Rows] = []
        self.con.execute("begin transaction")
        try:
            for sql, params in statements:
                out.append(self.con.execute(sql.replace("%s", "?"), list(params)).fetchall())
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise
        return out

    def load_csv(self, relation: str, columns: Sequence[tuple[str, str]], path: Path) -> None:
        spec = "{" + ", ".join(f"'{c}': '{t.upper()}'" for c, t in columns) + "}"
        self.con.execute(
            f"insert into {relation} select * from read_csv(?, columns = {spec}, header = false, "
            "delim = ',', quote = '\"', escape = '\"', nullstr = '\\N', allow_quoted_nulls = false, "
            "auto_detect = false, strict_mode = true)",
            [str(path)],
        )

    @staticmethod
    @contextmanager
    def connect(config: WarehouseConfig, create: bool) -> Iterator[Any]:
        import duckdb

        assert config.duckdb_path is not None
        if not config.duckdb_path.exists():
            if not create:
                raise RecapError(f"warehouse {config.duckdb_path} does not exist; run `dbt build` first")
            config.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
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


class _Postgres(Database):
    dialect = "postgres"
    single_writer = False

    def transaction(self, statements: Sequence[Statement]) -> list[Rows]:
        out: list[Rows] = []
        try:
            with self.con.cursor() as cur:
                for sql, params in statements:
                    cur.execute(sql, tuple(params))
                    out.append(cur.fetchall() if cur.description else [])
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise
        return out

    def lock_statements(self, name: str) -> list[Statement]:
        return [("select pg_advisory_xact_lock(hashtext(%s))", (name,))]

    def skip_locked(self, alias: str) -> str:
        return f"for update of {alias} skip locked"

    def load_csv(self, relation: str, columns: Sequence[tuple[str, str]], path: Path) -> None:
        try:
            with self.con.cursor() as cur, path.open(encoding="utf-8") as file:
                cur.copy_expert(f"copy {relation} from stdin with (format csv, null '\\N')", file)
                cur.execute(f"analyze {relation}")
            self.con.commit()
        except Exception:
            self.con.rollback()
            raise

    @staticmethod
    @contextmanager
    def connect(config: WarehouseConfig, create: bool) -> Iterator[Any]:
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


_DIALECTS: dict[str, type[Database]] = {"duckdb": _DuckDB, "postgres": _Postgres}


@contextmanager
def connect(config: WarehouseConfig, *, create: bool = False) -> Iterator[Any]:
    """A DB-API connection to the warehouse (autocommit off on Postgres; DuckDB is autocommit).

    `create`: make an empty DuckDB file if there is none (demo data goes in before dbt runs).
    """
    with _DIALECTS[config.dialect].connect(config, create) as con:
        yield con


@contextmanager
def open_database(config: WarehouseConfig, *, create: bool = False) -> Iterator[Database]:
    """A `Database` on a fresh connection, closed on exit."""
    with connect(config, create=create) as con:
        yield Database.for_connection(con, config)
