// Bundle the Remotion project once, with the Node build of its lib (worker/lib.mjs) beside it;
// print {"serveUrl", "templateVersion"} as one JSON line.
// Usage: node worker/bundle.mjs --out DIR [--entry FILE]
// templateVersion is a SHA-256 over the bundle's files (sorted by path), so a change to the
// composition, its fonts or its dependencies changes it, and the runner re-renders what changed.
import {bundle} from '@remotion/bundler';
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync, statSync} from 'node:fs';
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

const walk = (dir) =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });

const hashDirectory = (dir) => {
  const hash = createHash('sha256');
  for (const file of walk(dir)) {
    hash.update(path.relative(dir, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

let templateVersion = null;
await writeAtomically(
  outDir,
  async (tmp) => {
    await bundle({entryPoint, outDir: tmp, enableCaching: true, onProgress: () => undefined});
    await buildLib(path.join(tmp, LIB_FILE));
    templateVersion = hashDirectory(tmp);
  },
  {replace: true},
);
process.stdout.write(JSON.stringify({serveUrl: outDir, templateVersion}) + '\n');
