"""`render-runner preview`: one user's video or poster from the warehouse, without touching the queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from render_runner.config import PROJECT_DIR, RenderSettings
from render_runner.db import open_database
from render_runner.errors import RecapError
from render_runner.files import atomic_path
from render_runner.profiles import load_config
from render_runner.queue.schema import PAYLOADS_TABLE
from render_runner.render.bundle import ensure_bundle
from render_runner.render.contract import parse_payload
from render_runner.render.pool import RenderError, RenderPool


def load_payload(user_id: int, year: int | None, profiles_dir: Path | None, target: str | None) -> dict[str, Any]:
    config = load_config(profiles_dir, target)
    with open_database(config) as db:
        sql = f"select cast(payload as varchar) from {db.table(PAYLOADS_TABLE)} where user_id = %s"
        params: list[int] = [user_id]
        if year is not None:
            sql += " and recap_year = %s"
            params.append(year)
        rows = db.execute(sql + " order by recap_year desc limit 1", params, fetch=True)
    if not rows:
        raise RecapError(f"user {user_id} has no recap payload (not eligible, or `dbt build` not run)")
    return parse_payload(rows[0][0])


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
            raise RecapError(f"render failed: {exc}") from exc
    return dest
