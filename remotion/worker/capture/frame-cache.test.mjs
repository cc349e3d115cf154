// The on-disk frame cache (node --test).
import assert from 'node:assert/strict';
import {mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import {FrameCache} from './frame-cache.mjs';

let dir;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'frame-cache-test-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

/** n frame files of `bytes` bytes each, contents telling them apart. */
const frames = (name, n, bytes = 100) => {
  const folder = mkdtempSync(path.join(dir, `${name}-`));
  return Array.from({length: n}, (_, i) => {
    const file = path.join(folder, `${i}.jpeg`);
    writeFileSync(file, `${name}-${i}`.padEnd(bytes, '.'));
    return file;
  });
};

const entries = (cache) => readdirSync(cache.dir).filter((n) => !n.startsWith('.')).sort();

test('a scene is admitted the second time its key is seen', () => {
  const cache = new FrameCache(path.join(dir, 'cache'), 1e6);
  assert.equal(cache.admit('k'), false);
  assert.equal(cache.admit('k'), true);
  assert.equal(cache.admit('other'), false);
});

test('stored frames come back in order under the names asked for', async () => {
  const cache = new FrameCache(path.join(dir, 'cache'), 1e6);
  const files = frames('scene', 3);
  await cache.store('k', files);
  const dest = mkdtempSync(path.join(dir, 'dest-'));
  assert.equal(cache.fetch('k', ['x.jpeg', 'y.jpeg', 'z.jpeg'], dest), true);
  assert.deepEqual(['x', 'y', 'z'].map((n) => readFileSync(path.join(dest, `${n}.jpeg`), 'utf8')), files.map((f) => readFileSync(f, 'utf8')));
});

test('a fetch of an absent key, or with another frame count, says no', async () => {
  const cache = new FrameCache(path.join(dir, 'cache'), 1e6);
  await cache.store('k', frames('scene', 2));
  const dest = mkdtempSync(path.join(dir, 'dest-'));
  assert.equal(cache.fetch('missing', ['a.jpeg'], dest), false);
  assert.equal(cache.fetch('k', ['a.jpeg'], dest), false);
});

test('least recently used entries are evicted down to the size limit', async () => {
  const cache = new FrameCache(path.join(dir, 'cache'), 1000); // each entry: 2 x 100 bytes
  for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) {
    await cache.store(key, frames(key, 2));
    const when = new Date(Date.now() - (100 - i) * 1000); // a used longest ago, e last
    utimesSync(path.join(cache.dir, key), when, when);
  }
  assert.deepEqual(entries(cache), ['a', 'b', 'c', 'd', 'e']);
  // using a makes it the most recent: the next store evicts b, the least recently used
  assert.equal(cache.fetch('a', ['0.jpeg', '1.jpeg'], mkdtempSync(path.join(dir, 'dest-'))), true);
  await cache.store('f', frames('f', 2));
  assert.deepEqual(entries(cache), ['a', 'c', 'd', 'e', 'f']);
});

test('an entry bigger than a quarter of the cache is not stored, and leaves nothing behind', async () => {
  const cache = new FrameCache(path.join(dir, 'cache'), 1000);
  await cache.store('big', frames('big', 3)); // 300 bytes > 250
  assert.deepEqual(readdirSync(cache.dir), []);
});

test('a second store of a key keeps the first entry', async () => {
  const cache = new FrameCache(path.join(dir, 'cache'), 1e6);
  const first = frames('first', 1);
  await cache.store('k', first);
  await cache.store('k', frames('second', 1));
  const dest = mkdtempSync(path.join(dir, 'dest-'));
  cache.fetch('k', ['x.jpeg'], dest);
  assert.equal(readFileSync(path.join(dest, 'x.jpeg'), 'utf8'), readFileSync(first[0], 'utf8'));
});

test('a cache of size 0 stores and finds nothing', async () => {
  const cache = new FrameCache(path.join(dir, 'none'), 0);
  assert.equal(cache.admit('k'), false);
  assert.equal(cache.admit('k'), false);
  await cache.store('k', frames('scene', 1));
  assert.equal(cache.fetch('k', ['x.jpeg'], dir), false);
});

test('keys are stable and differ with any part', () => {
  assert.equal(FrameCache.key(['outro', 1]), FrameCache.key(['outro', 1]));
  assert.notEqual(FrameCache.key(['outro', 1]), FrameCache.key(['outro', 2]));
  assert.match(FrameCache.key([]), /^[0-9a-f]{32}$/);
});
