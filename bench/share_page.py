"""CPU cost of the share page per video (remotion/src/share.ts + render_runner/share/page.py).

    .venv/bin/python bench/share_page.py       # ~1 min on 2 cores (starts a SeaweedFS server)

What a video pays for its `<key>.html`, in CPU-seconds:
  - words: `shareText(payload)` in the render worker (Node: locale, Intl formatters, the strings),
    per payload, from process.cpuUsage over many calls on the sample payloads;
  - page: `page_media` + `render_page` + writing the scratch file, in the runner (Python,
    time.process_time over many pages);
  - store: the page's `Storage.put`: into a local folder (rename + fsync), and into S3 (a real
    SeaweedFS on this machine: the runner's side of one PUT of ~3 KB, process CPU only; the
    server's own CPU is not the runner's cost).
Raw figures go to bench/results/share-page-latest.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# the project, not this folder, first: bench/queue.py must not shadow the standard library's queue
sys.path[:] = [str(PROJECT_DIR)] + [p for p in sys.path if Path(p or '.').resolve() != PROJECT_DIR / 'bench']

from render_runner.config import REMOTION_DIR, ShareSettings  # noqa: E402
from render_runner.share.page import CONTENT_TYPE, ShareText, page_media, write_page  # noqa: E402
from render_runner.storage import open_storage  # noqa: E402
from render_runner.storage.base import Storage  # noqa: E402
from tests.s3_server import SeaweedS3  # noqa: E402

SAMPLES = sorted((REMOTION_DIR / "samples").glob("*.json"))
WORD_ROUNDS = 200  # x 16 samples
PAGE_ROUNDS = 100
STORE_PAGES = 200
LINK = "https://apps.example.com/dream-recap"

NODE_WORDS = """
import fs from 'node:fs';
import {loadLib} from './worker/lib.mjs';
const lib = await loadLib();
const payloads = JSON.parse(fs.readFileSync(0, 'utf8')).map((p) => lib.parsePayload(p));
const rounds = Number(process.argv[1]);
const words = payloads.map((p) => lib.shareText(p));
const before = process.cpuUsage();
for (let i = 0; i < rounds; i++) for (const p of payloads) lib.shareText(p);
const used = process.cpuUsage(before);
process.stdout.write(JSON.stringify({cpuS: (used.user + used.system) / 1e6 / (rounds * payloads.length), words}));
"""


def share_words() -> tuple[float, list[ShareText]]:
    payloads = json.dumps([json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES])
    proc = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_WORDS, str(WORD_ROUNDS)],
        cwd=REMOTION_DIR, input=payloads, capture_output=True, text=True, check=True,
    )
    result = json.loads(proc.stdout)
    return result["cpuS"], [ShareText.from_worker(w) for w in result["words"]]


def page_cost(texts: list[ShareText], work: Path) -> float:
    storage = open_storage(str(work / "out"))
    share = ShareSettings(link=LINK, base_url="https://cdn.example.com/recaps")
    key = "0123456789abcdef0123456789abcdef"
    before = time.process_time()
    for _ in range(PAGE_ROUNDS):
        for i, text in enumerate(texts):
            media = page_media(
                storage, share, video_key=f"2026/{key}.mp4", poster_key=f"2026/{key}.jpg", page_key=f"2026/{key}.html",
                width=1080, height=1920, duration_s=27.0,
            )
            write_page(work / f"page-{i}.html", text, media, LINK)
    return (time.process_time() - before) / (PAGE_ROUNDS * len(texts))


def store_cost(storage: Storage, texts: list[ShareText], work: Path) -> tuple[float, float, int]:
    """(CPU-s, wall s, bytes) per page stored."""
    media = page_media(storage, ShareSettings(link=LINK), video_key="2026/k.mp4", poster_key="2026/k.jpg", page_key="2026/k.html",
                       width=1080, height=1920, duration_s=27.0)
    size = 0
    cpu = wall = 0.0
    for i in range(STORE_PAGES):
        path = write_page(work / f"store-{i}.html", texts[i % len(texts)], media, LINK)
        size += path.stat().st_size
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        storage.put(path, f"2026/{i:032x}.html", CONTENT_TYPE)
        cpu += time.process_time() - cpu_before
        wall += time.perf_counter() - wall_before
    return cpu / STORE_PAGES, wall / STORE_PAGES, size // STORE_PAGES


def main() -> None:
    words_s, texts = share_words()
    with tempfile.TemporaryDirectory(prefix="bench-share-page-") as tmp:
        work = Path(tmp)
        page_s = page_cost(texts, work)
        local_cpu, local_wall, page_bytes = store_cost(open_storage(str(work / "local")), texts, work)
        with SeaweedS3(work / "seaweedfs") as s3:
            bucket = s3.create_bucket()
            os.environ.update(s3.env())  # the runner's credential chain, pointed at this server
            s3_storage = open_storage(f"s3://{bucket}/recaps", s3.endpoint_url)
            store_cost(s3_storage, texts, work)  # warm the connection pool
            s3_cpu, s3_wall, _ = store_cost(s3_storage, texts, work)
    result = {
        "samples": len(SAMPLES),
        "page_bytes": page_bytes,
        "words_cpu_ms": round(words_s * 1000, 3),
        "page_cpu_ms": round(page_s * 1000, 3),
        "store_local_cpu_ms": round(local_cpu * 1000, 3),
        "store_local_wall_ms": round(local_wall * 1000, 3),
        "store_s3_cpu_ms": round(s3_cpu * 1000, 3),
        "store_s3_wall_ms": round(s3_wall * 1000, 3),
        "total_cpu_ms_local": round((words_s + page_s + local_cpu) * 1000, 2),
        "total_cpu_ms_s3": round((words_s + page_s + s3_cpu) * 1000, 2),
    }
    out = PROJECT_DIR / "bench" / "results" / "share-page-latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
