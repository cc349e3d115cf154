// Files the worker writes: publishing through a temporary sibling, hard links, and the scratch
// folders of a render.
import {randomBytes} from 'node:crypto';
import {copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, renameSync, statSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Make `target` appear whole or not at all: `fill(tmp)` writes a file or folder at `tmp` (a
 * sibling of target, so the rename stays on one file system), then one rename publishes it. `fill`
 * may return false to publish nothing. `replace` removes an existing target first (a folder
 * cannot be renamed over a non-empty one); without it a rename onto an existing folder throws.
 * The temporary path is removed whatever happens. Returns whether target was published.
 */
export const writeAtomically = async (target, fill, {replace = false} = {}) => {
  const tmp = path.join(path.dirname(target), `.tmp-${path.basename(target)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    if ((await fill(tmp)) === false) return false;
    if (replace) rmSync(target, {recursive: true, force: true});
    renameSync(tmp, target);
    return true;
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
};

/** Hard-link `from` as `to`, or copy it across file systems. */
export const linkOrCopy = (from, to) => {
  try {
    linkSync(from, to);
  } catch (error) {
    if (error.code === 'EXDEV' || error.code === 'EPERM') copyFileSync(from, to);
    else throw error;
  }
};

/** `000000.jpeg`, `000001.jpeg`...: the names of an image sequence (ffmpeg pattern SEQUENCE_PATTERN). */
export const sequenceName = (i) => `${String(i).padStart(6, '0')}.jpeg`;
export const SEQUENCE_PATTERN = '%06d.jpeg';

// -- scratch: where one render's frames go ------------------------------------------------------------
// Under RECAP_WORK_DIR when set: the runner's render pool gives every worker process its own folder
// there and removes it when the worker exits (also after a kill). Otherwise (command-line entries,
// tests) in a folder of this process, made on first use on the RAM disk when there is one (frames
// are written once and read once), and removed when the process exits.
let ownRoot = null;
const scratchRoot = () => {
  if (process.env.RECAP_WORK_DIR) {
    mkdirSync(process.env.RECAP_WORK_DIR, {recursive: true});
    return process.env.RECAP_WORK_DIR;
  }
  if (!ownRoot) {
    ownRoot = mkdtempSync(path.join(ramDiskOrTmp(), 'recap-work-'));
    process.on('exit', () => rmSync(ownRoot, {recursive: true, force: true}));
  }
  return ownRoot;
};

const ramDiskOrTmp = () => {
  try {
    if (statSync('/dev/shm').isDirectory()) {
      rmSync(mkdtempSync('/dev/shm/recap-probe-'), {recursive: true, force: true});
      return '/dev/shm';
    }
  } catch {
    // no usable /dev/shm
  }
  return os.tmpdir();
};

/** Run fn(dir) with a fresh scratch folder, removed afterwards. */
export const withScratch = async (prefix, fn) => {
  const dir = mkdtempSync(path.join(scratchRoot(), prefix));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
};
