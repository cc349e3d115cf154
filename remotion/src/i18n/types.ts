/**
 * Every word the video shows, per language: one file per language (en.ts, fr.ts, es.ts, de.ts, pt-BR.ts,
 * it.ts, ja.ts) implements this.
 * Numbers arrive already formatted with Intl (in the user's locale); plural choice uses the
 * `plural` category from Intl.PluralRules so each language decides its own rules.
 */
export type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

export interface Strings {
	/** BCP 47 language the strings are written in. */
	readonly lang: string;
	readonly appName: string;
	readonly intro: {
		readonly greeting: string;
		/** Shown in the name's place when the user has no name. */
		readonly fallbackName: string;
		readonly lead: string;
		readonly tail: string;
	};
	readonly total: {
		readonly eyebrow: string;
		readonly unit: (plural: PluralCategory) => string;
		readonly more: (diff: string) => string;
		readonly fewer: (diff: string) => string;
		readonly equal: string;
		readonly average: (average: string) => string;
		readonly badge: (percent: string) => string;
		readonly previousYear: (count: string, year: string, plural: PluralCategory) => string;
	};
	readonly lucid: {
		readonly label: (plural: PluralCategory) => string;
		readonly caption: string;
		readonly captionZero: string;
	};
	readonly nightmares: {
		readonly label: (plural: PluralCategory) => string;
		readonly caption: string;
		readonly captionZero: string;
	};
	readonly streak: {
		readonly eyebrow: string;
		readonly unit: (plural: PluralCategory) => string;
		readonly caption: string;
	};
	readonly month: {
		readonly eyebrow: string;
		readonly caption: string;
	};
	readonly persons: {readonly title: string; readonly eyebrow: string};
	readonly places: {readonly title: string; readonly eyebrow: string};
	readonly emotions: {readonly title: string; readonly eyebrow: string};
	/** "12 dreams" next to a ranked name. */
	readonly inDreams: (count: string, plural: PluralCategory) => string;
	readonly outro: {
		readonly line: string;
		readonly tagline: string;
	};
	readonly poster: {
		readonly title: string;
		readonly dreams: (plural: PluralCategory) => string;
		/** Tile labels under a number: chosen by that number's plural category (fr: "0 lucide"). */
		readonly lucid: (plural: PluralCategory) => string;
		readonly nightmares: (plural: PluralCategory) => string;
		readonly streak: (plural: PluralCategory) => string;
		readonly month: string;
		readonly topPerson: string;
		readonly topPlace: string;
		readonly topEmotion: string;
	};
	/**
	 * The share page stored beside each video (`<key>.html`, src/share.ts resolves these words and the
	 * render worker hands them to render_runner/share/page.py). Plain text: the page escapes it.
	 */
	readonly share: {
		/** The page's heading and the link preview's title: the year, and the user's name when there is one. */
		readonly title: (name: string | null, year: string) => string;
		/** The link preview's description: the year's total. */
		readonly description: (count: string, year: string, plural: PluralCategory) => string;
		/** The line under the video. */
		readonly line: string;
		/** The call-to-action link's label (it goes to `--share-link`, e.g. the app's store page). */
		readonly cta: string;
		/** Shown by a browser that cannot play the video, before the download link. */
		readonly noVideo: string;
		readonly download: string;
	};
}
