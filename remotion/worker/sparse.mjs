// The "sparse" render of a Recap video: every scene is an encoded segment, made once and reused.
//
// getTimeline(payload) (src/timeline.ts) says, for every scene, from which frame its picture stops
// changing (`settledAt`, from the scene's own animation constants) and a `cacheKey` that fully
// determines its pixels. So, per scene:
//   - its segment comes from the segment cache (segments/segment-cache.mjs) when any earlier video
//     (of any user, on this machine or, through the runner, the fleet) showed a scene with that key
//     and the same render settings: no capture, no decode, no encode;
//   - otherwise frames [from, settledAt] are captured (capture/capture.mjs: one renderFrames() call
//     for all missing scenes) and encoded into one segment per scene (segments/scene-segments.mjs:
//     the hold after settledAt spliced in as H.264 skip frames), which the cache keeps;
//   - the video is the segments joined by stream copy (+faststart, exactly durationInFrames frames).
// Without an ffmpeg that can make segments (encode/ffmpeg.mjs "sequence"), every frame is captured
// and encoded the ordinary way. A full render (renderMedia) gives the same frames;
// tests/test_sparse_render.py checks it, and tests/test_scene_segments.py that an assembled video
// shows exactly the frames of the segments it was made from.
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {captureScenes} from './capture/capture.mjs';
import {framesToCapture} from './capture/frames.mjs';
import {canSegment, encodeEveryFrame, notSegmented, spliceByDefault} from './encode/encode.mjs';
import {findFfmpeg, ffmpegVersion} from './encode/ffmpeg.mjs';
import {withScratch, writeAtomically} from './files.mjs';
import {loadLib} from './lib.mjs';
import {assembleVideo, describeSegment, encodeSegments} from './segments/scene-segments.mjs';
import {SegmentCache, segmentKey} from './segments/segment-cache.mjs';

/**
 * Render the Recap video of one payload the sparse way.
 *   common:   {serveUrl, inputProps, puppeteerInstance, logLevel, timeoutInMilliseconds}
 *   composition: the selected Recap composition (its durationInFrames must match the timeline)
 *   settings: {jpegQuality, x264Preset, crf, tabs, segmentCacheMb}
 * Returns figures for the reply: {scenes, segmentsCached, segmentsMade, capturedFrames,
 * holdsSpliced, captureMs, encodeMs, segmentKeys (every scene's), madeKeys (those made now)}.
 */
export const renderSparse = async ({common, composition, output, scale, settings}) => {
  const plan = await segmentPlan({serveUrl: common.serveUrl, composition, scale, settings});
  const {timeline, scenes, ffmpeg, size, encoder, splice, cache, keys} = plan;
  return withScratch('render-', async (work) => {
    const figures = {scenes: scenes.length, segmentsCached: 0, segmentsMade: 0, capturedFrames: 0, holdsSpliced: false, captureMs: 0, encodeMs: 0, segmentKeys: [], madeKeys: []};
    if (!keys) {
      notSegmented('this ffmpeg has no fps/zscale filters');
      return everyFrame({scenes, work, output, common, composition, scale, settings, timeline, ffmpeg, figures});
    }
    const segments = keys.map((key, i) => {
      const bytes = cache.fetch(key);
      // a segment of another length (or not one at all) is a miss: made again, and replaced
      return bytes && describeSegment(bytes)?.frames === scenes[i].scene.durationInFrames ? bytes : null;
    });
    const missing = scenes.map((_, i) => i).filter((i) => !segments[i]);
    figures.segmentKeys = keys;
    const captureStart = Date.now();
    const captured = await captureScenes({scenes: missing.map((i) => scenes[i]), work, common, composition, scale, settings});
    figures.captureMs = Date.now() - captureStart;
    figures.capturedFrames = captured.reduce((sum, s) => sum + s.files.length, 0);
    const encodeStart = Date.now();
    try {
      const made = await encodeSegments({bin: ffmpeg.bin, scenes: captured, work, ...size, ...encoder, splice});
      missing.forEach((sceneIndex, i) => {
        segments[sceneIndex] = made[i];
      });
      await writeAtomically(output, (tmp) => assembleVideo({bin: ffmpeg.bin, segments, work, output: tmp, fps: timeline.fps}));
      for (const [i, sceneIndex] of missing.entries()) await cache.store(keys[sceneIndex], made[i]);
    } catch (error) {
      // e.g. an ffmpeg without -forced-idr, or cached segments of another encoder: no segments for this video
      notSegmented(String(error?.message ?? error).split('\n')[0]);
      return everyFrame({scenes, work, output, common, composition, scale, settings, timeline, ffmpeg, figures});
    }
    figures.encodeMs = Date.now() - encodeStart;
    figures.segmentsMade = missing.length;
    figures.segmentsCached = scenes.length - missing.length;
    figures.madeKeys = missing.map((i) => keys[i]);
    figures.holdsSpliced = splice;
    return figures;
  });
};

