// The soundtrack: every video gets an AAC track (48 kHz stereo, ~128 kb/s), muxed by stream copy.
//
// settings.soundtrack says which:
//   "default"        the project's own ambient bed, synthesised by ffmpeg (bedGraph: sines of an
//                    A major 7 chord with slow tremolo, seeded pink noise, an echo); licence-free,
//                    the same on every run;
//   "none"           a silent AAC track (digital silence), never a missing one;
//   "sha256:<hex>"   a file the runner stored under its content hash (render_runner/render/soundtrack.py,
//                    .render-cache/soundtracks/<hex>), or any path to a file ffmpeg reads.
// Cut to the video's length (looped when shorter), faded in and out, normalised to -14 LUFS
// integrated (measured with ebur128 on the cut, then one linear gain, a limiter only when the
// true peak would pass -1 dBTP), encoded once per distinct (soundtrack, length) and kept in
// RECAP_AUDIO_CACHE_DIR or $TMPDIR/dream-recap-audio (ADTS files: no encoder-delay edit list to
// carry into the MP4). muxAudio() then joins video and audio without re-encoding either, with no
// edit list (-use_editlist 0: the video has no B-frames, its first frame is at 0) and moov first.
import {createHash} from 'node:crypto';
import {createReadStream, existsSync, mkdirSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {writeAtomically, withScratch} from '../files.mjs';
import {SOUNDTRACK_STORE} from '../paths.mjs';
import {findFfmpeg, runFfmpeg} from './ffmpeg.mjs';

export const SAMPLE_RATE = 48000;
export const TARGET_LUFS = -14;
const MAX_TRUE_PEAK_DB = -1;
const AAC_FRAME = 1024; // samples per AAC frame; the encoder adds one frame of delay at the start
const FADE_IN_S = 1;
const FADE_OUT_S = 2;
/** Bump when the bed, the cut, the fades or the normalisation change: older cached tracks are then not reused. */
export const AUDIO_RECIPE = 1;

const AAC_ARGS = ['-c:a', 'aac', '-b:a', '128k', '-ar', String(SAMPLE_RATE), '-ac', '2'];

/**
 * How many samples of sound a video of durationInFrames at fps gets, so that the AAC track (content
 * plus the encoder's one frame of delay, in whole 1024-sample frames) is never longer than the video:
 * {samples, aacFrames}. The track ends less than one AAC frame (21 ms) before the picture.
 */
export const audioLength = (durationInFrames, fps) => {
  const videoSamples = Math.round((durationInFrames * SAMPLE_RATE) / fps);
  const aacFrames = Math.max(2, Math.floor(videoSamples / AAC_FRAME));
  return {samples: (aacFrames - 1) * AAC_FRAME, aacFrames};
};

/** The ambient bed as an ffmpeg lavfi graph (fixed frequencies, rates and noise seed: deterministic). */
export const bedGraph = (seconds) => {
  const d = Math.ceil(seconds) + 1;
  // [frequency Hz, gain, tremolo Hz]: A2 (and a detuned copy, for a slow beat), E3, A3, C#4, E4, G#4
  const voices = [[110, 0.3, 0.11], [110.35, 0.2, 0.13], [164.81, 0.18, 0.17], [220, 0.14, 0.19], [277.18, 0.1, 0.23], [329.63, 0.08, 0.29], [415.3, 0.05, 0.31]];
  const sines = voices.map(([f, g, t], i) => `sine=f=${f}:r=${SAMPLE_RATE}:d=${d},volume=${g},tremolo=f=${t}:d=0.6[s${i}]`);
  const noise = `anoisesrc=r=${SAMPLE_RATE}:c=pink:seed=20261201:a=0.35:d=${d},highpass=f=180,lowpass=f=1400,tremolo=f=0.1:d=0.5[n]`;
  const mix = `${voices.map((_, i) => `[s${i}]`).join('')}[n]amix=inputs=${voices.length + 1}:normalize=0,asplit[l][r0]`;
  // the right channel 23 ms later: a wide image from one mix
  const stereo = `[r0]adelay=23[r];[l][r]join=inputs=2:channel_layout=stereo,aecho=0.8:0.6:170|290:0.35|0.25[out0]`;
  return [...sines, noise, mix, stereo].join(';');
};

/** The source of a soundtrack setting: {kind: "bed"|"silence"|"file", file?, fingerprint}. */
export const soundtrackSource = async (soundtrack = 'default') => {
  if (soundtrack === 'default') return {kind: 'bed', fingerprint: `bed:${sha256(bedGraph(0))}`};
  if (soundtrack === 'none') return {kind: 'silence', fingerprint: 'silence'};
  const stored = /^sha256:([0-9a-f]{64})$/.exec(soundtrack);
  const file = stored ? path.join(SOUNDTRACK_STORE, stored[1]) : path.resolve(soundtrack);
  if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`soundtrack ${soundtrack}: no such file (${file})`);
  return {kind: 'file', file, fingerprint: `file:${stored ? stored[1] : await fileSha256(file)}`};
};

/** The cache key of one encoded track: the recipe, the source's content and the length. */
export const audioCacheKey = ({fingerprint, samples}) => sha256(JSON.stringify({recipe: AUDIO_RECIPE, fingerprint, samples, rate: SAMPLE_RATE})).slice(0, 32);

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const fileSha256 = (file) =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('data', (d) => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });

