/**
 * The words of the share page stored beside each video (`<key>.html`): resolved here, in the user's
 * language, from the same i18n files as the video, so every word has one source. The render worker
 * returns them with each render (worker/render-job.mjs) and render_runner/share/page.py puts them
 * in the page, escaped. No React here: Node loads this through the lib build (worker/lib.mjs).
 */
import {makeFormatter, resolveLocale} from './i18n';
import type {RecapPayload} from './payload/schema';
import {cleanName} from './scenes/scene';

export interface ShareText {
	/** `<html lang>`: the user's own locale tag when its language has words (fr-CA, pt-PT), else `en`. */
	readonly lang: string;
	readonly appName: string;
	/** The user's name as the video shows it (cleaned); null when there is none. */
	readonly name: string | null;
	readonly year: string;
	readonly title: string;
	readonly description: string;
	readonly line: string;
	readonly cta: string;
	readonly noVideo: string;
	readonly download: string;
}

export const shareText = (payload: RecapPayload): ShareText => {
	const {intl, strings} = resolveLocale(payload.user.locale);
	const t = strings.share;
	const f = makeFormatter(intl);
	const name = cleanName(payload.user.name);
	const year = f.year(payload.year);
	return {
		lang: intl,
		appName: strings.appName,
		name,
		year,
		title: t.title(name, year),
		description: t.description(f.number(payload.dreams.total), year, f.plural(payload.dreams.total)),
		line: t.line,
		cta: t.cta,
		noVideo: t.noVideo,
		download: t.download,
	};
};
