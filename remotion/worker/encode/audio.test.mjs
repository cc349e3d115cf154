// The soundtrack's pure logic (node --test): length, cache key, loudness parsing and the gain.
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {audioCacheKey, audioLength, bedGraph, normaliseFilter, parseLoudness, SAMPLE_RATE, soundtrackSource} from './audio.mjs';

test('audioLength keeps the AAC track (content + one frame of encoder delay) within the video', () => {
  for (const [frames, fps] of [[990, 30], [631, 30], [15, 30], [1, 30], [720, 24]]) {
    const {samples, aacFrames} = audioLength(frames, fps);
    const videoSamples = (frames * SAMPLE_RATE) / fps;
    assert.equal(samples, (aacFrames - 1) * 1024);
    if (videoSamples >= 2048) {
      assert.ok(aacFrames * 1024 <= videoSamples, `${frames} frames: the track passes the video`);
      assert.ok(aacFrames * 1024 > videoSamples - 1024, `${frames} frames: the track stops more than one AAC frame early`);
    } else {
      assert.equal(aacFrames, 2); // the shortest track ffmpeg writes with sound in it
    }
  }
});

test('audioCacheKey differs by source and by length, and is stable', () => {
  const a = audioCacheKey({fingerprint: 'file:abc', samples: 1024 * 1500});
  assert.equal(a, audioCacheKey({fingerprint: 'file:abc', samples: 1024 * 1500}));
  assert.notEqual(a, audioCacheKey({fingerprint: 'file:abd', samples: 1024 * 1500}));
  assert.notEqual(a, audioCacheKey({fingerprint: 'file:abc', samples: 1024 * 1501}));
  assert.match(a, /^[0-9a-f]{32}$/);
});

test('the default bed is one fixed graph whatever the run, and its fingerprint follows the recipe', async () => {
  assert.equal(bedGraph(33), bedGraph(33));
  assert.match(bedGraph(33), /anoisesrc=[^;]*seed=\d+/);
  const bed = await soundtrackSource('default');
  assert.equal(bed.kind, 'bed');
  assert.equal(bed.fingerprint, (await soundtrackSource('default')).fingerprint);
  assert.deepEqual(await soundtrackSource('none'), {kind: 'silence', fingerprint: 'silence'});
});

test('a soundtrack file is fingerprinted by its content, not its name', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'audio-test-'));
  const [a, b, c] = ['a.mp3', 'b.mp3', 'c.mp3'].map((n) => path.join(dir, n));
  writeFileSync(a, 'same bytes');
  writeFileSync(b, 'same bytes');
  writeFileSync(c, 'other bytes');
  const [fa, fb, fc] = await Promise.all([a, b, c].map((f) => soundtrackSource(f)));
  assert.equal(fa.kind, 'file');
  assert.equal(fa.fingerprint, fb.fingerprint);
  assert.notEqual(fa.fingerprint, fc.fingerprint);
  await assert.rejects(soundtrackSource(path.join(dir, 'missing.mp3')), /no such file/);
  await assert.rejects(soundtrackSource(`sha256:${'0'.repeat(64)}`), /no such file/);
});

test('parseLoudness reads the summary, not the per-frame lines before it', () => {
  const stderr = `[Parsed_ebur128_3] t: 1 M: -20 S: -20 I: -30.0 LUFS LRA: 0 LU\n[Parsed_ebur128_3 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -31.3 LUFS\n    Threshold: -41.0 LUFS\n\n  True peak:\n    Peak:      -20.3 dBFS\n`;
  assert.deepEqual(parseLoudness(stderr), {integrated: -31.3, truePeak: -20.3});
  assert.deepEqual(parseLoudness('Summary:\n    I:         -70.0 LUFS\n    Peak:       -inf dBFS\n'), {integrated: -70, truePeak: -Infinity});
  assert.throws(() => parseLoudness('no summary'), /no loudness measured/);
});

test('normaliseFilter gains to -14 LUFS, limits only a peak that would pass -1 dBTP, leaves silence alone', () => {
  assert.equal(normaliseFilter({integrated: -31.3, truePeak: -20.3}), 'volume=17.30dB');
  assert.match(normaliseFilter({integrated: -30, truePeak: -3}), /^volume=16\.00dB,alimiter=limit=0\.8414:level=0:latency=1$/);
  assert.equal(normaliseFilter({integrated: -8, truePeak: 0}), 'volume=-6.00dB');
  assert.equal(normaliseFilter({integrated: -70, truePeak: -Infinity}), 'volume=0.00dB');
});
