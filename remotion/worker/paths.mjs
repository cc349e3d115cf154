// Where things are, from this file's place in the repository.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The Remotion project (remotion/). */
export const REMOTION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The one list of browser candidates (worker/browser.mjs reads it). */
export const BROWSER_CANDIDATES = path.join(REMOTION_DIR, '..', 'scripts', 'browser-candidates.txt');
/** Soundtrack files the runner stored under their content hash (render_runner/render/soundtrack.py). */
export const SOUNDTRACK_STORE = path.join(REMOTION_DIR, '..', '.render-cache', 'soundtracks');
