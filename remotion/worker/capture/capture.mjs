// Capture the frames of the scenes a sparse render still needs (those not in the segment cache),
// with Remotion, all of them in ONE renderFrames() call (its `frames` list): every call opens a tab
// and loads the bundle (~0.8 CPU-s), so one call per scene would cost ~6 CPU-s per video. A video
// whose scenes are all cached opens no tab at all.
import {renderFrames} from '@remotion/renderer';
import {readdirSync, renameSync} from 'node:fs';
import path from 'node:path';
import {sequenceName} from '../files.mjs';

/**
 * scenes: entries of framesToCapture(timeline); files go into `work`.
 * Returns [{files, holdFrames}] in the order given (the encoder's input).
 */
export const captureScenes = async ({scenes, work, common, composition, scale, settings}) => {
  const captureDir = path.join(work, 'captured');
  const out = scenes.map(({scene, frames, holdFrames}) => ({
    frames,
    files: frames.map((f) => path.join(work, `scene-${scene.name}-${sequenceName(f - scene.from)}`)),
    holdFrames,
  }));
  const toCapture = out.flatMap((s) => s.frames);
  if (toCapture.length === 0) return [];
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
  for (const {frames, files} of out) {
    frames.forEach((f, i) => {
      const source = byFrame.get(f);
      if (!source) throw new Error(`renderFrames did not write frame ${f}`);
      renameSync(source, files[i]);
    });
  }
  return out.map(({files, holdFrames}) => ({files, holdFrames}));
};
