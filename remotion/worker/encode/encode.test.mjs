// The concat list of the ordinary sparse encode (node --test).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {concatList} from './encode.mjs';

test('each captured frame lasts one frame and a scene\'s settled frame its whole hold; the last entry is repeated', () => {
  const list = concatList([{files: ['/w/a0.jpeg', '/w/a1.jpeg'], holdFrames: 3}, {files: ['/w/b0.jpeg'], holdFrames: 30}], 30);
  assert.equal(
    list,
    [
      'ffconcat version 1.0',
      "file '/w/a0.jpeg'", 'option framerate 30', 'duration 0.033333',
      "file '/w/a1.jpeg'", 'option framerate 30', 'duration 0.100000',
      "file '/w/b0.jpeg'", 'option framerate 30', 'duration 1.000000',
      "file '/w/b0.jpeg'", 'option framerate 30', 'duration 0.033333',
    ].join('\n') + '\n',
  );
});

test('a quote in a path is escaped for the concat demuxer', () => {
  const list = concatList([{files: ["/w/it's.jpeg"], holdFrames: 1}], 25);
  assert.match(list, /^file '\/w\/it'\\''s\.jpeg'$/m);
});

test('no segments, no entries', () => {
  assert.equal(concatList([], 30), 'ffconcat version 1.0\n');
});
