// One job of the render worker: the video (full: Remotion's renderMedia; sparse: ./sparse.mjs) and
// the poster (renderStill), in the browser the worker keeps open.
//
// Either way the video is rendered without sound into a scratch folder, then joined with its
// soundtrack (encode/audio.mjs: cached per soundtrack and length) by stream copy into job.video.
// The reply also carries the share page's words (src/share.ts), which the runner puts in the page.
import {renderMedia, renderStill, selectComposition} from '@remotion/renderer';
import path from 'node:path';
import {resolveCompositions} from './compositions.mjs';
import {muxAudio, soundtrackAudio} from './encode/audio.mjs';
import {withScratch, writeAtomically} from './files.mjs';
import {loadLib} from './lib.mjs';
import {renderSparse, segmentPlan} from './sparse.mjs';

// No B-frames in any encode (encode/ffmpeg.mjs x264Args does the same for the sparse path): the
// MP4 then needs neither reordering (ctts) nor an edit list to start at frame 0, which it has none of.
const noBFrames = ({args}) => {
  const encoder = args.indexOf('libx264');
  return encoder < 0 ? args : [...args.slice(0, encoder + 1), '-bf', '0', ...args.slice(encoder + 1)];
};

const defaults = {jpegQuality: 80, x264Preset: 'veryfast', crf: 20, tabs: 1, timeoutMs: 120000, mode: 'full', soundtrack: 'default'};

/**
 * A plan request {plan: true, payload, scale, settings}: the keys of the segments a sparse render of
 * the payload shows, and the folder of this machine's segment cache ({segmentKeys: [] when this
 * ffmpeg cannot make segments, segmentCacheDir}).
 */
export const planJob = async ({job, serveUrl}) => {
  const settings = {...defaults, ...(job.settings ?? {})};
  const lib = await loadLib(serveUrl);
  const {recap} = resolveCompositions(lib, job.payload);
  const plan = await segmentPlan({serveUrl, composition: recap, scale: job.scale ?? 1, settings});
  return {segmentKeys: plan.keys ?? [], segmentCacheDir: plan.cache.maxBytes > 0 ? plan.cache.dir : null};
};

/**
 * job: {payload, video: path|null, poster: path|null, scale, frameRange: [a, b]|null, settings}
 * (render-worker.mjs describes it). Returns the reply's figures: {video, sparse, audio, share, renderMs}.
 */
export const renderJob = async ({job, serveUrl, browser}) => {
  const started = Date.now();
  const settings = {...defaults, ...(job.settings ?? {})};
  const scale = job.scale ?? 1;
  // Remotion's own timeout is per delayRender() (>= 7 s); the runner enforces the per-render limit.
  const delayRenderTimeout = Math.max(7000, Math.min(settings.timeoutMs, 30000));
  const common = {serveUrl, inputProps: job.payload, puppeteerInstance: browser, logLevel: 'error', timeoutInMilliseconds: delayRenderTimeout};
  const result = {};
  const lib = await loadLib(serveUrl);
  const resolved = resolveCompositions(lib, job.payload);
  // The share page's words in the user's language (src/share.ts); the runner writes the page.
  result.share = lib.shareText(resolved.recap.props);
  if (job.video) {
    // "full" (Remotion's renderMedia, the reference the sparse path is tested against) resolves
    // the composition in the page, as the Remotion CLI does; a frame range always renders "full".
    const sparse = settings.mode === 'sparse' && !job.frameRange;
    const composition = sparse ? resolved.recap : await selectComposition({...common, id: 'Recap'});
    const frames = job.frameRange ? job.frameRange[1] - job.frameRange[0] + 1 : composition.durationInFrames;
    await withScratch('video-', async (work) => {
      const silent = path.join(work, 'video.mp4');
      if (sparse) {
        result.sparse = await renderSparse({common, composition, output: silent, scale, settings});
      } else {
        await renderMedia({
          ...common,
          composition,
          codec: 'h264',
          outputLocation: silent,
          overwrite: true,
          scale,
          frameRange: job.frameRange ?? null,
          imageFormat: 'jpeg',
          jpegQuality: settings.jpegQuality,
          x264Preset: settings.x264Preset,
          crf: settings.crf,
          colorSpace: 'bt709',
          concurrency: settings.tabs,
          ffmpegOverride: noBFrames,
        });
      }
      const audioStart = Date.now();
      const audio = await soundtrackAudio({soundtrack: settings.soundtrack, durationInFrames: frames, fps: composition.fps});
      await writeAtomically(job.video, (tmp) => muxAudio({video: silent, audio: audio.file, output: tmp}));
      result.audio = {cached: audio.cached, ms: Date.now() - audioStart};
    });
    result.video = {
      durationInFrames: composition.durationInFrames,
      fps: composition.fps,
      width: composition.width,
      height: composition.height,
    };
  }
  if (job.poster) {
    await renderStill({
      ...common,
      composition: resolved.poster,
      output: job.poster,
      overwrite: true,
      imageFormat: 'jpeg',
      jpegQuality: 90,
      scale,
      frame: 0,
    });
  }
  return {...result, renderMs: Date.now() - started};
};
