// The headless browser Remotion drives: RECAP_BROWSER_EXECUTABLE, else the first executable path of
// scripts/browser-candidates.txt (the one list, read by the runner and scripts/ensure-browser.sh
// too), else null (Remotion then downloads its own, which needs the internet).
import {accessSync, constants, readFileSync} from 'node:fs';

/** The candidates of a list file: one path per line; blank lines and `#` comment lines skipped. */
export const browserCandidates = (listFile) =>
  readFileSync(listFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * listFile: paths.mjs's BROWSER_CANDIDATES. (No import.meta here: remotion.config.ts imports this
 * module and Remotion bundles that file as CommonJS.)
 */
export const findBrowser = (listFile) =>
  process.env.RECAP_BROWSER_EXECUTABLE || browserCandidates(listFile).find(isExecutable) || null;
