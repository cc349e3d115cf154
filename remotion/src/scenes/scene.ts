/**
 * What every scene folder exports in its `scene.ts`: a SceneDefinition (name, timing, props builder),
 * and what a props builder reads (SceneInput). The story's order is in ../storyboard.ts; the
 * component of each scene is registered in ../Recap.tsx.
 * No React here: Node loads this through the lib build (worker/lib.mjs).
 */
import {makeFormatter, resolveLocale, type Formatter, type Strings} from '../i18n';
import type {RecapPayload} from '../payload/schema';
import type {SceneTiming} from '../timing';

/** One payload, with its language resolved: what every props builder reads. */
export interface SceneInput {
	readonly payload: RecapPayload;
	/** Key of i18n's LANGUAGES. */
	readonly lang: string;
	/** Intl locale for numbers and months. */
	readonly intl: string;
	/** The words of the user's language. */
	readonly t: Strings;
	/** Numbers, plurals, months and years in the user's locale. */
	readonly f: Formatter;
	/** The user's name, cleaned (cleanName); null when there is none. */
	readonly name: string | null;
}

/** Trim and collapse whitespace; an all-blank name counts as no name. */
export const cleanName = (name: string | null): string | null => {
	if (name === null) {
		return null;
	}
	const cleaned = name.replace(/\s+/g, ' ').trim();
	return cleaned === '' ? null : cleaned;
};

export const sceneInput = (payload: RecapPayload): SceneInput => {
	const {lang, intl, strings} = resolveLocale(payload.user.locale);
	return {payload, lang, intl, t: strings, f: makeFormatter(intl), name: cleanName(payload.user.name)};
};

export interface SceneDefinition<Name extends string, Props> {
	readonly name: Name;
	/** Its length and settle frame (timing.ts: sceneTiming of the scene's animation schedule). */
	readonly timing: SceneTiming;
	/**
	 * The exact props the component receives (words translated, numbers formatted), or null when
	 * the payload has no data for the scene: it is then skipped. Scene components read nothing but
	 * these props, so two scenes with equal props render identical pixels (timeline.ts: cacheKey).
	 */
	readonly props: (input: SceneInput) => Props | null;
}
