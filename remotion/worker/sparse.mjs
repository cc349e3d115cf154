// The "sparse" render path: capture only the frames that differ, encode the video once.
//
// getTimeline(payload) (src/timeline.ts) says, for every scene, from which frame its picture stops
// changing (`settledAt`) and a `cacheKey` that fully determines its pixels. So, per scene:
//   - capture frames [from, settledAt] only (the rest of the scene is a hold of frame settledAt),
//     all scenes of a video in ONE renderFrames() call (its `frames` list): every call opens a tab
//     and loads the bundle (~0.8 CPU-s), so one call per scene would cost ~6 CPU-s per video;
//   - reuse the captured frames of a scene whose cacheKey was captured before (e.g. the outro every
//     user of one language and year shares) from a small on-disk LRU frame cache;
//   - encode once with ffmpeg (see encodeVideo): only the captured frames go through x264 and every
//     hold is spliced in as H.264 skip frames (worker/hold-splice.mjs; if that is not possible, the
//     settled frame is encoded for its whole hold), H.264 yuv420p BT.709 (the same conversion as
//     renderMedia's colorSpace 'bt709'), +faststart, exactly durationInFrames frames at fps.
// A full render (renderMedia) gives the same frames; tests/test_sparse_render.py checks it.
import {renderFrames} from '@remotion/renderer';
import {spawnSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {forcedKeyframes, holdTemplate, muxSpliced, runFfmpeg, spliceEncoderArgs, spliceHolds, x264Args} from './hold-splice.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);

// -- where temporary frames go: a RAM disk when there is one (frames are written once, read once) --
export const defaultTmpRoot = () => {
  if (process.env.RECAP_TMP_DIR) return process.env.RECAP_TMP_DIR;
  try {
    if (statSync('/dev/shm').isDirectory()) {
      const probe = mkdtempSync('/dev/shm/recap-probe-');
      rmSync(probe, {recursive: true, force: true});
      return '/dev/shm';
    }
  } catch {
    // no usable /dev/shm
  }
  return os.tmpdir();
};

// -- the timeline, from the same sources as the bundle (src/lib.ts, built with esbuild once) --------
let libPromise = null;
export const loadTimelineLib = () => {
  if (!libPromise) {
    libPromise = (async () => {
      const {buildLib} = await import(pathToFileURL(path.join(here, '..', 'scripts', 'build-lib.mjs')).href);
      const out = path.join(os.tmpdir(), `dream-recap-lib-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
      await buildLib(out);
      try {
        return await import(pathToFileURL(out).href);
      } finally {
        rmSync(out, {force: true});
      }
    })();
    libPromise.catch(() => {
      libPromise = null;
    });
  }
  return libPromise;
};

/** Frames to capture per scene and how long each lasts: [{scene, frames: [abs...], holdFrames}]. */
export const sparsePlan = (timeline) => {
  let expected = 0;
  return timeline.scenes.map((scene) => {
    const end = scene.from + scene.durationInFrames; // exclusive
    if (scene.from !== expected || scene.settledAt < scene.from || scene.settledAt >= end) {
      throw new Error(`timeline is not contiguous or settledAt is outside its scene at ${scene.name}`);
    }
    expected = end;
    const frames = [];
    for (let f = scene.from; f <= scene.settledAt; f++) frames.push(f);
    return {scene, frames, holdFrames: end - scene.settledAt};
  });
};

// -- the frame cache: <dir>/<hash>/{000000.jpeg..., meta.json}, least recently used evicted ----------
// Admission ("doorkeeper"): a scene is stored the second time its key is seen (<dir>/.seen/<hash>),
// so the ~90% of top-list scenes no other user shares never push shared ones (intro of a common
// name, lucid/streak figures, outro of a language) out. Simulated on the 30,000-user demo data
// (BENCHMARKS.md): captured frames per video 434 without cache; 4 GB LRU 261, 4 GB doorkeeper+LRU 235.
export class FrameCache {
  constructor(dir, maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    if (maxBytes > 0) mkdirSync(dir, {recursive: true});
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
      names.forEach((name, i) => linkOrCopy(path.join(entry, frameName(i)), path.join(destDir, name)));
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

  /** Store files (absolute paths, in order) under key; atomic (rename), then evict down to maxBytes. */
  store(key, files) {
    if (this.maxBytes <= 0) return;
    const entry = path.join(this.dir, key);
    if (existsSync(entry)) return;
    const tmp = path.join(this.dir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(tmp);
      let bytes = 0;
      files.forEach((file, i) => {
        linkOrCopy(file, path.join(tmp, frameName(i)));
        bytes += statSync(file).size;
      });
      if (bytes > this.maxBytes / 4) {
        rmSync(tmp, {recursive: true, force: true});
        return;
      }
      writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify({frames: files.length, bytes}));
      renameSync(tmp, entry);
    } catch {
      rmSync(tmp, {recursive: true, force: true}); // another worker stored it first, or a full disk
      return;
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

const frameName = (i) => `${String(i).padStart(6, '0')}.jpeg`;

const linkOrCopy = (from, to) => {
  try {
    linkSync(from, to);
  } catch (error) {
    if (error.code === 'EXDEV' || error.code === 'EPERM') copyFileSync(from, to);
    else throw error;
  }
};

// -- ffmpeg --------------------------------------------------------------------------------------------
// Preferred: a full ffmpeg (RECAP_FFMPEG, else `ffmpeg` on PATH) with the fps and zscale filters:
// a concat list where each captured frame lasts 1/fps and the settled frame its whole hold, then
// `fps` (exact: every output slot shows the latest frame at or before it). The hold is decoded and
// converted once. Two traps, both checked by tests/test_sparse_render.py: without `option framerate`
// each JPEG entry gets the image demuxer's 1/25 s time base (timestamps off by up to 20 ms, frames
// shifted); and ffmpeg's own -fps_mode cfr duplication (no fps filter) ends every hold one frame early.
// Fallback: Remotion's bundled ffmpeg (no fps filter) reading a hard-linked image sequence with one
// entry per output frame (exact too, decodes every frame: ~3 CPU-s more per video).
const which = (name) => {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const full = path.join(dir, name);
    if (dir && existsSync(full)) return full;
  }
  return null;
};

let ffmpegCache = null;
export const ffmpegForSparse = () => {
  if (ffmpegCache) return ffmpegCache;
  const system = process.env.RECAP_FFMPEG || which('ffmpeg');
  if (system) {
    const probe = spawnSync(system, ['-hide_banner', '-filters'], {encoding: 'utf8'});
    const filters = probe.stdout || '';
    if (/\sfps\s/.test(filters) && /\szscale\s/.test(filters)) {
      ffmpegCache = {bin: system, method: 'concat'};
      return ffmpegCache;
    }
  }
  const dir = path.dirname(require.resolve('@remotion/compositor-linux-x64-gnu/package.json'));
  ffmpegCache = {bin: path.join(dir, 'ffmpeg'), method: 'sequence'};
  return ffmpegCache;
};

const quote = (file) => `'${file.replace(/'/g, "'\\''")}'`;

/** The concat list: each captured frame 1/fps, the settled one for its whole hold. */
export const concatList = (segments, fps) => {
  const lines = ['ffconcat version 1.0'];
  const entry = (file, frames) => lines.push(`file ${quote(file)}`, `option framerate ${fps}`, `duration ${(frames / fps).toFixed(6)}`);
  let last = null;
  for (const {files, holdFrames} of segments) {
    files.forEach((file, i) => entry(file, i === files.length - 1 ? holdFrames : 1));
    last = files[files.length - 1];
  }
  // The demuxer may drop the last entry's duration: repeat it; -frames:v cuts at the exact count.
  if (last) entry(last, 1);
  return lines.join('\n') + '\n';
};

const BT709 = 'zscale=matrix=709:range=limited:primariesin=709:primaries=709:transferin=709:transfer=709';

/** Hard-link files, in order, as dir/000000.jpeg...; ffmpeg's image-demuxer input for them at fps. */
const sequenceInput = (dir, files, fps) => {
  mkdirSync(dir);
  files.forEach((file, i) => linkOrCopy(file, path.join(dir, frameName(i))));
  return ['-framerate', String(fps), '-i', path.join(dir, '%06d.jpeg')];
};

const notSpliced = (reason) => console.error(`sparse: holds encoded, not spliced: ${reason}`);

/**
 * The preferred encode (system ffmpeg): only the captured frames go through x264, every hold is
 * spliced in as H.264 skip frames (worker/hold-splice.mjs). Returns false (nothing written) when the
 * splice checks fail; the caller then encodes the ordinary way.
 */
const encodeSpliced = async ({bin, segments, work, output, fps, width, height, x264Preset, crf}) => {
  const captured = segments.flatMap((s) => s.files);
  const keyframes = forcedKeyframes(segments.map((s) => s.files.length));
  const encoded = path.join(work, 'captured.h264');
  await runFfmpeg(bin, [
    '-hide_banner', '-loglevel', 'error', '-y', ...sequenceInput(path.join(work, 'captured-sequence'), captured, fps),
    '-vf', BT709, '-frames:v', String(captured.length),
    '-force_key_frames', `expr:${keyframes.map((k) => `eq(n,${k})`).join('+')}`, '-forced-idr', '1',
    ...spliceEncoderArgs({fps, x264Preset, crf}), '-f', 'h264', encoded,
  ], work);
  const stream = await spliceHolds({
    encoded: readFileSync(encoded),
    scenes: segments.map((s) => ({captured: s.files.length, holdFrames: s.holdFrames})),
    bin, width, height, fps, filter: BT709, x264Preset, crf,
    why: notSpliced,
  });
  if (!stream) return false;
  await muxSpliced({bin, stream, work, output, fps});
  return true;
};

/**
 * Make the hold template of these settings now (it is otherwise made by the first render that
 * needs it, once per machine: ~6 CPU-s at 1080x1920). `node worker/sparse.mjs --hold-template`.
 */
export const prepareHoldTemplate = async ({width, height, fps, x264Preset, crf}) => {
  const {bin, method} = ffmpegForSparse();
  if (method === 'concat') await holdTemplate({bin, width, height, fps, filter: BT709, x264Preset, crf});
};

/** Encode segments [{files, holdFrames}] to output: exactly durationInFrames frames at fps. */
export const encodeVideo = async ({
  segments, work, output, fps, durationInFrames, width, height, x264Preset, crf,
  splice = process.env.RECAP_HOLD_SPLICE !== '0', // RECAP_HOLD_SPLICE=0: encode holds (for comparison)
}) => {
  const {bin, method} = ffmpegForSparse();
  const tmp = `${output}.sparse-${process.pid}.mp4`;
  try {
    if (splice && method === 'concat' && width && height && 90000 % fps === 0) {
      // an ffmpeg without -forced-idr or the setts filter fails here: encode the ordinary way then
      const spliced = await encodeSpliced({bin, segments, work, output: tmp, fps, width, height, x264Preset, crf}).catch((error) => {
        notSpliced(String(error?.message ?? error).split('\n')[0]);
        return false;
      });
      if (spliced) {
        renameSync(tmp, output);
        return {holdsSpliced: true};
      }
    }
    let input;
    let filter = BT709;
    if (method === 'concat') {
      const listFile = path.join(work, 'frames.ffconcat');
      writeFileSync(listFile, concatList(segments, fps));
      input = ['-f', 'concat', '-safe', '0', '-i', listFile];
      filter = `${BT709},fps=${fps}:round=near`;
    } else {
      // one entry per output frame: the settled frame repeated for its whole hold
      const everyFrame = segments.flatMap(({files, holdFrames}) => [...files, ...Array(holdFrames - 1).fill(files[files.length - 1])]);
      input = sequenceInput(path.join(work, 'sequence'), everyFrame, fps);
    }
    const args = [
      '-hide_banner', '-loglevel', 'error', '-y', ...input,
      '-vf', filter, '-fps_mode', 'cfr', '-r', String(fps), '-frames:v', String(durationInFrames),
      ...x264Args({x264Preset, crf}),
      '-video_track_timescale', '90000', '-movflags', '+faststart', '-an', '-f', 'mp4', tmp,
    ];
    await runFfmpeg(bin, args, method === 'sequence' ? path.dirname(bin) : work);
    renameSync(tmp, output);
    return {holdsSpliced: false};
  } finally {
    rmSync(tmp, {force: true});
  }
};

// A worker killed mid-render (timeout, crash, SIGKILL) leaves its frames behind, on a RAM disk:
// remove work folders whose worker process is gone.
const sweepStaleWork = (tmpRoot) => {
  for (const name of readdirSync(tmpRoot)) {
    const m = /^recap-sparse-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (error) {
      if (error.code === 'ESRCH') rmSync(path.join(tmpRoot, name), {recursive: true, force: true});
    }
  }
};

// The runner's bundle folder is named after a hash of the sources; the stamp also tells apart two
// builds in one folder (a rebuilt bundle must not reuse the previous build's frames).
const bundleStamps = new Map();
const bundleStamp = (serveUrl) => {
  if (!bundleStamps.has(serveUrl)) {
    let stamp = null;
    try {
      stamp = statSync(path.join(serveUrl, 'index.html')).mtimeMs;
    } catch {
      // a URL, not a folder
    }
    bundleStamps.set(serveUrl, stamp);
  }
  return bundleStamps.get(serveUrl);
};

/**
 * Render the Recap video of one payload the sparse way.
 *   common:   {serveUrl, inputProps, puppeteerInstance, logLevel, timeoutInMilliseconds}
 *   composition: the selected Recap composition (its durationInFrames must match the timeline)
 *   settings: {jpegQuality, x264Preset, crf, frameCacheMb, templateVersion}
 * Returns figures for the reply: {capturedFrames, cachedFrames, holdsSpliced, captureMs, encodeMs}.
 */
export const renderSparse = async ({common, composition, output, scale, settings, tmpRoot = defaultTmpRoot()}) => {
  const lib = await loadTimelineLib();
  const timeline = lib.getTimeline(composition.props);
  if (timeline.durationInFrames !== composition.durationInFrames || timeline.fps !== composition.fps) {
    throw new Error(
      `timeline (${timeline.durationInFrames} frames) disagrees with the bundle's Recap (${composition.durationInFrames}); rebuild the bundle`,
    );
  }
  const plan = sparsePlan(timeline);
  // On disk (not the RAM disk): GBs, shared by the workers of a machine, kept across runs.
  const cache = new FrameCache(
    process.env.RECAP_FRAME_CACHE_DIR || path.join(os.tmpdir(), 'dream-recap-frame-cache'),
    Math.round(Number(process.env.RECAP_FRAME_CACHE_MB ?? settings.frameCacheMb ?? 4096) * 1024 * 1024),
  );
  sweepStaleWork(tmpRoot);
  const work = mkdtempSync(path.join(tmpRoot, `recap-sparse-${process.pid}-`));
  try {
    const captureDir = path.join(work, 'captured');
    const segments = [];
    const toCapture = [];
    const toStore = [];
    let cachedFrames = 0;
    for (const {scene, frames, holdFrames} of plan) {
      const key = FrameCache.key([scene.cacheKey, common.serveUrl, bundleStamp(common.serveUrl), settings.templateVersion ?? null, scale, settings.jpegQuality]);
      const names = frames.map((f) => `scene-${scene.name}-${frameName(f - scene.from)}`);
      const files = names.map((n) => path.join(work, n));
      if (cache.fetch(key, names, work)) {
        cachedFrames += frames.length;
      } else {
        toCapture.push(...frames);
        toStore.push({key, frames, files, store: cache.admit(key)});
      }
      segments.push({files, holdFrames});
    }
    const captureStart = Date.now();
    if (toCapture.length > 0) {
      await renderFrames({
        ...common,
        composition,
        frames: toCapture,
        outputDir: captureDir,
        imageSequencePattern: 'f-[frame].[ext]',
        imageFormat: 'jpeg',
        jpegQuality: settings.jpegQuality,
        scale,
        concurrency: settings.tabs ?? 1,
        onStart: () => undefined,
        onFrameUpdate: () => undefined,
      });
      // Captured files are named by absolute frame with a padding Remotion chooses: map them back.
      const byFrame = new Map();
      for (const name of readdirSync(captureDir)) {
        const m = /^f-(\d+)\.jpeg$/.exec(name);
        if (m) byFrame.set(Number(m[1]), path.join(captureDir, name));
      }
      for (const {key, frames, files, store} of toStore) {
        frames.forEach((f, i) => {
          const source = byFrame.get(f);
          if (!source) throw new Error(`renderFrames did not write frame ${f}`);
          renameSync(source, files[i]);
        });
        if (store) cache.store(key, files);
      }
    }
    const captureMs = Date.now() - captureStart;
    const encodeStart = Date.now();
    const {holdsSpliced} = await encodeVideo({
      segments,
      work,
      output,
      fps: timeline.fps,
      durationInFrames: timeline.durationInFrames,
      width: Math.round(timeline.width * scale),
      height: Math.round(timeline.height * scale),
      x264Preset: settings.x264Preset,
      crf: settings.crf,
    });
    return {capturedFrames: toCapture.length, cachedFrames, holdsSpliced, captureMs, encodeMs: Date.now() - encodeStart};
  } finally {
    rmSync(work, {recursive: true, force: true});
  }
};

// -- `node worker/sparse.mjs --timeline-stats < payloads.jsonl`: frame counts for `render-runner plan`.
// Prints {"videos", "invalid", "frames", "capturedFrames", "uniqueCapturedFrames"}: frames shown,
// frames a sparse render captures, and the same when scenes with equal cacheKeys are captured once.
const timelineStats = async () => {
  const lib = await loadTimelineLib();
  const {createInterface} = await import('node:readline');
  const stats = {videos: 0, invalid: 0, frames: 0, capturedFrames: 0, uniqueCapturedFrames: 0};
  const seen = new Set();
  for await (const line of createInterface({input: process.stdin, crlfDelay: Infinity})) {
    if (!line.trim()) continue;
    let timeline;
    try {
      timeline = lib.getTimeline(lib.parsePayload(JSON.parse(line)));
    } catch {
      stats.invalid += 1;
      continue;
    }
    stats.videos += 1;
    stats.frames += timeline.durationInFrames;
    for (const {scene, frames} of sparsePlan(timeline)) {
      stats.capturedFrames += frames.length;
      const key = createHash('sha1').update(scene.cacheKey).digest('hex');
      if (!seen.has(key)) {
        seen.add(key);
        stats.uniqueCapturedFrames += frames.length;
      }
    }
  }
  process.stdout.write(JSON.stringify(stats) + '\n');
};

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain && process.argv.includes('--timeline-stats')) {
  await timelineStats();
}
// `node worker/sparse.mjs --hold-template WIDTHxHEIGHT FPS PRESET CRF`: make the hold template now.
if (isMain && process.argv.includes('--hold-template')) {
  const [size, fps, x264Preset, crf] = process.argv.slice(process.argv.indexOf('--hold-template') + 1);
  const [width, height] = size.split('x').map(Number);
  await prepareHoldTemplate({width, height, fps: Number(fps), x264Preset, crf: Number(crf)});
}
