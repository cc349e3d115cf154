// The H.264 Annex-B parser of the hold splice (node --test).
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {accessUnits, annexB, forcedKeyframes, nalUnits} from './holds.mjs';

const start4 = [0, 0, 0, 1];
const start3 = [0, 0, 1];
// NAL header byte: forbidden bit 0, nal_ref_idc in bits 5-6, type in the low 5 bits.
const aud = [0x09, 0xf0];
const sps = [0x67, 0x64, 0x00, 0x1f];
const pps = [0x68, 0xee, 0x3c, 0x80];
const idr = [0x65, 0x88, 0x84, 0x00, 0x21];
const slice = [0x41, 0x9a, 0x02];

test('nalUnits splits at 3- and 4-byte start codes and gives each unit its type and bounds', () => {
  const buf = Buffer.from([...start4, ...aud, ...start4, ...sps, ...start3, ...pps, ...start4, ...idr]);
  const units = nalUnits(buf);
  assert.deepEqual(units.map((u) => u.type), [9, 7, 8, 5]);
  assert.deepEqual(units.map((u) => [...buf.subarray(u.start, u.end)]), [aud, sps, pps, idr]);
});

test('nalUnits drops the zero that makes a 4-byte start code and trailing zeros, not zeros inside a unit', () => {
  // idr ends in 0x21 after an inner 0x00; trailing_zero bytes follow the last unit
  const buf = Buffer.from([...start4, ...idr, 0, 0, ...start4, ...slice, 0, 0]);
  const units = nalUnits(buf);
  assert.deepEqual(units.map((u) => [...buf.subarray(u.start, u.end)]), [idr, slice]);
});

test('nalUnits of a buffer without a start code is empty', () => {
  assert.deepEqual(nalUnits(Buffer.from([1, 2, 3, 4, 5])), []);
});

test('accessUnits groups the units of each frame from its delimiter, rewritten with clean start codes', () => {
  const buf = Buffer.from([...start4, ...aud, ...start4, ...sps, ...start3, ...pps, ...start3, ...idr, ...start4, ...aud, ...start3, ...slice]);
  const frames = accessUnits(buf);
  assert.equal(frames.length, 2);
  assert.deepEqual(frames[0].types, [9, 7, 8, 5]);
  assert.deepEqual(frames[1].types, [9, 1]);
  assert.deepEqual([...frames[0].bytes], [...start4, ...aud, ...start4, ...sps, ...start4, ...pps, ...start3, ...idr]);
  assert.deepEqual([...frames[1].bytes], [...start4, ...aud, ...start3, ...slice]);
  assert.deepEqual(frames[1].nals.map((n) => [...n]), [aud, slice]);
});

test('accessUnits refuses a stream that does not start with an access unit delimiter', () => {
  assert.throws(() => accessUnits(Buffer.from([...start4, ...sps, ...start4, ...aud])), /does not start with an access unit delimiter/);
});

test('forcedKeyframes are the first and the settled (last captured) frame of every scene, once each', () => {
  assert.deepEqual(forcedKeyframes([4, 1, 5]), [0, 3, 4, 5, 9]);
});

test('annexB puts a 3-byte start code after the last parameter set, so no parameter set is followed by a zero', () => {
  const sei = [0x06, 0x05, 0x01, 0x80];
  const bytes = annexB([aud, sps, pps, sei, idr].map((n) => Buffer.from(n)));
  assert.deepEqual([...bytes], [...start4, ...aud, ...start4, ...sps, ...start4, ...pps, ...start3, ...sei, ...start3, ...idr]);
  // what ffmpeg copies into avcC: the bytes from the PPS to the next start code, which must not end in 0x00
  const ppsAt = bytes.indexOf(Buffer.from(pps));
  const next = bytes.indexOf(Buffer.from(start3), ppsAt);
  assert.notEqual(bytes[next - 1], 0);
  // and the parser reads back the same units
  assert.deepEqual(nalUnits(bytes).map((u) => [...bytes.subarray(u.start, u.end)]), [aud, sps, pps, sei, idr]);
});
