"""Are the payloads `go` is about to render current? recap_payloads' build time against the clock,
and the data behind them against the app's newest dream (stale payloads are never rendered silently)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from render_runner.db import Database, check_identifier
from render_runner.queue.schema import PAYLOADS_TABLE


@dataclass(frozen=True)
class PayloadAge:
    """What recap_payloads says about its build (None: an older table without those columns)."""

    built_at: dt.datetime | None  # when dbt built the payloads (UTC)
    source_data_until: dt.datetime | None  # the newest clean dream behind them (UTC)
    newest_source_dream: dt.datetime | None  # the app's newest dream now, not after `now` (None: unknown)

    def describe(self) -> str:
        if self.built_at is None:
            return "payloads: build time unknown (recap_payloads has no built_at: rebuild with dbt build)"
        line = f"payloads built {_utc(self.built_at)}"
        if self.source_data_until is not None:
            line += f" from data until {_utc(self.source_data_until)}"
        return line

    def warnings(self, now: dt.datetime, max_age: dt.timedelta) -> list[str]:
        """Why the payloads may be stale, each with what to do; empty when they look current."""
        found: list[str] = []
        if self.built_at is not None and now - _naive_utc(self.built_at) > max_age:
            found.append(
                f"the payloads are {_age(now - _naive_utc(self.built_at))} old (older than {_age(max_age)}): "
                "run `dbt build` first, or raise --max-payload-age if that is intended"
            )
        if (
            self.source_data_until is not None
            and self.newest_source_dream is not None
            and _naive_utc(self.newest_source_dream) > _naive_utc(self.source_data_until)
        ):
            found.append(
                f"the app has dreams newer than the payloads (newest {_utc(self.newest_source_dream)}, payloads built from "
                f"data until {_utc(self.source_data_until)}): run `dbt build` to include them"
            )
        return found


def _naive_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def _utc(value: dt.datetime) -> str:
    return _naive_utc(value).strftime("%Y-%m-%d %H:%M UTC")


def _age(delta: dt.timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 72 else f"{hours / 24:.0f} days"


def read_payload_age(db: Database) -> PayloadAge:
    """recap_payloads' build columns (models/marts/recap_payloads.sql) and the app's newest dream, not
    counting dreams dated after now (those are quarantined as "in the future")."""
    columns = ("built_at", "source_data_until", "source_schema")
    present = {
        str(name)
        for (name,) in db.execute(
            "select column_name from information_schema.columns where table_schema = %s and table_name = %s",
            (check_identifier(db.schema), PAYLOADS_TABLE),
            fetch=True,
        )
    }
    if not set(columns) <= present:
        return PayloadAge(built_at=None, source_data_until=None, newest_source_dream=None)
    built_at, data_until, source_schema = db.execute(
        f"select max(built_at), max(source_data_until), max(source_schema) from {db.table(PAYLOADS_TABLE)}", fetch=True
    )[0]
    newest = None
    if source_schema and db.relation_exists("dreams", str(source_schema)):
        newest = db.execute(
            f"select max(dreamt_at) from {db.table('dreams', str(source_schema))} where dreamt_at <= %s",
            (dt.datetime.now(dt.UTC).replace(tzinfo=None),),
            fetch=True,
        )[0][0]
    return PayloadAge(built_at=built_at, source_data_until=data_until, newest_source_dream=newest)
