#!/usr/bin/env node
// The scenes of every video, for the render bench's cache model (bench/render.py --steady):
//   node worker/bin/scene-stats.mjs < payloads.jsonl
// One line per payload, in input order: {"user", "locale", "frames", "scenes": [[key, captured,
// holdFrames], ...]} where key is the scene's segmentKey (segments/segment-cache.mjs) without the
// template and encoder, which every video of a run shares, captured
// the frames a sparse render captures for it and holdFrames its spliced hold. Invalid payloads: {"invalid": true}.
import {createInterface} from 'node:readline';
import {framesToCapture} from '../capture/frames.mjs';
import {loadLib} from '../lib.mjs';
import {segmentKey} from '../segments/segment-cache.mjs';

const lib = await loadLib();
const out = [];
for await (const line of createInterface({input: process.stdin, crlfDelay: Infinity})) {
  if (!line.trim()) continue;
  try {
    const payload = lib.parsePayload(JSON.parse(line));
    const timeline = lib.getTimeline(payload);
    const scenes = framesToCapture(timeline).map(({scene, frames, holdFrames}) => [
      segmentKey({scene, captured: frames.length, holdFrames, templateVersion: null, encoder: null}),
      frames.length,
      holdFrames,
    ]);
    out.push(JSON.stringify({user: payload.user.id, locale: payload.locale ?? payload.user.locale ?? null, frames: timeline.durationInFrames, scenes}));
  } catch {
    out.push('{"invalid":true}');
  }
  if (out.length >= 1000) process.stdout.write(out.splice(0).join('\n') + '\n');
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
