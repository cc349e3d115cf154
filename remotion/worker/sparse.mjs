// The "sparse" render of a Recap video: capture only the frames that differ, encode the video once.
//
// getTimeline(payload) (src/timeline.ts) says, for every scene, from which frame its picture stops
// changing (`settledAt`) and a `cacheKey` that fully determines its pixels. So, per scene:
//   - capture frames [from, settledAt] only (capture/frames.mjs; the rest of the scene is a hold
//     of frame settledAt), or take them from the frame cache (capture/frame-cache.mjs) when a scene
//     with that cacheKey was captured before (e.g. the outro every user of one language shares);
//   - encode once with ffmpeg (encode/encode.mjs): only the captured frames go through x264 and every
//     hold is spliced in as H.264 skip frames (encode/holds.mjs), H.264 yuv420p BT.709 (the same
//     conversion as renderMedia's colorSpace 'bt709'), +faststart, exactly durationInFrames frames.
// A full render (renderMedia) gives the same frames; tests/test_sparse_render.py checks it.
import {captureScenes} from './capture/capture.mjs';
import {FrameCache} from './capture/frame-cache.mjs';
import {framesToCapture} from './capture/frames.mjs';
import {encodeVideo} from './encode/encode.mjs';
import {withScratch} from './files.mjs';
import {loadLib} from './lib.mjs';

/**
 * Render the Recap video of one payload the sparse way.
 *   common:   {serveUrl, inputProps, puppeteerInstance, logLevel, timeoutInMilliseconds}
 *   composition: the selected Recap composition (its durationInFrames must match the timeline)
 *   settings: {jpegQuality, x264Preset, crf, tabs, frameCacheMb, templateVersion}
 * Returns figures for the reply: {capturedFrames, cachedFrames, holdsSpliced, captureMs, encodeMs}.
 */
export const renderSparse = async ({common, composition, output, scale, settings}) => {
  const lib = await loadLib(common.serveUrl);
  const timeline = lib.getTimeline(composition.props);
  if (timeline.durationInFrames !== composition.durationInFrames || timeline.fps !== composition.fps) {
    throw new Error(
      `timeline (${timeline.durationInFrames} frames) disagrees with the bundle's Recap (${composition.durationInFrames}); rebuild the bundle`,
    );
  }
  const scenes = framesToCapture(timeline);
  const cache = FrameCache.forMachine(settings.frameCacheMb);
  return withScratch('render-', async (work) => {
    const captureStart = Date.now();
    const {segments, capturedFrames, cachedFrames} = await captureScenes({scenes, work, cache, common, composition, scale, settings});
    const captureMs = Date.now() - captureStart;
    const encodeStart = Date.now();
    const {holdsSpliced} = await encodeVideo({
      segments,
      work,
      output,
      fps: timeline.fps,
      durationInFrames: timeline.durationInFrames,
      width: Math.round(timeline.width * scale),
      height: Math.round(timeline.height * scale),
      x264Preset: settings.x264Preset,
      crf: settings.crf,
    });
    return {capturedFrames, cachedFrames, holdsSpliced, captureMs, encodeMs: Date.now() - encodeStart};
  });
};
