#!/usr/bin/env node
// Make the hold clip of these settings now (otherwise the first render that needs it makes it, once
// per machine: ~6 CPU-s at 1080x1920): node worker/bin/hold-clip.mjs WIDTHxHEIGHT FPS PRESET CRF
import {prepareHoldClip} from '../encode/holds.mjs';

const [size, fps, x264Preset, crf] = process.argv.slice(2);
const [width, height] = (size ?? '').split('x').map(Number);
if (!width || !height || !Number(fps) || !x264Preset || crf === undefined) {
  console.error('usage: node worker/bin/hold-clip.mjs WIDTHxHEIGHT FPS PRESET CRF');
  process.exit(2);
}
await prepareHoldClip({width, height, fps: Number(fps), x264Preset, crf: Number(crf)});
