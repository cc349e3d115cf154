// Publishing through a temporary sibling (node --test).
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, test} from 'node:test';
import {writeAtomically} from './files.mjs';

let dir;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'files-test-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

test('the target appears with what fill wrote, and no temporary file stays', async () => {
  const target = path.join(dir, 'out.txt');
  assert.equal(await writeAtomically(target, (tmp) => writeFileSync(tmp, 'done')), true);
  assert.equal(readFileSync(target, 'utf8'), 'done');
  assert.deepEqual(readdirSync(dir), ['out.txt']);
});

test('a failing fill publishes nothing and leaves nothing', async () => {
  const target = path.join(dir, 'out.txt');
  await assert.rejects(
    writeAtomically(target, async (tmp) => {
      writeFileSync(tmp, 'half');
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('fill returning false publishes nothing', async () => {
  const target = path.join(dir, 'out');
  assert.equal(await writeAtomically(target, (tmp) => (mkdirSync(tmp), false)), false);
  assert.deepEqual(readdirSync(dir), []);
});

test('replace swaps a whole folder; without it an existing folder is kept', async () => {
  const target = path.join(dir, 'bundle');
  const folder = (content) => (tmp) => {
    mkdirSync(tmp);
    writeFileSync(path.join(tmp, 'index.html'), content);
  };
  await writeAtomically(target, folder('one'));
  await assert.rejects(writeAtomically(target, folder('two')));
  assert.equal(readFileSync(path.join(target, 'index.html'), 'utf8'), 'one');
  await writeAtomically(target, folder('three'), {replace: true});
  assert.equal(readFileSync(path.join(target, 'index.html'), 'utf8'), 'three');
  assert.equal(existsSync(target), true);
  assert.deepEqual(readdirSync(dir), ['bundle']);
});
