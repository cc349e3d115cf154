"""The warehouse connection, and the one place that knows how DuckDB and Postgres differ.

`WarehouseConfig` (read from profiles.yml by `render_runner.profiles`) says which database;
`open_database` yields a `Database`: a connection plus the dialect's placeholders, transactions,
identifier quoting, locks and bulk loads. Nothing outside this module branches on the dialect.
SQL on the job table lives in `render_runner.queue`; every other query is a dbt model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from render_runner.errors import RecapError

Dialect = Literal["duckdb", "postgres"]
# Schema and table names are pasted into SQL (placeholders cannot stand for names), so only plain
# names are allowed: quoting alone would accept a name no dbt model, analyst or runner expects.
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_IDENTIFIER_CHARS = 63  # Postgres truncates longer names
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

    def __post_init__(self) -> None:
        check_identifier(self.schema, "RECAP_PG_SCHEMA" if self.dialect == "postgres" else "the profile's schema")

    def describe(self) -> str:
        if self.dialect == "duckdb":
            return f"duckdb:{self.duckdb_path} (schema {self.schema})"
        dsn = self.pg_dsn or {}
        return f"postgres://{dsn.get('user')}@{dsn.get('host')}:{dsn.get('port')}/{dsn.get('dbname')} (schema {self.schema})"


class DatabaseLocked(RecapError):
    """The DuckDB file is open in another process (a running `go`, or dbt)."""


def check_identifier(name: str, source: str = "a schema or table name") -> str:
    """`name` if it is a plain SQL name (`[A-Za-z_][A-Za-z0-9_]*`, at most 63 characters); else a RecapError.

    Every schema and table name reaches SQL through here (`Database.quote`), so a name from the
    environment (RECAP_PG_SCHEMA, --schema) can never inject SQL.
    """
    if not IDENTIFIER.fullmatch(name) or len(name) > MAX_IDENTIFIER_CHARS:
        raise RecapError(
            f"{source}: {name!r} is not a plain SQL name; use letters, digits and _ (not starting with a digit, at most {MAX_IDENTIFIER_CHARS})"
        )
    return name


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
        """A schema or table name for SQL: checked to be a plain name (`check_identifier`), then quoted."""
        return '"' + check_identifier(identifier) + '"'

    def table(self, name: str, schema: str | None = None) -> str:
        """`"schema"."name"`, in the target schema unless another is given."""
        return f"{self.quote(schema or self.schema)}.{self.quote(name)}"

    def relation_exists(self, name: str, schema: str | None = None) -> bool:
        """Whether a table or view `name` exists in the target schema (or `schema`)."""
        sql = "select count(*) from information_schema.tables where table_schema = %s and table_name = %s"
        return bool(self.execute(sql, (check_identifier(schema or self.schema), check_identifier(name)), fetch=True)[0][0])

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

    def partial_index(self, name: str, table: str, columns: str, where: str) -> list[Statement]:
        """Statements that index `table (columns)` over the rows where `where` holds, once (`if not exists`).

        None on DuckDB: it has no partial indexes, its ART indexes serve point lookups rather than
        the ordered scans of a claim, and one process owns its queue.
        """
        return []

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
        spec = "{" + ", ".join(f"'{check_identifier(c)}': '{check_identifier(t).upper()}'" for c, t in columns) + "}"
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
                raise DatabaseLocked(
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

    def partial_index(self, name: str, table: str, columns: str, where: str) -> list[Statement]:
        return [(f"create index if not exists {self.quote(name)} on {table} ({columns}) where {where}", ())]

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
