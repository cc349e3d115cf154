// ffmpeg: which one, how to run it, and the options every encode shares.
//
// Preferred: a full ffmpeg (RECAP_FFMPEG, else `ffmpeg` on PATH) with the fps and zscale filters
// (method "concat": encode.mjs's concat list, and the hold splice). Fallback: Remotion's bundled
// ffmpeg, which has neither filter (method "sequence": one image per output frame).
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {linkOrCopy, SEQUENCE_PATTERN, sequenceName} from '../files.mjs';

const require = createRequire(import.meta.url);

const which = (name) => {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const full = path.join(dir, name);
    if (dir && existsSync(full)) return full;
  }
  return null;
};

let found = null;
/** {bin, method: "concat"|"sequence"}: probed once per process. */
export const findFfmpeg = () => {
  if (found) return found;
  const system = process.env.RECAP_FFMPEG || which('ffmpeg');
  if (system) {
    const probe = spawnSync(system, ['-hide_banner', '-filters'], {encoding: 'utf8'});
    const filters = probe.stdout || '';
    if (/\sfps\s/.test(filters) && /\szscale\s/.test(filters)) {
      found = {bin: system, method: 'concat'};
      return found;
    }
  }
  const dir = path.dirname(require.resolve('@remotion/compositor-linux-x64-gnu/package.json'));
  found = {bin: path.join(dir, 'ffmpeg'), method: 'sequence'};
  return found;
};

const versions = new Map();
/** ffmpeg's first `-version` line (its build, and so its x264's): part of a segment's key. */
export const ffmpegVersion = (bin) => {
  if (!versions.has(bin)) versions.set(bin, (spawnSync(bin, ['-hide_banner', '-version'], {encoding: 'utf8'}).stdout || '').split('\n')[0].trim());
  return versions.get(bin);
};

/** Run ffmpeg; resolves with the tail of its stderr, rejects with its last line. */
export const runFfmpeg = (bin, args, cwd) =>
  new Promise((resolve, reject) => {
    const child = spawn(bin, args, {cwd, stdio: ['ignore', 'ignore', 'pipe']});
    let err = '';
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`ffmpeg failed (${code}): ${err.trim().split('\n').pop()}`))));
  });

/** JPEG (full-range) frames to BT.709 limited range: the same conversion as renderMedia's colorSpace 'bt709'. */
export const BT709_FILTER = 'zscale=matrix=709:range=limited:primariesin=709:primaries=709:transferin=709:transfer=709';

/** The stream's colour tags: BT.709, limited ("tv") range. */
export const BT709_TAGS = ['-colorspace:v', 'bt709', '-color_primaries:v', 'bt709', '-color_trc:v', 'bt709', '-color_range', 'tv'];

/**
 * Every encode's x264 options: H.264 yuv420p, tagged BT.709 limited range, no B-frames (so the MP4
 * needs no reordering and no edit list: encode/audio.mjs muxes with -use_editlist 0).
 */
export const x264Args = ({x264Preset, crf}) => [
  // one encoder thread: the runner keeps one render per core busy, threads would only add overhead
  '-c:v', 'libx264', '-threads', '1', '-bf', '0',
  ...BT709_TAGS,
  '-pix_fmt', 'yuv420p', '-preset', x264Preset, '-crf', String(crf),
];

/** Hard-link files, in order, as an image sequence in dir (created); ffmpeg's input for it at fps. */
export const sequenceInput = (dir, files, fps) => {
  mkdirSync(dir);
  files.forEach((file, i) => linkOrCopy(file, path.join(dir, sequenceName(i))));
  return ['-framerate', String(fps), '-i', path.join(dir, SEQUENCE_PATTERN)];
};
