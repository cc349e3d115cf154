"""The warehouse connection, and the one place that knows how DuckDB and Postgres differ.

`WarehouseConfig` (read from profiles.yml by `render_runner.profiles`) says which database;
`open_database` yields a `Database`: a connection plus the dialect's placeholders, transactions,
identifier quoting, locks and bulk loads. Nothing outside this module branches on the dialect.
SQL on the job table lives in `render_runner.queue`; every other query is a dbt model.

On Postgres every statement goes through one place (`_Postgres.transaction`) that recognises a
broken connection (a server restart, a failover, a network blip), rolls back, reconnects with
backoff and jitter for up to `reconnect_s`, and runs the transaction again. Every transaction the
runner issues is safe to run twice (queue statements are fenced by the claim token), so a retry
can never do something twice; bulk loads are not retried.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
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
    # libpq keyword arguments: every connection setting of the profile (host ... sslmode, keepalives,
    # connect_timeout, application_name, options for search_path), as dbt passes them
    pg_dsn: dict[str, Any] | None = None
    pg_role: str | None = None  # the profile's `role`: `set role` after connecting, as dbt does

    def __post_init__(self) -> None:
        check_identifier(self.schema, "RECAP_PG_SCHEMA" if self.dialect == "postgres" else "the profile's schema")

    def describe(self) -> str:
        if self.dialect == "duckdb":
            return f"duckdb:{self.duckdb_path} (schema {self.schema})"
        dsn = self.pg_dsn or {}
        return f"postgres://{dsn.get('user')}@{dsn.get('host')}:{dsn.get('port')}/{dsn.get('dbname')} (schema {self.schema})"


class DatabaseLocked(RecapError):
    """The DuckDB file is open in another process (a running `go`, or dbt)."""


class DatabaseUnavailable(RecapError):
    """The connection to Postgres broke and could not be made again within the reconnect window."""


@dataclass(frozen=True)
class Session:
    """How a long-lived connection (a runner's) behaves when the network or the server misbehaves.

    `reconnect_s`: how long to keep reconnecting after a broken connection before giving up (0: never
    reconnect, the error goes to the caller). `statement_timeout_s`: the server cancels a statement
    that runs longer (a lock held by a stuck peer; the transaction is then retried) and ends a
    session idle inside a transaction for as long (its client is gone: its locks are released). `on_event`
    receives one line when the connection is lost and when it is back.
    """

    reconnect_s: float = 0.0
    statement_timeout_s: float | None = None
    on_event: Callable[[str], None] | None = None


# TCP keepalives and a user timeout make a dead link (a partition, a vanished server) an error within
# ~30 s instead of a read that hangs for the kernel's 2 hours; a profile's own values win.
KEEPALIVE_DEFAULTS: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,  # ms: unacknowledged data for this long closes the connection
    "connect_timeout": 10,
}
_BACKOFF_BASE_S = 0.25
_BACKOFF_CAP_S = 5.0


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

    def __init__(self, con: Any, config: WarehouseConfig, session: Session | None = None) -> None:
        self.con = con
        self.config = config
        self.schema = config.schema
        self.session = session or Session()

    @staticmethod
    def for_connection(con: Any, config: WarehouseConfig, session: Session | None = None) -> Database:
        """Wrap an open DB-API connection to the warehouse `config` describes."""
        return _DIALECTS[config.dialect](con, config, session)

    def close(self) -> None:
        _quietly(self.con.close)

    def open_another(self, reconnect_s: float | None = None) -> Database:
        """A second connection to the same warehouse (for another thread); the caller closes it."""
        raise NotImplementedError

    def stop_reconnecting(self) -> None:
        """From now on a broken connection is an error at once (the run is ending; nobody should wait)."""
        self.session = replace(self.session, reconnect_s=0.0)

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
        """Run statements in one transaction; each returns its rows (`returning`, `select`).

        On a broken connection it is run again after reconnecting (see the module doc): callers
        only issue transactions that are safe to run twice.
        """
        raise NotImplementedError

    def unbounded_statements(self) -> list[Statement]:
        """Statements that, first in a transaction, lift the session's statement timeout for it (a big sync)."""
        return []

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

    def drop_index(self, name: str) -> list[Statement]:
        """Statements that drop an index `partial_index` made, if it exists (none on DuckDB)."""
        return []

    def json_text(self, column: str, *keys: str) -> str:
        """SQL for the text at `keys` inside the JSON `column` (null when absent)."""
        return f"json_extract_string({column}, '$.{'.'.join(keys)}')"

    def load_csv(self, relation: str, columns: Sequence[tuple[str, str]], path: Path) -> None:
        """Bulk-load a headerless CSV (strings quoted, `\\N` for null) into an existing table."""
        raise NotImplementedError


class _DuckDB(Database):
    dialect = "duckdb"
    single_writer = True

    def open_another(self, reconnect_s: float | None = None) -> Database:
        return _DuckDB(self.con.cursor(), self.config, self.session)  # a cursor is DuckDB's connection for another thread

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
    def connect(config: WarehouseConfig, create: bool, session: Session | None = None) -> Iterator[Any]:
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

    def open_another(self, reconnect_s: float | None = None) -> Database:
        session = self.session if reconnect_s is None else replace(self.session, reconnect_s=reconnect_s)
        return _Postgres(_pg_connect(self.config, session), self.config, session)

    def transaction(self, statements: Sequence[Statement]) -> list[Rows]:
        lost_since: float | None = None
        tries = 0
        while True:
            try:
                rows = self._transaction_once(statements)
            except Exception as exc:
                if not _retryable(exc) or self.session.reconnect_s <= 0:
                    raise
                lost_since = lost_since or time.monotonic()
                tries += 1
                self._recover(exc, lost_since, tries)
                continue
            if tries:
                self._event(f"database: connection back after {time.monotonic() - (lost_since or 0):.1f} s")
            return rows

    def _transaction_once(self, statements: Sequence[Statement]) -> list[Rows]:
        out: list[Rows] = []
        try:
            with self.con.cursor() as cur:
                for sql, params in statements:
                    cur.execute(sql, tuple(params))
                    out.append(cur.fetchall() if cur.description else [])
            self.con.commit()
        except Exception:
            _quietly(self.con.rollback)
            raise
        return out

    def _recover(self, exc: Exception, lost_since: float, tries: int) -> None:
        """Back off (full jitter), then reconnect if the connection is gone; raise once the window has passed."""
        deadline = lost_since + self.session.reconnect_s
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if tries == 1:
            self._event(f"database: {reason}; retrying for up to {self.session.reconnect_s:.0f} s")
        while True:
            delay = random.uniform(0, min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2**tries))
            if time.monotonic() + delay > deadline:
                raise DatabaseUnavailable(
                    f"lost the connection to Postgres ({self.config.describe()}) and could not get it back within "
                    f"{self.session.reconnect_s:.0f} s: {reason}; check the server and the network, then run again"
                ) from exc
            time.sleep(delay)
            if not self.con.closed:
                return  # a cancelled statement or a deadlock: the connection is fine, run it again
            try:
                self.con = _pg_connect(self.config, self.session)
                return
            except Exception as again:  # noqa: BLE001 - any failure to connect is retried until the deadline
                reason = " ".join(str(again).split()) or type(again).__name__
                tries += 1

    def _event(self, message: str) -> None:
        if self.session.on_event:
            self.session.on_event(message)

    def unbounded_statements(self) -> list[Statement]:
        return [("set local statement_timeout = 0", ())]

    def lock_statements(self, name: str) -> list[Statement]:
        return [("select pg_advisory_xact_lock(hashtext(%s))", (name,))]

    def skip_locked(self, alias: str) -> str:
        return f"for update of {alias} skip locked"

    def partial_index(self, name: str, table: str, columns: str, where: str) -> list[Statement]:
        return [(f"create index if not exists {self.quote(name)} on {table} ({columns}) where {where}", ())]

    def drop_index(self, name: str) -> list[Statement]:
        return [(f"drop index if exists {self.quote(self.schema)}.{self.quote(name)}", ())]

    def json_text(self, column: str, *keys: str) -> str:
        return f"({column} #>> '{{{','.join(keys)}}}')"

    def load_csv(self, relation: str, columns: Sequence[tuple[str, str]], path: Path) -> None:
        # not retried: a COPY whose commit was lost in flight could be loaded twice
        try:
            with self.con.cursor() as cur, path.open(encoding="utf-8") as file:
                cur.copy_expert(f"copy {relation} from stdin with (format csv, null '\\N')", file)
                cur.execute(f"analyze {relation}")
            self.con.commit()
        except Exception:
            _quietly(self.con.rollback)
            raise

    @staticmethod
    @contextmanager
    def connect(config: WarehouseConfig, create: bool, session: Session | None = None) -> Iterator[Any]:
        import psycopg2

        try:
            con = _pg_connect(config, session or Session())
        except psycopg2.OperationalError as exc:
            raise RecapError(f"cannot connect to Postgres ({config.describe()}): {str(exc).strip()}") from exc
        try:
            yield con
        finally:
            _quietly(con.close)


