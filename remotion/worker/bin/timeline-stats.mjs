#!/usr/bin/env node
// Frame counts for `render-runner plan`: node worker/bin/timeline-stats.mjs < payloads.jsonl
// Prints {"videos", "invalid", "frames", "capturedFrames", "uniqueCapturedFrames", "minFrames",
// "maxFrames"}: frames shown, frames a sparse render captures, the same when scenes with equal
// cacheKeys are captured once, and the shortest and longest video (null without a valid payload;
// `render-runner go --frames` checks its range against the shortest).
import {createHash} from 'node:crypto';
import {createInterface} from 'node:readline';
import {framesToCapture} from '../capture/frames.mjs';
import {loadLib} from '../lib.mjs';

const lib = await loadLib();
const stats = {videos: 0, invalid: 0, frames: 0, capturedFrames: 0, uniqueCapturedFrames: 0, minFrames: null, maxFrames: null};
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
  stats.minFrames = Math.min(stats.minFrames ?? Infinity, timeline.durationInFrames);
  stats.maxFrames = Math.max(stats.maxFrames ?? 0, timeline.durationInFrames);
  for (const {scene, frames} of framesToCapture(timeline)) {
    stats.capturedFrames += frames.length;
    const key = createHash('sha1').update(scene.cacheKey).digest('hex');
    if (!seen.has(key)) {
      seen.add(key);
      stats.uniqueCapturedFrames += frames.length;
    }
  }
}
process.stdout.write(JSON.stringify(stats) + '\n');
