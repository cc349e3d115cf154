import type {Strings} from './types';

export const de: Strings = {
	lang: 'de',
	appName: 'Dream Recap',
	intro: {
		greeting: 'Hey',
		fallbackName: 'du',
		lead: 'das war dein',
		tail: 'in Träumen',
	},
	total: {
		eyebrow: 'Dieses Jahr notiert',
		unit: (p) => (p === 'one' ? 'Traum' : 'Träume'),
		more: (diff) => `Das sind ${diff} mehr als im Durchschnitt.`,
		fewer: (diff) => `Das sind ${diff} weniger als im Durchschnitt.`,
		equal: 'Genau im Durchschnitt. Perfekt ausbalanciert.',
		average: (average) => `Durchschnitt: ${average}`,
		badge: (percent) => `Unter den Top ${percent}`,
		previousYear: (count, year, p) => `${year}: ${count} ${p === 'one' ? 'Traum' : 'Träume'}`,
	},
	lucid: {
		label: (p) => (p === 'one' ? 'Klartraum' : 'Klarträume'),
		caption: 'Du wusstest, dass du träumst.',
		captionZero: 'Nächstes Jahr übernimmst du das Steuer.',
	},
	nightmares: {
		label: (p) => (p === 'one' ? 'Albtraum' : 'Albträume'),
		caption: 'Und du bist aus jedem aufgewacht.',
		captionZero: 'Kein einziger. Wirklich süße Träume.',
	},
	streak: {
		eyebrow: 'Längste Serie',
		unit: (p) => (p === 'one' ? 'Nacht' : 'Nächte am Stück'),
		caption: 'mit erinnerten Träumen',
	},
	month: {
		eyebrow: 'Dein Top-Monat',
		caption: 'war dein traumreichster Monat',
	},
	persons: {eyebrow: 'Top-Personen', title: 'Wer dir im Traum begegnet ist'},
	places: {eyebrow: 'Top-Orte', title: 'Wohin dich deine Träume führten'},
	emotions: {eyebrow: 'Top-Gefühle', title: 'Deine stärksten Gefühle'},
	inDreams: (count, p) => `${count} ${p === 'one' ? 'Traum' : 'Träume'}`,
	outro: {
		line: 'Wir sehen uns',
		tagline: 'Träum schön.',
	},
	poster: {
		title: 'mein Jahr in Träumen',
		dreams: (p) => (p === 'one' ? 'Traum' : 'Träume'),
		lucid: (p) => (p === 'one' ? 'Klartraum' : 'Klarträume'),
		nightmares: (p) => (p === 'one' ? 'Albtraum' : 'Albträume'),
		streak: (p) => (p === 'one' ? 'Nacht' : 'Nächte am Stück'),
		month: 'Top-Monat',
		topPerson: 'Top-Person',
		topPlace: 'Top-Ort',
		topEmotion: 'Top-Gefühl',
	},
	share: {
		// „von“ rather than a genitive: no apostrophe rules for names ending in s, x or z.
		title: (name, year) => (name === null ? `Mein Traumjahr ${year}` : `Das Traumjahr ${year} von ${name}`),
		description: (count, year, p) => `${count} ${p === 'one' ? 'Traum' : 'Träume'} im Jahr ${year} notiert – in einem kurzen Video.`,
		line: 'Ein Jahr voller Nächte in einer halben Minute.',
		cta: 'Erstelle dein eigenes Traumjahr',
		noVideo: 'Dieser Browser kann das Video hier nicht abspielen.',
		download: 'Video herunterladen',
	},
};
