// One job of the render worker: the video (full: Remotion's renderMedia; sparse: ./sparse.mjs) and
// the poster (renderStill), in the browser the worker keeps open.
import {renderMedia, renderStill, selectComposition} from '@remotion/renderer';
import {resolveCompositions} from './compositions.mjs';
import {loadLib} from './lib.mjs';
import {renderSparse} from './sparse.mjs';

const defaults = {jpegQuality: 80, x264Preset: 'veryfast', crf: 20, tabs: 1, timeoutMs: 120000, mode: 'full'};

/**
 * job: {payload, video: path|null, poster: path|null, scale, frameRange: [a, b]|null, settings}
 * (render-worker.mjs describes it). Returns the reply's figures: {video, sparse, renderMs}.
 */
export const renderJob = async ({job, serveUrl, browser}) => {
  const started = Date.now();
  const settings = {...defaults, ...(job.settings ?? {})};
  const scale = job.scale ?? 1;
  // Remotion's own timeout is per delayRender() (>= 7 s); the runner enforces the per-render limit.
  const delayRenderTimeout = Math.max(7000, Math.min(settings.timeoutMs, 30000));
  const common = {serveUrl, inputProps: job.payload, puppeteerInstance: browser, logLevel: 'error', timeoutInMilliseconds: delayRenderTimeout};
  const result = {};
  const resolved = resolveCompositions(await loadLib(serveUrl), job.payload);
  if (job.video) {
    // "full" (Remotion's renderMedia, the reference the sparse path is tested against) resolves
    // the composition in the page, as the Remotion CLI does; a frame range always renders "full".
    const sparse = settings.mode === 'sparse' && !job.frameRange;
    const composition = sparse ? resolved.recap : await selectComposition({...common, id: 'Recap'});
    if (sparse) {
      result.sparse = await renderSparse({common, composition, output: job.video, scale, settings});
    } else {
      await renderMedia({
        ...common,
        composition,
        codec: 'h264',
        outputLocation: job.video,
        overwrite: true,
        scale,
        frameRange: job.frameRange ?? null,
        imageFormat: 'jpeg',
        jpegQuality: settings.jpegQuality,
        x264Preset: settings.x264Preset,
        crf: settings.crf,
        colorSpace: 'bt709',
        concurrency: settings.tabs,
      });
    }
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
