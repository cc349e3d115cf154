// Bundle the Remotion project once, with the Node build of its lib (worker/lib.mjs) beside it;
// print {"serveUrl"} as one JSON line.
// Usage: node worker/bundle.mjs --out DIR [--entry FILE]
// The template version is not computed here: the bundle's files embed the checkout's path
// (index.html, source maps), so a hash of them differs between two checkouts of one commit. The
// runner hashes the sources instead (render_runner/render/bundle.py) and names the folder after it.
import {bundle} from '@remotion/bundler';
import path from 'node:path';
import {writeAtomically} from './files.mjs';
import {buildLib, LIB_FILE} from './lib.mjs';
import {REMOTION_DIR} from './paths.mjs';

console.log = (...args) => console.error(...args);
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
if (outIndex < 0) {
  console.error('usage: node worker/bundle.mjs --out DIR [--entry FILE]');
  process.exit(2);
}
const outDir = path.resolve(argv[outIndex + 1]);
const entryPoint = argv.includes('--entry') ? path.resolve(argv[argv.indexOf('--entry') + 1]) : path.join(REMOTION_DIR, 'src', 'index.ts');

await writeAtomically(
  outDir,
  async (tmp) => {
    await bundle({entryPoint, outDir: tmp, enableCaching: true, onProgress: () => undefined});
    await buildLib(path.join(tmp, LIB_FILE));
  },
  {replace: true},
);
process.stdout.write(JSON.stringify({serveUrl: outDir}) + '\n');