/**
 * What a sparse render of `composition` will show: its timeline, the scenes to capture, and the key
 * of every scene's segment (null when this ffmpeg cannot make segments); also the machine's segment
 * cache. The runner asks for the keys before a render (render-job.mjs planJob) to fetch segments a
 * fleet shares into the local cache.
 */
export const segmentPlan = async ({serveUrl, composition, scale, settings}) => {
  const lib = await loadLib(serveUrl);
  const timeline = lib.getTimeline(composition.props);
  if (timeline.durationInFrames !== composition.durationInFrames || timeline.fps !== composition.fps) {
    throw new Error(
      `timeline (${timeline.durationInFrames} frames) disagrees with the bundle's Recap (${composition.durationInFrames}); rebuild the bundle`,
    );
  }
  const scenes = framesToCapture(timeline);
  const ffmpeg = findFfmpeg();
  const size = {width: Math.round(timeline.width * scale), height: Math.round(timeline.height * scale)};
  const encoder = {x264Preset: settings.x264Preset, crf: settings.crf, fps: timeline.fps};
  const splice = spliceByDefault();
  const cache = SegmentCache.forMachine(settings.segmentCacheMb);
  let keys = null;
  if (canSegment(ffmpeg, timeline.fps)) {
    // the bundle's folder is named after the template version (render_runner/render/bundle.py)
    const templateVersion = path.basename(path.resolve(serveUrl));
    const renderSettings = {...size, ...encoder, scale, jpegQuality: settings.jpegQuality, splice, ffmpeg: ffmpegVersion(ffmpeg.bin)};
    keys = scenes.map(({scene, frames, holdFrames}) => segmentKey({scene, captured: frames.length, holdFrames, templateVersion, encoder: renderSettings}));
  }
  return {timeline, scenes, ffmpeg, size, encoder, splice, cache, keys};
};

/** The ordinary way: capture every scene's moving frames, encode every output frame. */
const everyFrame = async ({scenes, work, output, common, composition, scale, settings, timeline, ffmpeg, figures}) => {
  const dir = path.join(work, 'every-frame');
  mkdirSync(dir);
  const captureStart = Date.now();
  const captured = await captureScenes({scenes, work: dir, common, composition, scale, settings});
  figures.captureMs += Date.now() - captureStart;
  const encodeStart = Date.now();
  await writeAtomically(output, (tmp) =>
    encodeEveryFrame({bin: ffmpeg.bin, method: ffmpeg.method, segments: captured, work: dir, output: tmp, fps: timeline.fps, durationInFrames: timeline.durationInFrames, x264Preset: settings.x264Preset, crf: settings.crf}),
  );
  return {...figures, segmentsCached: 0, segmentsMade: 0, holdsSpliced: false, capturedFrames: captured.reduce((sum, s) => sum + s.files.length, 0), encodeMs: Date.now() - encodeStart};
};
