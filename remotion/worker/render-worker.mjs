// A long-lived render worker: the one boundary between the runner and Remotion.
//
// Started once per pool slot with a pre-built bundle; opens the browser once and renders many jobs.
// Protocol: newline-delimited JSON. stdin gets jobs, stdout gets exactly one reply per job
// (everything else Remotion prints goes to stderr).
//   job   {"id": str, "payload": {...}, "video": path|null, "poster": path|null,
//          "scale": 1, "frameRange": [a, b]|null,
//          "settings": {jpegQuality, x264Preset, crf, tabs, mode: "full"|"sparse", segmentCacheMb,
//                       soundtrack: "default"|"none"|"sha256:<hex>"|path}}
//         mode "sparse" (worker/sparse.mjs) captures only the frames that move; with a frameRange
//         it falls back to "full" (renderMedia). soundtrack: worker/encode/audio.mjs. One job:
//         worker/render-job.mjs.
//   reply {"id", "ok": true, "video": {durationInFrames, fps, width, height}, "audio": {cached, ms},
//          "share": {lang, appName, name, year, title, description, line, cta, noVideo, download},
//          "renderMs", "rssBytes"}
//         share: the share page's words in the user's language (src/share.ts), plain text.
//         {"id", "ok": false, "kind": "invalid_payload"|"render", "error": "one readable line"}
//   plan  {"id", "plan": true, "payload", "scale", "settings"} -> reply {"id", "ok": true,
//         "segmentKeys": [key per scene], "segmentCacheDir": path|null}: what a sparse render of the
//         payload will look for in the segment cache (the runner fetches a fleet's shared segments)
//   first line after start: {"event": "ready", "pid": n}
import {openBrowser} from '@remotion/renderer';
import {createInterface} from 'node:readline';
import {findBrowser} from './browser.mjs';
import {BROWSER_CANDIDATES} from './paths.mjs';
import {planJob, renderJob} from './render-job.mjs';

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
const browserExecutable = arg('--browser') || findBrowser(BROWSER_CANDIDATES);
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
    const result = job.plan ? await planJob({job, serveUrl}) : await renderJob({job, serveUrl, browser: await getBrowser()});
    reply({id: job.id, ok: true, ...result, rssBytes: process.memoryUsage().rss});
  } catch (error) {
    const invalid = isInvalidPayload(error);
    if (!invalid) await dropBrowser(); // a crashed or hung tab: start the next job on a fresh browser
    reply({id: job.id, ok: false, kind: invalid ? 'invalid_payload' : 'render', error: firstLine(error)});
  }
}
await dropBrowser();
process.exit(0);
