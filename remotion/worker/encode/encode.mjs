// Encode a sparse render's frames to the video: exactly durationInFrames frames at fps, H.264
// yuv420p BT.709, +faststart. Which way (the first that works):
//   1. scene segments (segments/scene-segments.mjs): one independently decodable segment per scene
//      (holds spliced in as skip frames unless RECAP_HOLD_SPLICE=0), joined by stream copy; needs
//      the full ffmpeg ("concat" method of ffmpeg.mjs). sparse.mjs keeps the segments for other videos;
//   2. "concat": a concat list where each captured frame lasts 1/fps and the settled frame its
//      whole hold, then the `fps` filter (exact: every output slot shows the latest frame at or
//      before it). The hold is decoded and converted once. Two traps, both checked by
//      tests/test_sparse_render.py: without `option framerate` each JPEG entry gets the image
//      demuxer's 1/25 s time base (timestamps off by up to 20 ms, frames shifted); and ffmpeg's own
//      -fps_mode cfr duplication (no fps filter) ends every hold one frame early;
//   3. "sequence" (Remotion's bundled ffmpeg, no fps filter): a hard-linked image sequence with one
//      entry per output frame (exact too, decodes every frame: ~3 CPU-s more per video).
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {writeAtomically} from '../files.mjs';
import {BT709_FILTER, findFfmpeg, runFfmpeg, sequenceInput, x264Args} from './ffmpeg.mjs';
import {assembleVideo, encodeSegments} from '../segments/scene-segments.mjs';

const quote = (file) => `'${file.replace(/'/g, "'\\''")}'`;

/** The concat list of segments [{files, holdFrames}]: each captured frame 1/fps, the settled one for its whole hold. */
export const concatList = (segments, fps) => {
  const lines = ['ffconcat version 1.0'];
  const entry = (file, frames) => lines.push(`file ${quote(file)}`, `option framerate ${fps}`, `duration ${(frames / fps).toFixed(6)}`);
  let last = null;
  for (const {files, holdFrames} of segments) {
    files.forEach((file, i) => entry(file, i === files.length - 1 ? holdFrames : 1));
    last = files[files.length - 1];
  }
  // The demuxer may drop the last entry's duration: repeat it; -frames:v cuts at the exact count.
  if (last) entry(last, 1);
  return lines.join('\n') + '\n';
};

export const notSegmented = (reason) => console.error(`sparse: no scene segments, every frame encoded: ${reason}`);

/** Whether this ffmpeg can make scene segments (method "concat", a frame rate with whole 90 kHz ticks). */
export const canSegment = ({method}, fps) => method === 'concat' && 90000 % fps === 0;

/** Whether holds are spliced in as skip frames (RECAP_HOLD_SPLICE=0: encoded, for comparison). */
export const spliceByDefault = () => process.env.RECAP_HOLD_SPLICE !== '0';

/** The ordinary encode: every output frame through x264 (holds included). */
export const encodeEveryFrame = async ({bin, method, segments, work, output, fps, durationInFrames, x264Preset, crf}) => {
  let input;
  let filter = BT709_FILTER;
  if (method === 'concat') {
    const listFile = path.join(work, 'frames.ffconcat');
    writeFileSync(listFile, concatList(segments, fps));
    input = ['-f', 'concat', '-safe', '0', '-i', listFile];
    filter = `${BT709_FILTER},fps=${fps}:round=near`;
  } else {
    // one entry per output frame: the settled frame repeated for its whole hold
    const everyFrame = segments.flatMap(({files, holdFrames}) => [...files, ...Array(holdFrames - 1).fill(files[files.length - 1])]);
    input = sequenceInput(path.join(work, 'sequence'), everyFrame, fps);
  }
  await runFfmpeg(bin, [
    '-hide_banner', '-loglevel', 'error', '-y', ...input,
    '-vf', filter, '-fps_mode', 'cfr', '-r', String(fps), '-frames:v', String(durationInFrames),
    ...x264Args({x264Preset, crf}),
    '-video_track_timescale', '90000', '-movflags', '+faststart', '-an', '-f', 'mp4', output,
  ], method === 'sequence' ? path.dirname(bin) : work);
};

/**
 * Encode scenes [{files, holdFrames}] (scene order; files are a scene's captured frames, the last
 * one settled) into `output`, written whole or not at all. `work` is a scratch folder.
 * Returns {holdsSpliced, segments: [Buffer] per scene, or null when every frame was encoded}.
 */
export const encodeVideo = async ({segments, work, output, fps, durationInFrames, width, height, x264Preset, crf, splice = spliceByDefault()}) => {
  const ffmpeg = findFfmpeg();
  let made = null;
  await writeAtomically(output, async (tmp) => {
    if (canSegment(ffmpeg, fps) && width && height) {
      try {
        const encoded = await encodeSegments({bin: ffmpeg.bin, scenes: segments, work, fps, width, height, x264Preset, crf, splice});
        await assembleVideo({bin: ffmpeg.bin, segments: encoded, work, output: tmp, fps});
        made = encoded;
      } catch (error) {
        // e.g. an ffmpeg without -forced-idr, or a stream the splice checks refuse
        notSegmented(String(error?.message ?? error).split('\n')[0]);
      }
    }
    if (!made) await encodeEveryFrame({bin: ffmpeg.bin, method: ffmpeg.method, segments, work, output: tmp, fps, durationInFrames, x264Preset, crf});
  });
  return {holdsSpliced: Boolean(made) && splice, segments: made};
};
