// Held frames without encoding them: H.264 "skip" frames spliced after a keyframe.
//
// A sparse video is mostly holds (a scene's settled picture repeated for 3-4 s). x264 spends
// ~10 ms of CPU on every 1080x1920 frame even when it repeats the previous one (BENCHMARKS.md), so
// encoding ~770 repeated frames per video costs more than encoding the ~220 that move.
//
// Instead:
//   1. encode only the captured frames (every scene's moving frames and its settled frame), with
//      an IDR keyframe forced on the first frame of every scene and on every settled frame, no
//      B-frames, and an access unit delimiter before every frame;
//   2. encode once per machine a "hold clip" with the very same encoder settings: a flat
//      picture repeated HOLD_CLIP_FRAMES times. Its frames after the first are P-frames in which
//      every macroblock is skipped: "show the reference frame again", no picture data at all;
//   3. after each settled (IDR) frame, append the first holdFrames - 1 of those skip frames. They
//      refer only to "the IDR before me", and their slice headers (frame_num, picture order count)
//      count from an IDR, as they did in the hold clip. A decoder shows the settled picture again.
// Same parameter sets (SPS/PPS) are required and checked; anything unexpected (a frame that is not
// a pure skip frame, a parameter set that differs, a hold longer than the hold clip) makes
// spliceHolds() return null and the caller (encode.mjs) encodes the ordinary way.
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {writeAtomically} from '../files.mjs';
import {BT709_FILTER, BT709_TAGS, findFfmpeg, runFfmpeg, x264Args} from './ffmpeg.mjs';

/** Keyframe interval of the spliced encodes; also the hold clip's length (no IDR inside it). */
export const HOLD_CLIP_FRAMES = 300;
/** A pure skip frame of 1080x1920 is ~20-40 bytes; anything far bigger carries picture data. */
const MAX_SKIP_FRAME_BYTES = 600;

export const NAL_IDR = 5;
const NAL_SLICE = 1;
const NAL_AUD = 9;
const NAL_SPS = 7;
const NAL_PPS = 8;

/** The x264 output options shared by the captured-frame encode and the hold clip (same SPS/PPS). */
export const spliceEncoderArgs = ({fps, x264Preset, crf}) => [
  '-r', String(fps), // the encoder's time base, written into the SPS: must be the same in both encodes
  ...x264Args({x264Preset, crf}),
  '-g', String(HOLD_CLIP_FRAMES), '-x264-params', 'aud=1:scenecut=0', // (no B-frames: x264Args)
];

/** Split an Annex-B byte stream into NAL units: [{type, start, end}] (start after the start code). */
export const nalUnits = (buf) => {
  const starts = [];
  for (let i = 0; i + 2 < buf.length; i++) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  return starts.map((start, k) => {
    let end = k + 1 < starts.length ? starts[k + 1] - 3 : buf.length;
    while (end > start && buf[end - 1] === 0) end--; // the zero of a 4-byte start code, trailing zeros
    return {type: buf[start] & 0x1f, start, end};
  });
};

/** Access units (one per frame): Buffers, each starting at its access unit delimiter. */
export const accessUnits = (buf) => {
  const units = [];
  let current = null;
  for (const nal of nalUnits(buf)) {
    if (nal.type === NAL_AUD) {
      current = {nals: [], types: []};
      units.push(current);
    }
    if (!current) throw new Error('H.264 stream does not start with an access unit delimiter');
    current.nals.push(buf.subarray(nal.start, nal.end));
    current.types.push(nal.type);
  }
  return units.map(({nals, types}) => ({types, bytes: annexB(nals), nals}));
};

const LONG_START = Buffer.from([0, 0, 0, 1]);
const SHORT_START = Buffer.from([0, 0, 1]);

/**
 * NAL units (without start codes) as an Annex-B byte stream: a 4-byte start code before an access
 * unit delimiter and the parameter sets (where H.264 wants the zero_byte), a 3-byte one before
 * everything else. When the NAL after the last parameter set got a 4-byte start code, ffmpeg's
 * raw H.264 demuxer kept its leading zero as the end of the PPS it copies into the MP4's avcC (a NAL
 * must not end in 0x00; strict decoders may refuse it).
 */
export const annexB = (nals) =>
  Buffer.concat(nals.flatMap((n) => [[NAL_AUD, NAL_SPS, NAL_PPS].includes(n[0] & 0x1f) ? LONG_START : SHORT_START, n]));

/** A frame's SPS and PPS as one string ('' when it carries none). */
export const parameterSets = (unit) => unit.nals.filter((n) => [NAL_SPS, NAL_PPS].includes(n[0] & 0x1f)).map((n) => n.toString('hex')).join('|');

/**
 * The hold clip's access units, made once per machine and encoder settings and size (~6 CPU-s at
 * 1080x1920), in RECAP_HOLD_CLIP_DIR or $TMPDIR/dream-recap-hold-clips.
 */
