// Bundle the Remotion project once; print {"serveUrl", "templateVersion"} as one JSON line.
// Usage: node worker/bundle.mjs --out DIR
// templateVersion is a SHA-256 over the bundle's files (sorted by path), so a change to the
// composition, its fonts or its dependencies changes it, and the runner re-renders what changed.
import {bundle} from '@remotion/bundler';
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync, statSync, existsSync, renameSync, rmSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

console.log = (...args) => console.error(...args);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
if (outIndex < 0) {
  console.error('usage: node worker/bundle.mjs --out DIR');
  process.exit(2);
}
const outDir = path.resolve(argv[outIndex + 1]);

const walk = (dir) =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : [full];
    });

export const hashDirectory = (dir) => {
  const hash = createHash('sha256');
  for (const file of walk(dir)) {
    hash.update(path.relative(dir, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

const tmpDir = `${outDir}.tmp-${process.pid}`;
rmSync(tmpDir, {recursive: true, force: true});
await bundle({
  entryPoint: argv.includes('--entry') ? path.resolve(argv[argv.indexOf('--entry') + 1]) : path.join(root, 'src', 'index.ts'),
  outDir: tmpDir,
  enableCaching: true,
  onProgress: () => undefined,
});
const templateVersion = hashDirectory(tmpDir);
if (existsSync(outDir)) rmSync(outDir, {recursive: true, force: true});
renameSync(tmpDir, outDir);
process.stdout.write(JSON.stringify({serveUrl: outDir, templateVersion}) + '\n');
