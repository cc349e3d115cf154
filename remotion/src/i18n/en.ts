import type {Strings} from './types';

export const en: Strings = {
	lang: 'en',
	appName: 'Dream Recap',
	intro: {
		greeting: 'Hey',
		fallbackName: 'dreamer',
		lead: 'this was your',
		tail: 'in dreams',
	},
	total: {
		eyebrow: 'This year you wrote down',
		unit: (p) => (p === 'one' ? 'dream' : 'dreams'),
		more: (diff) => `That’s ${diff} more than the average dreamer.`,
		fewer: (diff) => `That’s ${diff} fewer than the average dreamer.`,
		equal: 'Exactly as many as the average dreamer. Perfectly balanced.',
		average: (average) => `Average dreamer: ${average}`,
		badge: (percent) => `Top ${percent} of dreamers`,
		previousYear: (count, year, p) => `${count} ${p === 'one' ? 'dream' : 'dreams'} in ${year}`,
	},
	lucid: {
		label: (p) => (p === 'one' ? 'lucid dream' : 'lucid dreams'),
		caption: 'You knew you were dreaming.',
		captionZero: 'Next year, take the wheel.',
	},
	nightmares: {
		label: (p) => (p === 'one' ? 'nightmare' : 'nightmares'),
		caption: 'And you woke up from every one.',
		captionZero: 'Not a single one. Sweet dreams indeed.',
	},
	streak: {
		eyebrow: 'Longest streak',
		unit: (p) => (p === 'one' ? 'night' : 'nights in a row'),
		caption: 'of remembered dreams',
	},
	month: {
		eyebrow: 'Busiest month',
		caption: 'was your dreamiest month',
	},
	persons: {eyebrow: 'Top people', title: 'Who showed up in your dreams'},
	places: {eyebrow: 'Top places', title: 'Where your dreams took you'},
	emotions: {eyebrow: 'Top emotions', title: 'What you felt the most'},
	inDreams: (count, p) => `${count} ${p === 'one' ? 'dream' : 'dreams'}`,
	outro: {
		line: 'See you in',
		tagline: 'Sweet dreams.',
	},
	poster: {
		title: 'year in dreams',
		dreams: (p) => (p === 'one' ? 'dream' : 'dreams'),
		lucid: () => 'lucid',
		nightmares: (p) => (p === 'one' ? 'nightmare' : 'nightmares'),
		streak: () => 'night streak',
		month: 'busiest month',
		topPerson: 'Top person',
		topPlace: 'Top place',
		topEmotion: 'Top emotion',
	},
	share: {
		title: (name, year) => (name === null ? `My ${year} in dreams` : `${name}’s ${year} in dreams`),
		description: (count, year, p) => `${count} ${p === 'one' ? 'dream' : 'dreams'} written down in ${year}, in one short video.`,
		line: 'A whole year of nights in half a minute.',
		cta: 'Make your own year in dreams',
		noVideo: 'This browser cannot play the video here.',
		download: 'Download the video',
	},
};
