// Scenes as encoded segments: every scene of a video is its own independently decodable H.264
// segment (Annex-B: a closed GOP that starts with an IDR carrying the SPS/PPS, no B-frames), so a
// video is the concatenation of its scenes' segments by stream copy, whichever video first made
// each of them (segments/segment-cache.mjs keeps them).
//
// Making segments (one ffmpeg call for all the scenes a video still needs):
//   - spliced (default): only the captured frames go through x264, an IDR forced on each scene's
//     first and settled frame, and each hold is the hold clip's skip frames (encode/holds.mjs);
//   - encoded (RECAP_HOLD_SPLICE=0, for comparison): every frame of every scene through x264 (the
//     concat list of encode/encode.mjs), an IDR forced on each scene's first frame.
// The stream is then cut at the scenes' first frames (access unit delimiters mark every frame).
// Identical parameter sets across the segments of a video are checked at assembly.
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {BT709_FILTER, runFfmpeg, sequenceInput} from '../encode/ffmpeg.mjs';
import {concatList} from '../encode/encode.mjs';
import {accessUnits, forcedKeyframes, muxSpliced, NAL_IDR, parameterSets, spliceEncoderArgs, spliceHolds} from '../encode/holds.mjs';

const forceIdr = (keyframes) => ['-force_key_frames', `expr:${keyframes.map((k) => `eq(n,${k})`).join('+')}`, '-forced-idr', '1'];

/**
 * Encode scenes [{files, holdFrames}] (files: a scene's captured JPEGs, the last one settled) into
 * one segment each: [Buffer] in scene order. Throws when ffmpeg fails or the stream is not as
 * expected (the caller then encodes the video the ordinary way).
 */
export const encodeSegments = async ({bin, scenes, work, fps, width, height, x264Preset, crf, splice}) => {
  if (scenes.length === 0) return [];
  const encoded = path.join(work, 'segments.h264');
  if (splice) {
    const captured = scenes.flatMap((s) => s.files);
    await runFfmpeg(bin, [
      '-hide_banner', '-loglevel', 'error', '-y', ...sequenceInput(path.join(work, 'segments-sequence'), captured, fps),
      '-vf', BT709_FILTER, '-frames:v', String(captured.length),
      ...forceIdr(forcedKeyframes(scenes.map((s) => s.files.length))),
      ...spliceEncoderArgs({fps, x264Preset, crf}), '-f', 'h264', encoded,
    ], work);
    let reason = null;
    const segments = await spliceHolds({
      encoded: readFileSync(encoded),
      scenes: scenes.map((s) => ({captured: s.files.length, holdFrames: s.holdFrames})),
      bin, width, height, fps, filter: BT709_FILTER, x264Preset, crf, why: (r) => { reason = r; },
    });
    if (!segments) throw new Error(`holds not spliced: ${reason}`);
    return segments;
  }
  const lengths = scenes.map((s) => s.files.length - 1 + s.holdFrames);
  const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  const total = lengths.reduce((a, b) => a + b, 0);
  const listFile = path.join(work, 'segments.ffconcat');
  writeFileSync(listFile, concatList(scenes, fps));
  await runFfmpeg(bin, [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', listFile,
    '-vf', `${BT709_FILTER},fps=${fps}:round=near`, '-fps_mode', 'cfr', '-r', String(fps), '-frames:v', String(total),
    ...forceIdr(starts), ...spliceEncoderArgs({fps, x264Preset, crf}), '-f', 'h264', encoded,
  ], work);
  const frames = accessUnits(readFileSync(encoded));
  if (frames.length !== total) throw new Error(`encoder gave ${frames.length} frames for ${total}`);
  return starts.map((start, i) => {
    if (!frames[start].types.includes(NAL_IDR)) throw new Error('a scene does not start with an IDR');
    return Buffer.concat(frames.slice(start, start + lengths[i]).map((f) => f.bytes));
  });
};

/**
 * What a segment is: {frames, sets} (its frame count and its first frame's parameter sets), or
 * null when it does not start with an IDR that carries them (not a segment this code made).
 */
export const describeSegment = (bytes) => {
  let frames;
  try {
    frames = accessUnits(bytes);
  } catch {
    return null;
  }
  if (frames.length === 0 || !frames[0].types.includes(NAL_IDR)) return null;
  const sets = parameterSets(frames[0]);
  return sets ? {frames: frames.length, sets} : null;
};

/**
 * Join segments (Buffers, scene order) into the MP4 `output` by stream copy: exactly their frames at
 * fps, timestamps n/fps, +faststart. Every segment must carry the same parameter sets.
 */
export const assembleVideo = async ({bin, segments, work, output, fps}) => {
  const sets = new Set(segments.map((s) => describeSegment(s)?.sets ?? 'not a segment'));
  if (sets.size !== 1 || sets.has('not a segment')) throw new Error('segments of one video must share their parameter sets');
  await muxSpliced({bin, stream: Buffer.concat(segments), work, output, fps});
};
