/**
 * Vendored fonts (@fontsource CSS + woff2, bundled by webpack) and a hook that holds rendering
 * (delayRender) until every face the video uses is loaded for the exact text it shows.
 */
import '@fontsource/inter/500.css';
import '@fontsource/inter/700.css';
import '@fontsource/inter/900.css';
import '@fontsource/instrument-serif/400-italic.css';
import '@fontsource/noto-sans-arabic/500.css';
import '@fontsource/noto-sans-arabic/700.css';
import '@fontsource/noto-sans-arabic/900.css';
import '@fontsource/noto-sans-hebrew/500.css';
import '@fontsource/noto-sans-hebrew/700.css';
import '@fontsource/noto-sans-hebrew/900.css';
import {useEffect, useState} from 'react';
import {cancelRender, continueRender, delayRender} from 'remotion';

const FACES = [
	'500 40px Inter',
	'700 40px Inter',
	'900 40px Inter',
	'italic 400 40px "Instrument Serif"',
	'500 40px "Noto Sans Arabic"',
	'700 40px "Noto Sans Arabic"',
	'900 40px "Noto Sans Arabic"',
	'500 40px "Noto Sans Hebrew"',
	'700 40px "Noto Sans Hebrew"',
	'900 40px "Noto Sans Hebrew"',
];

const BASE_TEXT = '0123456789 ,.:·%–—’\'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzàâçéèêëîïôûùüÿœÉ\u202f\u00a0';

/** True once the fonts needed for `texts` are loaded; rendering is held until then. */
export const useFontsReady = (texts: readonly string[]): boolean => {
	const [handle] = useState(() => delayRender('Loading vendored fonts'));
	const [ready, setReady] = useState(false);
	const key = texts.join('\n');
	useEffect(() => {
		let cancelled = false;
		const text = `${BASE_TEXT}${key}`;
		Promise.all(FACES.map((face) => document.fonts.load(face, text)))
			.then(() => document.fonts.ready)
			.then(() => {
				if (!cancelled) {
					setReady(true);
					continueRender(handle);
				}
			})
			.catch((err: unknown) => cancelRender(err instanceof Error ? err : new Error(String(err))));
		return () => {
			cancelled = true;
		};
	}, [handle, key]);
	return ready;
};
