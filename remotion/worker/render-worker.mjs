// A long-lived render worker: the one boundary between the runner and Remotion.
//
// Started once per pool slot with a pre-built bundle; opens the browser once and renders many jobs.
// Protocol: newline-delimited JSON. stdin gets jobs, stdout gets exactly one reply per job
// (everything else Remotion prints goes to stderr).
//   job   {"id": str, "payload": {...}, "video": path|null, "poster": path|null,
//          "scale": 1, "frameRange": [a, b]|null,
//          "settings": {jpegQuality, x264Preset, crf, tabs, mode: "full"|"sparse", frameCacheMb}}
//         mode "sparse" (worker/sparse.mjs) captures only the frames that move; with a frameRange
//         it falls back to "full" (renderMedia)
//   reply {"id", "ok": true, "video": {durationInFrames, fps, width, height}, "renderMs", "rssBytes"}
//         {"id", "ok": false, "kind": "invalid_payload"|"render", "error": "one readable line"}
//   first line after start: {"event": "ready", "pid": n}
import {openBrowser, renderMedia, renderStill, selectComposition} from '@remotion/renderer';
import {createInterface} from 'node:readline';
import {loadTimelineLib, renderSparse} from './sparse.mjs';

console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);
// Remotion closes a failed render's tab in the background; when the browser is closed first, that
// close rejects with "Target closed" and nobody awaits it. Such late rejections must not kill the
// worker (the next, innocent job would fail with it): log them and go on.
process.on('unhandledRejection', (reason) => {
  console.error(`render worker: ignored a late rejection: ${String(reason?.message ?? reason).split('\n')[0]}`);
});

const arg = (name, fallback = null) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const serveUrl = arg('--serve-url');
const browserExecutable = arg('--browser') || process.env.RECAP_BROWSER_EXECUTABLE || null;
if (!serveUrl) {
  console.error('usage: node worker/render-worker.mjs --serve-url BUNDLE_DIR [--browser PATH]');
  process.exit(2);
}

const reply = (message) => process.stdout.write(JSON.stringify(message) + '\n');

let browser = null;
const getBrowser = async () => {
  if (!browser) {
    browser = await openBrowser('chrome', {
      browserExecutable,
      chromiumOptions: {},
      logLevel: 'error',
    });
  }
  return browser;
};
const dropBrowser = async () => {
  const old = browser;
  browser = null;
  if (old) await old.close({silent: true}).catch(() => undefined);
};

// The payload schema's own error (src/payload/schema.ts, thrown by resolveCompositions) carries
// "invalid payload" as its name; the same error thrown in the page reaches us as "invalid payload: ..."
const describe = (error) => (error?.name === 'invalid payload' ? String(error) : String(error?.message ?? error));

const firstLine = (error) => {
  const text = describe(error);
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.trim().replace(/^Error: /, '').slice(0, 500);
};

const isInvalidPayload = (error) => /invalid payload:/i.test(describe(error));

const defaults = {jpegQuality: 80, x264Preset: 'veryfast', crf: 20, tabs: 1, timeoutMs: 120000, mode: 'full'};

/**
 * The Recap and Poster compositions of a payload, resolved in Node by the same code the bundle's
 * calculateMetadata runs (src/lib.ts: parsePayload, getTimeline), rather than by selectComposition(),
 * which opens a tab and loads the bundle only to run it (~1 CPU-s per composition, per video).
 * Throws "invalid payload: <field>: ..." like calculateMetadata.
 */
const resolveCompositions = async (payload) => {
  const lib = await loadTimelineLib();
  const props = lib.parsePayload(payload);
  const timeline = lib.getTimeline(props);
  const base = {
    width: lib.WIDTH,
    height: lib.HEIGHT,
    defaultProps: {},
    props,
    defaultCodec: null,
    defaultOutName: null,
    defaultVideoImageFormat: null,
    defaultPixelFormat: null,
    defaultProResProfile: null,
    defaultSampleRate: null,
  };
  return {
    recap: {...base, id: 'Recap', fps: timeline.fps, durationInFrames: timeline.durationInFrames, width: timeline.width, height: timeline.height},
    poster: {...base, id: 'Poster', fps: 1, durationInFrames: 1},
  };
};

const renderJob = async (job) => {
  const started = Date.now();
  const settings = {...defaults, ...(job.settings ?? {})};
  const puppeteerInstance = await getBrowser();
  const inputProps = job.payload;
  // Remotion's own timeout is per delayRender() (>= 7 s); the runner enforces the per-render limit.
  const delayRenderTimeout = Math.max(7000, Math.min(settings.timeoutMs, 30000));
  const common = {serveUrl, inputProps, puppeteerInstance, logLevel: 'error', timeoutInMilliseconds: delayRenderTimeout};
  const result = {};
  const resolved = await resolveCompositions(job.payload);
  if (job.video) {
    // "full" (Remotion's renderMedia, the reference the sparse path is tested against) resolves
    // the composition in the page, as the Remotion CLI does.
    const sparse = settings.mode === 'sparse' && !job.frameRange;
    const composition = sparse ? resolved.recap : await selectComposition({...common, id: 'Recap'});
    if (sparse) {
      result.sparse = await renderSparse({common, composition, output: job.video, scale: job.scale ?? 1, settings});
    } else await renderMedia({
      ...common,
      composition,
      codec: 'h264',
      outputLocation: job.video,
      overwrite: true,
      scale: job.scale ?? 1,
      frameRange: job.frameRange ?? null,
      imageFormat: 'jpeg',
      jpegQuality: settings.jpegQuality,
      x264Preset: settings.x264Preset,
      crf: settings.crf,
      colorSpace: 'bt709',
      concurrency: settings.tabs,
    });
    result.video = {
      durationInFrames: composition.durationInFrames,
      fps: composition.fps,
      width: composition.width,
      height: composition.height,
    };
  }
  if (job.poster) {
    await renderStill({
      ...common,
      composition: resolved.poster,
      output: job.poster,
      overwrite: true,
      imageFormat: 'jpeg',
      jpegQuality: 90,
      scale: job.scale ?? 1,
      frame: 0,
    });
  }
  return {...result, renderMs: Date.now() - started};
};

// stdin closes when the runner closes the pool or dies (even by SIGKILL): stop at once, with the
// browser, rather than finishing a render nobody will collect.
process.stdin.on('end', async () => {
  await dropBrowser();
  process.exit(0);
});

reply({event: 'ready', pid: process.pid});
const lines = createInterface({input: process.stdin, crlfDelay: Infinity});
for await (const line of lines) {
  if (!line.trim()) continue;
  let job;
  try {
    job = JSON.parse(line);
  } catch (error) {
    reply({id: null, ok: false, kind: 'protocol', error: `bad job line: ${firstLine(error)}`});
    continue;
  }
  try {
    const result = await renderJob(job);
    reply({id: job.id, ok: true, ...result, rssBytes: process.memoryUsage().rss});
  } catch (error) {
    const invalid = isInvalidPayload(error);
    if (!invalid) await dropBrowser(); // a crashed or hung tab: start the next job on a fresh browser
    reply({id: job.id, ok: false, kind: invalid ? 'invalid_payload' : 'render', error: firstLine(error)});
  }
}
await dropBrowser();
process.exit(0);
