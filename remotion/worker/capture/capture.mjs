// Capture the frames a sparse render needs: from the frame cache when a scene's pixels were captured
// before, else with Remotion, all scenes of a video in ONE renderFrames() call (its `frames` list):
// every call opens a tab and loads the bundle (~0.8 CPU-s), so one call per scene would cost ~6
// CPU-s per video.
import {renderFrames} from '@remotion/renderer';
import {readdirSync, renameSync, statSync} from 'node:fs';
import path from 'node:path';
import {sequenceName} from '../files.mjs';
import {FrameCache} from './frame-cache.mjs';

// The runner's bundle folder is named after a hash of the sources; the stamp also tells apart two
// builds in one folder (a rebuilt bundle must not reuse the previous build's frames).
const bundleStamps = new Map();
const bundleStamp = (serveUrl) => {
  if (!bundleStamps.has(serveUrl)) {
    let stamp = null;
    try {
      stamp = statSync(path.join(serveUrl, 'index.html')).mtimeMs;
    } catch {
      // a URL, not a folder
    }
    bundleStamps.set(serveUrl, stamp);
  }
  return bundleStamps.get(serveUrl);
};

/**
 * scenes: framesToCapture(timeline); files go into `work`.
 * Returns {segments: [{files, holdFrames}] in scene order (the encoder's input), capturedFrames, cachedFrames}.
 */
export const captureScenes = async ({scenes, work, cache, common, composition, scale, settings}) => {
  const captureDir = path.join(work, 'captured');
  const segments = [];
  const toCapture = [];
  const toStore = [];
  let cachedFrames = 0;
  for (const {scene, frames, holdFrames} of scenes) {
    const key = FrameCache.key([scene.cacheKey, common.serveUrl, bundleStamp(common.serveUrl), settings.templateVersion ?? null, scale, settings.jpegQuality]);
    const names = frames.map((f) => `scene-${scene.name}-${sequenceName(f - scene.from)}`);
    const files = names.map((n) => path.join(work, n));
    if (cache.fetch(key, names, work)) {
      cachedFrames += frames.length;
    } else {
      toCapture.push(...frames);
      toStore.push({key, frames, files, store: cache.admit(key)});
    }
    segments.push({files, holdFrames});
  }
  if (toCapture.length > 0) {
    await renderFrames({
      ...common,
      composition,
      frames: toCapture,
      outputDir: captureDir,
      imageSequencePattern: 'f-[frame].[ext]',
      imageFormat: 'jpeg',
      jpegQuality: settings.jpegQuality,
      scale,
      concurrency: settings.tabs ?? 1,
      onStart: () => undefined,
      onFrameUpdate: () => undefined,
    });
    // Captured files are named by absolute frame with a padding Remotion chooses: map them back.
    const byFrame = new Map();
    for (const name of readdirSync(captureDir)) {
      const m = /^f-(\d+)\.jpeg$/.exec(name);
      if (m) byFrame.set(Number(m[1]), path.join(captureDir, name));
    }
    for (const {key, frames, files, store} of toStore) {
      frames.forEach((f, i) => {
        const source = byFrame.get(f);
        if (!source) throw new Error(`renderFrames did not write frame ${f}`);
        renameSync(source, files[i]);
      });
      if (store) await cache.store(key, files);
    }
  }
  return {segments, capturedFrames: toCapture.length, cachedFrames};
};