export const holdClip = async ({bin, width, height, fps, filter, x264Preset, crf}) => {
  const args = spliceEncoderArgs({fps, x264Preset, crf});
  const key = createHash('sha256').update(JSON.stringify({bin, width, height, fps, filter, args, n: HOLD_CLIP_FRAMES})).digest('hex').slice(0, 16);
  const dir = process.env.RECAP_HOLD_CLIP_DIR || path.join(os.tmpdir(), 'dream-recap-hold-clips');
  const file = path.join(dir, `${key}.h264`);
  if (!existsSync(file)) {
    mkdirSync(dir, {recursive: true});
    await writeAtomically(file, async (tmp) => {
      try {
        // The same input path as the captured frames (a JPEG through the image demuxer and `filter`),
        // so that the encoder sees the same time base and colour properties.
        await runFfmpeg(bin, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=black:s=${width}x${height}`, '-frames:v', '1', `${tmp}.jpeg`]);
        await runFfmpeg(bin, [
          '-hide_banner', '-loglevel', 'error', '-y', '-framerate', String(fps), '-loop', '1', '-i', `${tmp}.jpeg`,
          '-vf', filter, '-frames:v', String(HOLD_CLIP_FRAMES), ...args, '-f', 'h264', tmp,
        ]);
      } finally {
        rmSync(`${tmp}.jpeg`, {force: true});
      }
    });
  }
  return accessUnits(readFileSync(file));
};

/** Make the hold clip of these settings now, if this machine's ffmpeg can splice (bin/hold-clip.mjs). */
export const prepareHoldClip = async ({width, height, fps, x264Preset, crf}) => {
  const {bin, method} = findFfmpeg();
  if (method === 'concat') await holdClip({bin, width, height, fps, filter: BT709_FILTER, x264Preset, crf});
};

/**
 * The keyframes to force when encoding `counts` captured frames per scene (scene order): the first
 * frame of every scene and its settled (last captured) frame. For ffmpeg's -force_key_frames.
 */
export const forcedKeyframes = (counts) => {
  const frames = [];
  let n = 0;
  for (const count of counts) {
    frames.push(n, n + count - 1);
    n += count;
  }
  return [...new Set(frames)];
};

/**
 * Given the encoded captured frames (Annex-B, JPEGs through the image demuxer at fps, the video
 * filter `filter`, spliceEncoderArgs and forcedKeyframes) and per scene {captured, holdFrames}, every
 * scene as its own Annex-B Buffer (its captured frames, then its hold as skip frames: an independently
 * decodable segment starting with an IDR), or null (with the reason in `why`) when the stream is not
 * as expected.
 */
export const spliceHolds = async ({encoded, scenes, bin, width, height, fps, filter, x264Preset, crf, why = () => undefined}) => {
  const frames = accessUnits(encoded);
  const total = scenes.reduce((sum, s) => sum + s.captured, 0);
  if (frames.length !== total) return why(`encoder gave ${frames.length} frames for ${total} captured`), null;
  const clip = await holdClip({bin, width, height, fps, filter, x264Preset, crf});
  if (clip.length !== HOLD_CLIP_FRAMES || !clip[0].types.includes(NAL_IDR)) return why('unexpected hold clip'), null;
  const skips = clip.slice(1);
  if (skips.some((u) => u.types.includes(NAL_IDR) || !u.types.includes(NAL_SLICE) || u.bytes.length > MAX_SKIP_FRAME_BYTES)) {
    return why('the hold clip holds more than skip frames'), null;
  }
  const sets = parameterSets(clip[0]);
  const out = [];
  let n = 0;
  for (const {captured, holdFrames} of scenes) {
    const first = frames[n];
    const settled = frames[n + captured - 1];
    for (const key of [first, settled]) {
      if (!key.types.includes(NAL_IDR) || parameterSets(key) !== sets) return why('a scene keyframe is not an IDR with the hold clip parameter sets'), null;
    }
    if (holdFrames - 1 > skips.length) return why(`a hold of ${holdFrames} frames is longer than the hold clip`), null;
    const scene = [];
    for (let i = n; i < n + captured; i++) scene.push(frames[i].bytes);
    for (let i = 0; i < holdFrames - 1; i++) scene.push(skips[i].bytes);
    out.push(Buffer.concat(scene));
    n += captured;
  }
  return out;
};

/** Write the spliced stream as MP4 (stream copy, exact fps, +faststart). */
export const muxSpliced = async ({bin, stream, work, output, fps}) => {
  const file = path.join(work, 'spliced.h264');
  writeFileSync(file, stream);
  await runFfmpeg(bin, [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'h264', '-framerate', String(fps), '-i', file,
    // exact timestamps: frame n at n/fps (the raw H.264 demuxer's own drift by a tick now and then)
    '-c', 'copy', '-bsf:v', `setts=pts=N*${90000 / fps}:dts=N*${90000 / fps}:time_base=1/90000`,
    ...BT709_TAGS,
    '-video_track_timescale', '90000', '-movflags', '+faststart', '-an', '-f', 'mp4', output,
  ], work);
};


