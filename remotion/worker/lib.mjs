// The Node build of src/lib.ts (payload schema, storyboard, timeline; no React): one ESM file made
// by esbuild (the one @remotion/bundler ships). worker/bundle.mjs writes it into the bundle folder
// (LIB_FILE) together with the Remotion bundle, from the same sources, so a render worker imports
// it rather than compiling TypeScript at start.
import {build} from 'esbuild';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {withScratch, writeAtomically} from './files.mjs';
import {REMOTION_DIR} from './paths.mjs';

/** The lib's file name inside a bundle folder. */
export const LIB_FILE = 'recap-lib.mjs';

/** Bundle src/lib.ts into outfile (~0.1 s). */
export const buildLib = async (outfile) => {
  await build({
    entryPoints: [path.join(REMOTION_DIR, 'src', 'lib.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node18',
    logLevel: 'error',
  });
  return outfile;
};

const loaded = new Map();

/**
 * The lib, imported once per process. With a bundle folder: the build stored in it (a bundle made
 * before the lib was stored with it gets one now, once). Without (command-line entries): a build
 * of the current sources in a scratch folder.
 */
export const loadLib = (bundleDir = null) => {
  const key = bundleDir ?? '';
  if (!loaded.has(key)) {
    const promise = (async () => {
      if (bundleDir) {
        const file = path.join(bundleDir, LIB_FILE);
        if (!existsSync(file)) await writeAtomically(file, (tmp) => buildLib(tmp).then(() => true));
        return import(pathToFileURL(file).href);
      }
      return withScratch('lib-', async (dir) => import(pathToFileURL(await buildLib(path.join(dir, LIB_FILE))).href));
    })();
    promise.catch(() => loaded.delete(key));
    loaded.set(key, promise);
  }
  return loaded.get(key);
};
