/**
 * Locale resolution: `user.locale` (any BCP 47-ish tag, or null) -> the strings of a supported
 * language (fallback English) and the Intl locale used for numbers and month names.
 */
import {en} from './en';
import {fr} from './fr';
import type {PluralCategory, Strings} from './types';

export type {PluralCategory, Strings} from './types';

export const LANGUAGES: Readonly<Record<string, Strings>> = {en, fr};
export const DEFAULT_LANGUAGE = 'en';

export interface ResolvedLocale {
	/** Key of LANGUAGES. */
	readonly lang: string;
	/** Tag for Intl (the user's own region when it is in a supported language, e.g. fr-CA). */
	readonly intl: string;
	readonly strings: Strings;
}

const canonical = (tag: string): string | null => {
	try {
		const [first] = Intl.getCanonicalLocales(tag.trim().replace(/_/g, '-'));
		return first ?? null;
	} catch {
		return null;
	}
};

export const resolveLocale = (locale: string | null | undefined): ResolvedLocale => {
	const tag = locale ? canonical(locale) : null;
	const lang = tag ? tag.split('-')[0].toLowerCase() : DEFAULT_LANGUAGE;
	if (tag && LANGUAGES[lang]) {
		return {lang, intl: tag, strings: LANGUAGES[lang]};
	}
	return {lang: DEFAULT_LANGUAGE, intl: DEFAULT_LANGUAGE, strings: LANGUAGES[DEFAULT_LANGUAGE]};
};

export interface Formatter {
	readonly number: (n: number) => string;
	readonly percent: (whole: number) => string;
	readonly plural: (n: number) => PluralCategory;
	/** Month name (1-12), capitalised for use as a headline. */
	readonly month: (month: number) => string;
	readonly year: (year: number) => string;
}

export const makeFormatter = (intl: string): Formatter => {
	const numbers = new Intl.NumberFormat(intl, {maximumFractionDigits: 0});
	const percent = new Intl.NumberFormat(intl, {style: 'percent', maximumFractionDigits: 0});
	const plurals = new Intl.PluralRules(intl);
	const months = new Intl.DateTimeFormat(intl, {month: 'long', timeZone: 'UTC'});
	return {
		number: (n) => numbers.format(n),
		percent: (whole) => percent.format(whole / 100),
		plural: (n) => plurals.select(n) as PluralCategory,
		month: (m) => {
			const name = months.format(new Date(Date.UTC(2001, m - 1, 15)));
			return name.charAt(0).toLocaleUpperCase(intl) + name.slice(1);
		},
		// Years are never grouped ("2026", not "2,026").
		year: (y) => String(y),
	};
};
