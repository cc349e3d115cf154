"""`render-runner export`: the delivery manifest of every finished video, as CSV or JSON lines.

One record per done job: user id, year, where to fetch the video, the poster and the share page (a
presigned URL on S3, an absolute path for a local folder), size and duration. A presigned page URL
shows the page, but its relative links to the video and poster carry no signature: on a private
bucket the page's files must be served together (`--share-public`, or a CDN in front of the bucket).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any

from render_runner.config import ManifestFormat
from render_runner.files import atomic_path
from render_runner.queue.stats import QueueStats
from render_runner.storage.base import Storage

FIELDS = ["user_id", "year", "video_url", "poster_url", "page_url", "bytes", "duration_s"]


def manifest(stats: QueueStats, storage: Storage, expires_s: int) -> list[dict[str, Any]]:
    return [
        {
            "user_id": r["user_id"],
            "year": r["recap_year"],
            "video_url": storage.url(r["output_uri"], expires_s),
            "poster_url": storage.url(r["poster_uri"], expires_s) if r["poster_uri"] else "",
            "page_url": storage.url(r["page_uri"], expires_s) if r["page_uri"] else "",
            "bytes": r["bytes"],
            "duration_s": r["duration_s"],
        }
        for r in stats.done_jobs()
    ]


def write_manifest(records: list[dict[str, Any]], fmt: ManifestFormat, stream: IO[str]) -> None:
    if fmt is ManifestFormat.csv:
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(records)
    else:
        for record in records:
            stream.write(json.dumps(record) + "\n")


def save_manifest(records: list[dict[str, Any]], fmt: ManifestFormat, dest: Path) -> None:
    """Write the manifest to `dest`, whole or not at all."""
    with atomic_path(dest) as tmp, tmp.open("w", newline="") as stream:
        write_manifest(records, fmt, stream)
