// CLI and Studio settings. Only the browser is set here (Remotion cannot download its own
// offline); every render setting stays at Remotion's defaults so the naive CLI baseline of
// bench/ is Remotion's own. The browser comes from the one list, scripts/browser-candidates.txt.
import {Config} from '@remotion/cli/config';
import path from 'node:path';
import {findBrowser} from './worker/browser.mjs';

// Remotion bundles this file and runs it from the project folder (remotion/), so the list's path
// is given from there.
const browser = findBrowser(path.resolve('..', 'scripts', 'browser-candidates.txt'));
if (browser) {
	Config.setBrowserExecutable(browser);
}
