"""`render-runner preview`: one user's video or poster from the warehouse, without touching the queue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from render_runner.commands.go import check_frame_range
from render_runner.config import PROJECT_DIR, RenderSettings
from render_runner.db import Database, open_database
from render_runner.errors import RecapError
from render_runner.files import atomic_path
from render_runner.profiles import load_config
from render_runner.queue.schema import PAYLOADS_TABLE
from render_runner.render.bundle import ensure_bundle
from render_runner.render.contract import InvalidPayload, parse_payload
from render_runner.render.pool import RenderError, RenderPool

DREAMER_YEARS_TABLE = "dreamer_years"


# dreamer_years.ineligibility_reason (models/marts/_marts__models.yml) -> words for a designer
_REASONS = {
    "user_deleted": "the account is deleted",
    "no_dreams_in_recap_year": "no dreams in {year} (only in the year before)",
    "too_few_dreams": "{total} dreams counted in {year}, fewer than the minimum (dbt var min_dreams)",
}


def load_payload(user_id: int, year: int | None, profiles_dir: Path | None, target: str | None) -> dict[str, Any]:
    """The user's payload, checked; a RecapError in one line when there is none (with the reason) or it is invalid."""
    config = load_config(profiles_dir, target)
    with open_database(config) as db:
        rows = _latest_row(db, PAYLOADS_TABLE, "cast(payload as varchar)", user_id, year)
        if not rows:
            raise RecapError(f"user {user_id} has no recap payload: {_why_no_payload(db, user_id, year)}")
    try:
        return parse_payload(rows[0][0])
    except InvalidPayload as exc:
        raise RecapError(f"user {user_id}: {exc}") from exc


def _latest_row(db: Database, table: str, columns: str, user_id: int, year: int | None) -> list[tuple[Any, ...]]:
    """`columns` of the user's row in `table` for `year`, or of their latest year; [] when there is none."""
    sql = f"select {columns} from {db.table(table)} where user_id = %s"
    params: list[int] = [user_id]
    if year is not None:
        sql += " and recap_year = %s"
        params.append(year)
    return db.execute(sql + " order by recap_year desc limit 1", params, fetch=True)


def _why_no_payload(db: Database, user_id: int, year: int | None) -> str:
    """The reason from dreamer_years (every dreamer of the recap year or the year before)."""
    if not db.relation_exists(DREAMER_YEARS_TABLE):
        return "no dreamer_years table; run `dbt build` first"
    rows = _latest_row(db, DREAMER_YEARS_TABLE, "recap_year, ineligibility_reason, total_dreams", user_id, year)
    if not rows:
        return "not in dreamer_years (no dreams in the recap year or the year before, or an unknown user)"
    recap_year, reason, total = rows[0]
    if reason is None:
        return f"eligible for {recap_year} in dreamer_years, but recap_payloads has no row: run `dbt build` again"
    return "not eligible: " + _REASONS.get(str(reason), str(reason)).format(year=recap_year, total=total)


def render_preview(
    user_id: int,
    *,
    still: bool,
    dest: Path | None,
    year: int | None,
    scale: float,
    frame_range: tuple[int, int] | None,
    soundtrack: str = "default",
    profiles_dir: Path | None,
    target: str | None,
) -> Path:
    payload = load_payload(user_id, year, profiles_dir, target)
    if frame_range is not None and not still:
        check_frame_range(frame_range, [json.dumps(payload)], f"user {user_id}'s video")
    dest = dest or PROJECT_DIR / "out" / "preview" / f"{user_id}.{'jpg' if still else 'mp4'}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    bundle = ensure_bundle()
    settings = RenderSettings(scale=scale, frame_range=frame_range, soundtrack=soundtrack)
    with RenderPool(bundle, 1) as pool, atomic_path(dest) as partial:
        try:
            if still:
                pool.render(f"preview-{user_id}", payload, None, partial, settings)
            else:
                pool.render(f"preview-{user_id}", payload, partial, None, settings)
        except RenderError as exc:
            raise RecapError("render failed: " + " ".join(str(exc).split())) from exc
    return dest
