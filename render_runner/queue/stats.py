"""Read-only queries on the job table: `status`, the cost estimate (`plan`) and `export`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from render_runner.db import Database
from render_runner.queue.schema import STATUSES, JobTable


@dataclass(frozen=True)
class QueueStatus:
    counts: dict[str, int]
    done_last: dict[str, int]
    top_errors: list[tuple[str, int]]
    runners: list[dict[str, Any]]
    avg_render_ms: float | None
    # the last 200 videos: share of their scenes that came from the segment cache, frames captured per video
    segment_hit_rate: float | None = None
    frames_captured_per_video: float | None = None
    cpu_s_per_video: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "total": sum(self.counts.values()),
            "done_last_minutes": self.done_last,
            "avg_render_ms": self.avg_render_ms,
            "segment_hit_rate": self.segment_hit_rate,
            "frames_captured_per_video": self.frames_captured_per_video,
            "cpu_s_per_video": self.cpu_s_per_video,
            "top_errors": [{"error": e, "count": n} for e, n in self.top_errors],
            "runners": self.runners,
        }


def payload_text(value: Any) -> str:
    """A payload column as JSON text (DuckDB gives text, psycopg2 may give parsed JSON)."""
    return value if isinstance(value, str) else json.dumps(value)


class QueueStats:
    def __init__(self, db: Database) -> None:
        self.table = JobTable(db)

    def counts(self) -> dict[str, int]:
        rows = self.table.run("select status, count(*) from {jobs} group by status", fetch=True)
        counts = {s: 0 for s in STATUSES}
        counts.update({str(s): int(n) for s, n in rows})
        return counts

    def status(self) -> QueueStatus:
        run = self.table.run
        done_last = {}
        for minutes in (1, 5, 15):
            rows = run(
                "select count(*) from {jobs} where status = 'done' and finished_at > now() - %s * interval '1 minute'",
                (minutes,),
                fetch=True,
            )
            done_last[str(minutes)] = int(rows[0][0])
        errors = run(
            """
            select last_error, count(*) as n from {jobs}
            where status = 'failed' group by last_error order by n desc, last_error limit 5
            """,
            fetch=True,
        )
        runners = run(
            """
            select owner, sum(rendering) as rendering, sum(done_15) as done_15, max(last_seen) as last_seen
            from (
                select lease_owner as owner, 1 as rendering, 0 as done_15, updated_at as last_seen
                from {jobs} where status = 'rendering'
                union all
                select rendered_by as owner, 0 as rendering, 1 as done_15, finished_at as last_seen
                from {jobs} where status = 'done' and finished_at > now() - 15 * interval '1 minute'
            ) as activity
            group by owner order by owner
            """,
            fetch=True,
        )
        avg = run(
            """
            select avg(render_ms), sum(scenes_cached), sum(scenes), avg(frames_captured), avg(cpu_s) from (
                select render_ms, scenes_cached, scenes, frames_captured, cpu_s from {jobs}
                where status = 'done' and render_ms is not null
                order by finished_at desc limit 200
            ) as recent
            """,
            fetch=True,
        )
        _, cached, scenes, frames, cpu = avg[0] if avg else (None,) * 5
        return QueueStatus(
            counts=self.counts(),
            done_last=done_last,
            top_errors=[(str(e), int(n)) for e, n in errors],
            runners=[
                {"runner": str(o), "rendering": int(r or 0), "done_last_15_min": int(d or 0), "last_seen": str(t)}
                for o, r, d, t in runners
            ],
            avg_render_ms=float(avg[0][0]) if avg and avg[0][0] is not None else None,
            segment_hit_rate=float(cached) / float(scenes) if cached is not None and scenes else None,
            frames_captured_per_video=float(frames) if frames is not None else None,
            cpu_s_per_video=float(cpu) if cpu is not None else None,
        )

    def payloads_to_render(self, template_version: str) -> list[str]:
        """Payloads (JSON text) that `go` would render now: new, changed, unfinished (for `plan`)."""
        rows = self.table.run(
            """
            select cast(p.payload as varchar) from {payloads} as p
            left join {jobs} as j on j.user_id = p.user_id and j.recap_year = p.recap_year
            where j.status is null or j.status <> 'done'
                or j.payload_hash is distinct from p.payload_hash
                or j.template_version is distinct from %s
            """,
            (template_version,),
            fetch=True,
        )
        return [payload_text(r[0]) for r in rows]

    def recent_render_ms(self, limit: int) -> list[int]:
        """Render times of the most recently finished jobs (for `plan`)."""
        rows = self.table.run(
            """
            select render_ms from {jobs}
            where status = 'done' and render_ms is not null
            order by finished_at desc limit %s
            """,
            (limit,),
            fetch=True,
        )
        return [int(r[0]) for r in rows if r[0]]

    def done_jobs(self) -> list[dict[str, Any]]:
        """Finished jobs, for the delivery manifest (`export`)."""
        rows = self.table.run(
            """
            select user_id, recap_year, output_uri, poster_uri, page_uri, bytes, duration_s
            from {jobs} where status = 'done' order by recap_year, user_id
            """,
            fetch=True,
        )
        keys = ("user_id", "recap_year", "output_uri", "poster_uri", "page_uri", "bytes", "duration_s")
        return [dict(zip(keys, r, strict=True)) for r in rows]
