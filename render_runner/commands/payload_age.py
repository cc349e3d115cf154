"""Are the payloads `go` is about to render current? recap_payloads' build time against the clock,
and the data behind them against the app's newest dream (stale payloads are never rendered silently)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
