import type {Strings} from './types';

export const it: Strings = {
	lang: 'it',
	appName: 'Dream Recap',
	intro: {
		greeting: 'Ciao',
		fallbackName: 'a te',
		lead: 'ecco il tuo',
		tail: 'in sogni',
	},
	total: {
		eyebrow: 'Quest’anno hai annotato',
		unit: (p) => (p === 'one' ? 'sogno' : 'sogni'),
		more: (diff) => `Cioè ${diff} in più della media.`,
		fewer: (diff) => `Cioè ${diff} in meno della media.`,
		equal: 'Esattamente nella media. Perfettamente in equilibrio.',
		average: (average) => `Media: ${average}`,
		badge: (percent) => `Top ${percent} di chi sogna`,
		previousYear: (count, year, p) => `${count} ${p === 'one' ? 'sogno' : 'sogni'} nel ${year}`,
	},
	lucid: {
		label: (p) => (p === 'one' ? 'sogno lucido' : 'sogni lucidi'),
		caption: 'Sapevi di stare sognando.',
		captionZero: 'L’anno prossimo, prendi il timone.',
	},
	nightmares: {
		label: (p) => (p === 'one' ? 'incubo' : 'incubi'),
		caption: 'E li hai superati tutti.',
		captionZero: 'Nemmeno uno. Sogni d’oro, davvero.',
	},
	streak: {
		eyebrow: 'La tua serie più lunga',
		unit: (p) => (p === 'one' ? 'notte' : 'notti di fila'),
		caption: 'di sogni ricordati',
	},
	month: {
		eyebrow: 'Il tuo mese top',
		caption: 'il mese in cui hai sognato di più',
	},
	persons: {eyebrow: 'Top persone', title: 'Chi è apparso nei tuoi sogni'},
	places: {eyebrow: 'Top luoghi', title: 'I luoghi dei tuoi sogni'},
	emotions: {eyebrow: 'Top emozioni', title: 'Cosa hai provato di più'},
	inDreams: (count, p) => `${count} ${p === 'one' ? 'sogno' : 'sogni'}`,
	outro: {
		line: 'Ci vediamo nel',
		tagline: 'Sogni d’oro.',
	},
	poster: {
		title: 'il mio anno in sogni',
		dreams: (p) => (p === 'one' ? 'sogno' : 'sogni'),
		lucid: (p) => (p === 'one' ? 'lucido' : 'lucidi'),
		nightmares: (p) => (p === 'one' ? 'incubo' : 'incubi'),
		streak: (p) => (p === 'one' ? 'notte' : 'notti di fila'),
		month: 'mese top',
		topPerson: 'Persona n. 1',
		topPlace: 'Luogo n. 1',
		topEmotion: 'Emozione n. 1',
	},
	share: {
		title: (name, year) => (name === null ? `Il mio ${year} in sogni` : `Il ${year} in sogni di ${name}`),
		description: (count, year, p) => `${count} ${p === 'one' ? 'sogno annotato' : 'sogni annotati'} nel ${year}, in un breve video.`,
		line: 'Un anno di notti in mezzo minuto.',
		cta: 'Crea il tuo anno in sogni',
		noVideo: 'Questo browser non può riprodurre il video qui.',
		download: 'Scarica il video',
	},
};
