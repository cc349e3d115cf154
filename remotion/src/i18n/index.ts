/**
 * Locale resolution: `user.locale` (any BCP 47-ish tag, or null) -> the strings of a supported
 * language and the Intl locale used for numbers, plurals and month names. A regional variant uses
 * its language's words with its own Intl formats (de-AT, es-MX, fr-CA); every Portuguese tag uses
 * the Brazilian words (pt-PT keeps its own number and plural rules); anything else is English.
 */
import {de} from './de';
import {en} from './en';
import {es} from './es';
import {fr} from './fr';
import {it} from './it';
import {ja} from './ja';
import {ptBR} from './pt-BR';
import type {PluralCategory, Strings} from './types';

export type {PluralCategory, Strings} from './types';

/** Keyed by the `lang` of each strings file. */
export const LANGUAGES: Readonly<Record<string, Strings>> = {en, fr, es, de, 'pt-BR': ptBR, it, ja};
export const DEFAULT_LANGUAGE = 'en';

/** Primary language subtag -> key of LANGUAGES, for languages kept under a regional key. */
const BY_LANGUAGE: Readonly<Record<string, string>> = {pt: 'pt-BR'};

export interface ResolvedLocale {
	/** Key of LANGUAGES (en, fr, es, de, pt-BR, it, ja). */
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
	const primary = tag ? tag.split('-')[0].toLowerCase() : DEFAULT_LANGUAGE;
	const lang = BY_LANGUAGE[primary] ?? primary;
	if (tag && Object.hasOwn(LANGUAGES, lang)) {
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
