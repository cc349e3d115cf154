#!/usr/bin/env node
// Render sample payloads with the real renderer (bundle once, one browser), for the tests and for
// looking at the design. Prints one JSON object per line (and errors as JSON, never a stack).
//
//   node worker/bin/render-samples.mjs --out DIR [--bundle DIR] [--scale S] [--format jpeg|png]
//        [--poster] [--holds] [--frames 0,50,120] [--video] [--invalid] PAYLOAD.json...
//
//   --poster   Poster still of each payload          -> {"kind":"poster","sample":..,"path":..}
//   --holds    for each Recap scene, its settle frame and last frame (to check holds are still)
//   --frames   Recap stills at these frames
//   --video    the whole Recap as H.264 MP4          -> {"kind":"video",...,"durationInFrames":..}
//   --invalid  expect selectComposition to reject each payload; reports the error message
//   --bundle-only  just bundle src/index.ts into --bundle DIR (to share one bundle across calls)
// Browser: RECAP_BROWSER_EXECUTABLE, else the first of scripts/browser-candidates.txt (worker/browser.mjs).
import {bundle} from '@remotion/bundler';
import {openBrowser, renderMedia, renderStill, selectComposition} from '@remotion/renderer';
import fs from 'node:fs';
import path from 'node:path';
import {findBrowser} from '../browser.mjs';
import {loadLib} from '../lib.mjs';
import {BROWSER_CANDIDATES, REMOTION_DIR} from '../paths.mjs';

const args = process.argv.slice(2);
const opts = {bundleOnly: false, out: null, bundle: null, scale: 1, format: 'jpeg', poster: false, holds: false, frames: [], video: false, invalid: false, files: []};
for (let i = 0; i < args.length; i++) {
	const a = args[i];
	if (a === '--out') opts.out = args[++i];
	else if (a === '--bundle') opts.bundle = args[++i];
	else if (a === '--scale') opts.scale = Number(args[++i]);
	else if (a === '--format') opts.format = args[++i];
	else if (a === '--frames') opts.frames = args[++i].split(',').map(Number);
	else if (a === '--poster') opts.poster = true;
	else if (a === '--holds') opts.holds = true;
	else if (a === '--video') opts.video = true;
	else if (a === '--invalid') opts.invalid = true;
	else if (a === '--bundle-only') opts.bundleOnly = true;
	else opts.files.push(a);
}
if (!opts.out || (opts.files.length === 0 && !opts.bundleOnly)) {
	process.stderr.write('usage: render-samples.mjs --out DIR [options] PAYLOAD.json...\n');
	process.exit(2);
}
fs.mkdirSync(opts.out, {recursive: true});
const still = opts.format === 'png' ? {imageFormat: 'png'} : {imageFormat: 'jpeg', jpegQuality: 90};
const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
// A rejected selectComposition leaves Remotion closing its tab in the background; if the browser is
// closed first, that close rejects unawaited ("Target closed"). Harmless: log it, don't crash.
process.on('unhandledRejection', (reason) => {
	console.error(`render-samples: ignored a late rejection: ${String(reason?.message ?? reason).split('\n')[0]}`);
});
const browserExecutable = findBrowser(BROWSER_CANDIDATES);

const serveUrl =
	opts.bundle && fs.existsSync(path.join(opts.bundle, 'index.html'))
		? opts.bundle
		: await bundle({entryPoint: path.join(REMOTION_DIR, 'src', 'index.ts'), outDir: opts.bundle ?? undefined, onProgress: () => undefined});
emit({kind: 'bundle', serveUrl});
if (opts.bundleOnly) {
	process.exit(0);
}

const browser = await openBrowser('chrome', {browserExecutable, logLevel: 'error'});
let failures = 0;
try {
	for (const file of opts.files) {
		const sample = path.basename(file, '.json');
		const inputProps = JSON.parse(fs.readFileSync(file, 'utf8'));
		const common = {serveUrl, inputProps, puppeteerInstance: browser, browserExecutable, logLevel: 'error'};
		try {
			if (opts.invalid) {
				for (const id of ['Recap', 'Poster']) {
					try {
						await selectComposition({...common, id});
						emit({kind: 'invalid', sample, composition: id, rejected: false});
					} catch (err) {
						emit({kind: 'invalid', sample, composition: id, rejected: true, error: String(err.message).split('\n')[0]});
					}
				}
				continue;
			}
			if (opts.poster) {
				const composition = await selectComposition({...common, id: 'Poster'});
				const output = path.join(opts.out, `${sample}.poster.${opts.format === 'png' ? 'png' : 'jpg'}`);
				await renderStill({...common, composition, output, ...still, scale: opts.scale, overwrite: true});
				emit({kind: 'poster', sample, path: output, width: composition.width, height: composition.height});
			}
			if (opts.holds || opts.frames.length > 0 || opts.video) {
				const composition = await selectComposition({...common, id: 'Recap'});
				const frames = [...opts.frames];
				if (opts.holds) {
					const lib = await loadLib(serveUrl);
					for (const scene of lib.getTimeline(lib.parsePayload(inputProps)).scenes) {
						frames.push(scene.settledAt, scene.from + scene.durationInFrames - 1);
					}
				}
				for (const frame of frames) {
					const output = path.join(opts.out, `${sample}.recap-${String(frame).padStart(4, '0')}.${opts.format === 'png' ? 'png' : 'jpg'}`);
					await renderStill({...common, composition, frame, output, ...still, scale: opts.scale, overwrite: true});
					emit({kind: 'frame', sample, frame, path: output});
				}
				if (opts.video) {
					const output = path.join(opts.out, `${sample}.mp4`);
					await renderMedia({...common, composition, codec: 'h264', outputLocation: output, scale: opts.scale, colorSpace: 'bt709', x264Preset: 'veryfast', overwrite: true});
					emit({kind: 'video', sample, path: output, durationInFrames: composition.durationInFrames, fps: composition.fps, width: composition.width, height: composition.height});
				}
			}
		} catch (err) {
			failures++;
			emit({kind: 'error', sample, error: String(err?.message ?? err).split('\n')[0]});
		}
	}
} finally {
	await browser.close({silent: true});
}
process.exit(failures > 0 ? 1 : 0);