/** The last integrated loudness and true peak of an ebur128 summary (ffmpeg's stderr). */
export const parseLoudness = (stderr) => {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary);
  if (!integrated) throw new Error('no loudness measured (ffmpeg ebur128 summary missing)');
  const num = (m) => (!m || m[1] === '-inf' ? -Infinity : Number(m[1]));
  return {integrated: num(integrated), truePeak: num(peak)};
};

/** The filters after the measurement: one gain to TARGET_LUFS, and a limiter if the peak would pass MAX_TRUE_PEAK_DB. */
export const normaliseFilter = ({integrated, truePeak}) => {
  // -70 LUFS is ebur128's floor: a silent source stays silent rather than amplifying its noise
  const gain = integrated <= -69 ? 0 : TARGET_LUFS - integrated;
  const filters = [`volume=${gain.toFixed(2)}dB`];
  if (truePeak + gain > MAX_TRUE_PEAK_DB) filters.push(`alimiter=limit=${(10 ** ((MAX_TRUE_PEAK_DB - 0.5) / 20)).toFixed(4)}:level=0:latency=1`);
  return filters.join(',');
};

// A full ffmpeg has the filters the bed and the normalisation need; Remotion's bundled one makes silence only.
const audioFfmpeg = (kind) => {
  const {bin, method} = findFfmpeg();
  if (kind === 'silence' || method === 'concat') return bin;
  throw new Error(`the ${kind === 'bed' ? 'default' : 'file'} soundtrack needs a full ffmpeg (Debian package ffmpeg, or RECAP_FFMPEG); use --soundtrack none without one`);
};

const inputArgs = (source, seconds) => {
  if (source.kind === 'bed') return ['-f', 'lavfi', '-i', bedGraph(seconds)];
  if (source.kind === 'silence') return ['-f', 'lavfi', '-i', `anullsrc=r=${SAMPLE_RATE}:cl=stereo`];
  return ['-stream_loop', '-1', '-i', source.file]; // looped: a short file fills any video
};

/** Encode one track (no cache): the cut, fades and loudness of `source`, ADTS AAC at `output`. */
export const encodeTrack = async ({source, samples, output, work}) => {
  const bin = audioFfmpeg(source.kind);
  const seconds = samples / SAMPLE_RATE;
  // timestamps renumbered from 0 before the cut: a decoder's priming (mp3) or a loop's seam must not move it
  const cut = `aresample=${SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,asetpts=N/SR/TB,atrim=end_sample=${samples}`;
  if (source.kind === 'silence') {
    await runFfmpeg(bin, ['-hide_banner', '-loglevel', 'error', '-y', ...inputArgs(source, seconds), '-af', cut, ...AAC_ARGS, '-f', 'adts', output]);
    return {integrated: -Infinity};
  }
  const fadeIn = Math.min(FADE_IN_S, seconds / 4);
  const fadeOut = Math.min(FADE_OUT_S, seconds / 4);
  const shaped = `${cut},afade=t=in:d=${fadeIn},afade=t=out:st=${(seconds - fadeOut).toFixed(6)}:d=${fadeOut}`;
  // pass 1: cut and shape once, keep the PCM, measure it; pass 2: gain (+ limiter) and encode
  const pcm = path.join(work, 'shaped.wav');
  const stderr = await runFfmpeg(bin, [
    '-hide_banner', '-nostats', '-loglevel', 'info', '-y', ...inputArgs(source, seconds),
    '-filter_complex', `[0:a]${shaped},asplit[keep][measure];[measure]ebur128=peak=true:framelog=verbose[m]`,
    '-map', '[keep]', '-c:a', 'pcm_f32le', '-f', 'wav', pcm, '-map', '[m]', '-f', 'null', '-',
  ]);
  const loudness = parseLoudness(stderr);
  await runFfmpeg(bin, ['-hide_banner', '-loglevel', 'error', '-y', '-i', pcm, '-af', normaliseFilter(loudness), ...AAC_ARGS, '-f', 'adts', output]);
  return loudness;
};

const cacheDir = () => process.env.RECAP_AUDIO_CACHE_DIR || path.join(os.tmpdir(), 'dream-recap-audio');

/**
 * The AAC track (an ADTS file in the audio cache) of `soundtrack` for a video of durationInFrames at
 * fps: made on first use, then reused by every video of that length. Returns {file, cached}.
 */
export const soundtrackAudio = async ({soundtrack, durationInFrames, fps}) => {
  const source = await soundtrackSource(soundtrack);
  const {samples} = audioLength(durationInFrames, fps);
  const dir = cacheDir();
  const file = path.join(dir, `${audioCacheKey({fingerprint: source.fingerprint, samples})}.aac`);
  if (existsSync(file)) return {file, cached: true};
  mkdirSync(dir, {recursive: true});
  await withScratch('audio-', (work) => writeAtomically(file, (tmp) => encodeTrack({source, samples, output: tmp, work})));
  return {file, cached: false};
};

/** `video` (an MP4 with one video stream) plus `audio` as `output`: stream copy, no edit list, moov first. */
export const muxAudio = async ({video, audio, output}) => {
  const {bin} = findFfmpeg();
  await runFfmpeg(bin, [
    '-hide_banner', '-loglevel', 'error', '-y', '-i', video, '-i', audio,
    '-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', '-use_editlist', '0', '-movflags', '+faststart', '-f', 'mp4', output,
  ], path.dirname(bin)); // (Remotion's bundled ffmpeg finds its libraries from its own folder)
};