def _pg_connect(config: WarehouseConfig, session: Session) -> Any:
    """A new psycopg2 connection with the profile's libpq settings, keepalives and the session's timeout."""
    import psycopg2

    assert config.pg_dsn is not None
    dsn = {**KEEPALIVE_DEFAULTS, **{k: v for k, v in config.pg_dsn.items() if v is not None}}
    if session.statement_timeout_s:
        # a statement stuck on a lock is cancelled (and run again); a transaction whose client
        # vanished mid-way (a host cut off, then killed) gives its row locks back instead of holding
        # them until the server's TCP keepalive notices, ~2 hours later
        ms = int(session.statement_timeout_s * 1000)
        timeouts = f"-c statement_timeout={ms} -c idle_in_transaction_session_timeout={ms}"
        dsn["options"] = f"{dsn['options']} {timeouts}" if dsn.get("options") else timeouts
    con = psycopg2.connect(**dsn)
    if config.pg_role:
        with con.cursor() as cur:
            cur.execute("set role " + Database.quote(config.pg_role))
        con.commit()
    return con


def _retryable(exc: Exception) -> bool:
    """A broken or reset connection, a cancelled statement (timeout), a deadlock or serialisation failure."""
    import psycopg2
    import psycopg2.errors

    return isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError, psycopg2.errors.TransactionRollbackError))


def _quietly(action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - cleanup on a connection that may already be broken
        pass


_DIALECTS: dict[str, type[Database]] = {"duckdb": _DuckDB, "postgres": _Postgres}


@contextmanager
def connect(config: WarehouseConfig, *, create: bool = False) -> Iterator[Any]:
    """A DB-API connection to the warehouse (autocommit off on Postgres; DuckDB is autocommit).

    `create`: make an empty DuckDB file if there is none (demo data goes in before dbt runs).
    """
    with _DIALECTS[config.dialect].connect(config, create) as con:
        yield con


@contextmanager
def open_database(config: WarehouseConfig, *, create: bool = False, session: Session | None = None) -> Iterator[Database]:
    """A `Database` on a fresh connection, closed on exit (the connection it holds then: it may have reconnected)."""
    with _DIALECTS[config.dialect].connect(config, create, session) as con:
        db = Database.for_connection(con, config, session)
        try:
            yield db
        finally:
            if db.con is not con:
                db.close()
