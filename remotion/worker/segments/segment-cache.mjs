// The segment cache: every scene a video shows, encoded once as an independently decodable H.264
// segment (segments/scene-segments.mjs), on disk as <dir>/<key>.h264, keyed by what decides its
// bytes (segmentKey). A video whose scenes are all here is assembled from them by stream copy:
// no capture, no decode, no encode. Shared by the workers of a machine and kept across runs;
// the least recently used segments are evicted past the size cap.
//
// Safe under concurrency: a segment is written under a temporary name and promoted by one rename,
// so a reader sees a whole segment or none; two workers making the same segment waste work, they
// never corrupt it (the second rename replaces equally good bytes). One cache per machine; the
// runner shares segments across a fleet (render_runner/render/segment_share.py: `go --segment-cache`,
// the same keys under an S3 prefix or a shared folder).
import {createHash} from 'node:crypto';
import {mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {writeAtomically} from '../files.mjs';

export const SEGMENT_SUFFIX = '.h264';
/** Evict at most every this many stores (listing the folder costs ~1 ms per 1,000 segments). */
const EVICT_EVERY = 16;

/**
 * The key of a scene's segment: its content key (cacheKey, src/timeline.ts: the pixels), its frame
 * counts (captured and held), the template version (the bundle's folder is named after it,
 * render/bundle.py), everything that changes the encoded bytes (size, JPEG quality, x264 preset,
 * crf, fps, splice or not) and the encoder (ffmpeg's version line: another x264 may write other
 * parameter sets, and segments of one video must share them).
 */
export const segmentKey = ({scene, captured, holdFrames, templateVersion, encoder}) =>
  createHash('sha256')
    .update(JSON.stringify([scene.cacheKey, scene.durationInFrames, captured, holdFrames, templateVersion, encoder]))
    .digest('hex')
    .slice(0, 40);

export class SegmentCache {
  /** maxBytes <= 0: no cache (nothing found, nothing kept). */
  constructor(dir, maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.stores = 0;
    if (maxBytes > 0) mkdirSync(dir, {recursive: true});
  }

  /**
   * The machine's cache: RECAP_SEGMENT_CACHE_DIR or $TMPDIR/dream-recap-segments, of
   * RECAP_SEGMENT_CACHE_MB or `segmentCacheMb` (the job's settings) or 4096 MB.
   */
  static forMachine(segmentCacheMb) {
    return new SegmentCache(
      process.env.RECAP_SEGMENT_CACHE_DIR || path.join(os.tmpdir(), 'dream-recap-segments'),
      Math.round(Number(process.env.RECAP_SEGMENT_CACHE_MB ?? segmentCacheMb ?? 4096) * 1024 * 1024),
    );
  }

  file(key) {
    return path.join(this.dir, key + SEGMENT_SUFFIX);
  }

  /** The segment's bytes, or null when absent (or evicted meanwhile); a hit counts as a use (LRU). */
  fetch(key) {
    if (this.maxBytes <= 0) return null;
    const file = this.file(key);
    try {
      const bytes = readFileSync(file);
      const now = new Date();
      utimesSync(file, now, now);
      return bytes;
    } catch {
      return null;
    }
  }

  /** Keep a segment (write, then promote by rename); evict down to the cap now and then. */
  async store(key, bytes) {
    if (this.maxBytes <= 0 || bytes.length > this.maxBytes / 4) return;
    try {
      await writeAtomically(this.file(key), (tmp) => writeFileSync(tmp, bytes));
    } catch {
      return; // a full disk: the video is still assembled from the bytes in hand
    }
    this.stores += 1;
    if (this.stores % EVICT_EVERY === 1) this.evict();
  }

  /** Remove the least recently used segments until the cache is at most maxBytes. */
  evict() {
    const entries = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(SEGMENT_SUFFIX) || name.startsWith('.')) continue;
      try {
        const s = statSync(path.join(this.dir, name));
        entries.push({file: path.join(this.dir, name), bytes: s.size, used: s.mtimeMs});
      } catch {
        // removed by another worker meanwhile
      }
    }
    let total = entries.reduce((sum, e) => sum + e.bytes, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      rmSync(e.file, {force: true});
      total -= e.bytes;
    }
  }
}
