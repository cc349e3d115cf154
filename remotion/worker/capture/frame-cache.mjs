// The frame cache: the captured frames of scenes other videos share (same cacheKey, src/timeline.ts),
// on disk as <dir>/<hash>/{000000.jpeg..., meta.json}, least recently used evicted.
// Admission ("doorkeeper"): a scene is stored the second time its key is seen (<dir>/.seen/<hash>),
// so the ~90% of top-list scenes no other user shares never push shared ones (intro of a common
// name, lucid/streak figures, outro of a language) out. Simulated on the 30,000-user demo data
// (BENCHMARKS.md): captured frames per video 434 without cache; 4 GB LRU 261, 4 GB doorkeeper+LRU 235.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {linkOrCopy, sequenceName, writeAtomically} from '../files.mjs';

export class FrameCache {
  /** maxBytes <= 0: no cache (every method says "absent" and stores nothing). */
  constructor(dir, maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    if (maxBytes > 0) mkdirSync(dir, {recursive: true});
  }

  /**
   * The machine's cache: on disk (not the RAM disk: GBs, shared by the workers of a machine, kept
   * across runs), RECAP_FRAME_CACHE_DIR or $TMPDIR/dream-recap-frame-cache, of
   * RECAP_FRAME_CACHE_MB or `frameCacheMb` (the job's settings) or 4096 MB.
   */
  static forMachine(frameCacheMb) {
    return new FrameCache(
      process.env.RECAP_FRAME_CACHE_DIR || path.join(os.tmpdir(), 'dream-recap-frame-cache'),
      Math.round(Number(process.env.RECAP_FRAME_CACHE_MB ?? frameCacheMb ?? 4096) * 1024 * 1024),
    );
  }

  static key(parts) {
    return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
  }

  /** Hard-link (or copy) the entry's frames into destDir as names[i]; false when absent or evicted. */
  fetch(key, names, destDir) {
    if (this.maxBytes <= 0) return false;
    const entry = path.join(this.dir, key);
    try {
      const meta = JSON.parse(readFileSync(path.join(entry, 'meta.json'), 'utf8'));
      if (meta.frames !== names.length) return false;
      names.forEach((name, i) => linkOrCopy(path.join(entry, sequenceName(i)), path.join(destDir, name)));
      const now = new Date();
      utimesSync(entry, now, now);
      return true;
    } catch {
      return false; // missing, half-evicted by another worker, or unreadable: capture instead
    }
  }

  /** First sighting of key: remember it and say no; later sightings: yes (store the capture). */
  admit(key) {
    if (this.maxBytes <= 0) return false;
    const marker = path.join(this.dir, '.seen', key);
    if (existsSync(marker)) return true;
    try {
      mkdirSync(path.dirname(marker), {recursive: true});
      writeFileSync(marker, '');
    } catch {
      // a full disk: the capture still goes on
    }
    return false;
  }

  /**
   * Store files (absolute paths, in order) under key, all or nothing (one rename), then evict down
   * to maxBytes. An entry bigger than a quarter of the cache is not stored.
   */
  async store(key, files) {
    if (this.maxBytes <= 0) return;
    const entry = path.join(this.dir, key);
    if (existsSync(entry)) return;
    try {
      const stored = await writeAtomically(entry, (tmp) => {
        mkdirSync(tmp);
        let bytes = 0;
        files.forEach((file, i) => {
          linkOrCopy(file, path.join(tmp, sequenceName(i)));
          bytes += statSync(file).size;
        });
        if (bytes > this.maxBytes / 4) return false;
        writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify({frames: files.length, bytes}));
        return true;
      });
      if (!stored) return;
    } catch {
      return; // another worker stored it first, or a full disk
    }
    this.evict();
  }

  evict() {
    const entries = [];
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith('.')) continue;
      const entry = path.join(this.dir, name);
      try {
        const meta = JSON.parse(readFileSync(path.join(entry, 'meta.json'), 'utf8'));
        entries.push({entry, bytes: meta.bytes, used: statSync(entry).mtimeMs});
      } catch {
        // being written or removed by another worker
      }
    }
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      rmSync(e.entry, {recursive: true, force: true});
      total -= e.bytes;
    }
  }
}
