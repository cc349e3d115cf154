"""`render-runner preview`: one user's video or poster from the warehouse, without touching the queue."""

from __future__ import annotations

import tempfile
from pathlib import Path

from render_runner.contract import parse_payload
from render_runner.errors import RecapError
from render_runner.render_pool import RenderError, RenderPool, RenderSettings
from render_runner.template import PROJECT_DIR, ensure_template
from render_runner.warehouse import connect, load_config


def load_payload(user_id: int, year: int | None, profiles_dir: Path | None, target: str | None) -> dict:
    config = load_config(profiles_dir, target)
    sql = f'select cast(payload as varchar) from "{config.schema}".recap_payloads where user_id = %s'
    params: list[int] = [user_id]
    if year is not None:
        sql += " and recap_year = %s"
        params.append(year)
    sql += " order by recap_year desc limit 1"
    with connect(config) as con:
        if config.dialect == "duckdb":
            row = con.execute(sql.replace("%s", "?"), params).fetchone()
        else:
            with con.cursor() as cur:
                cur.execute(sql, params)
                row = cur.fetchone()
    if not row:
        raise RecapError(f"user {user_id} has no recap payload (not eligible, or `dbt build` not run)")
    return parse_payload(row[0])


def render_preview(
    user_id: int,
    *,
    still: bool,
    dest: Path | None,
    year: int | None,
    scale: float,
    frame_range: tuple[int, int] | None,
    profiles_dir: Path | None,
    target: str | None,
) -> Path:
    payload = load_payload(user_id, year, profiles_dir, target)
    dest = dest or PROJECT_DIR / "out" / "preview" / f"{user_id}.{'jpg' if still else 'mp4'}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    template = ensure_template()
    settings = RenderSettings(scale=scale, frame_range=frame_range)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".preview-") as tmp, RenderPool(template, 1) as pool:
        partial = Path(tmp) / dest.name
        try:
            if still:
                pool.render(f"preview-{user_id}", payload, None, partial, settings)
            else:
                pool.render(f"preview-{user_id}", payload, partial, None, settings)
        except RenderError as exc:
            raise RecapError(f"render failed: {exc}") from exc
        partial.replace(dest)
    return dest
