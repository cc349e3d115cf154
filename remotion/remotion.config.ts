// CLI and Studio settings. Only the browser is set here (Remotion cannot download its own
// offline); every render setting stays at Remotion's defaults so the naive CLI baseline of
// bench/ is Remotion's own. Same choice as scripts/ensure-browser.sh and the runner.
import {Config} from '@remotion/cli/config';
import fs from 'node:fs';

const candidates = [process.env.RECAP_BROWSER_EXECUTABLE, '/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/google-chrome'];
const browser = candidates.find((path): path is string => Boolean(path) && fs.existsSync(path as string));
if (browser) {
	Config.setBrowserExecutable(browser);
}
