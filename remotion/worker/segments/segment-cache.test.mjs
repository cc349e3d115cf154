// The on-disk segment cache (node --test).
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, rmSync, utimesSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import {SegmentCache, segmentKey} from './segment-cache.mjs';

let dir;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'segment-cache-test-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

const scene = {cacheKey: 'outro|en', durationInFrames: 120};
const settings = {templateVersion: 'v1', encoder: {width: 1080, crf: 20}};

test('a stored segment is fetched whole; an unknown key is a miss', async () => {
  const cache = new SegmentCache(dir, 1024 * 1024);
  await cache.store('a', Buffer.from('segment-a'));
  assert.equal(cache.fetch('a').toString(), 'segment-a');
  assert.equal(cache.fetch('b'), null);
  // promoted by rename: no temporary file is left beside it
  assert.deepEqual(readdirSync(dir), ['a.h264']);
});

test('the least recently used segments go first when the cache is over its size', async () => {
  const cache = new SegmentCache(dir, 40);
  const old = new Date(Date.now() - 60000);
  for (const key of ['a', 'b', 'c']) {
    await cache.store(key, Buffer.alloc(10, key));
    utimesSync(cache.file(key), old, old);
  }
  cache.fetch('a'); // used now: b is the least recently used
  await cache.store('d', Buffer.alloc(10, 'd'));
  await cache.store('e', Buffer.alloc(10, 'e'));
  cache.evict();
  const left = readdirSync(dir).sort();
  assert.ok(!left.includes('b.h264'), `b should have been evicted: ${left}`);
  assert.ok(left.includes('a.h264') && left.includes('e.h264'));
  assert.ok(left.length <= 4);
});

test('a size of zero keeps nothing', async () => {
  const cache = new SegmentCache(path.join(dir, 'none'), 0);
  await cache.store('a', Buffer.from('x'));
  assert.equal(cache.fetch('a'), null);
});

test('the key changes with the pixels, the frame counts, the template and the encoder, nothing else', () => {
  const base = segmentKey({scene, captured: 20, holdFrames: 101, ...settings});
  assert.equal(segmentKey({scene: {...scene}, captured: 20, holdFrames: 101, ...settings}), base);
  assert.notEqual(segmentKey({scene: {...scene, cacheKey: 'outro|fr'}, captured: 20, holdFrames: 101, ...settings}), base);
  assert.notEqual(segmentKey({scene, captured: 21, holdFrames: 100, ...settings}), base);
  assert.notEqual(segmentKey({scene, captured: 20, holdFrames: 101, ...settings, templateVersion: 'v2'}), base);
  assert.notEqual(segmentKey({scene, captured: 20, holdFrames: 101, ...settings, encoder: {width: 1080, crf: 23}}), base);
});
