import type {Strings} from './types';

export const es: Strings = {
	lang: 'es',
	appName: 'Dream Recap',
	intro: {
		greeting: 'Hola',
		fallbackName: 'tú',
		lead: 'este fue tu',
		tail: 'en sueños',
	},
	total: {
		eyebrow: 'Este año anotaste',
		unit: (p) => (p === 'one' ? 'sueño' : 'sueños'),
		more: (diff) => `Son ${diff} más que el promedio.`,
		fewer: (diff) => `Son ${diff} menos que el promedio.`,
		equal: 'Justo en el promedio. Perfectamente equilibrado.',
		average: (average) => `Promedio: ${average}`,
		badge: (percent) => `Top ${percent} en sueños`,
		previousYear: (count, year, p) => `${count} ${p === 'one' ? 'sueño' : 'sueños'} en ${year}`,
	},
	lucid: {
		label: (p) => (p === 'one' ? 'sueño lúcido' : 'sueños lúcidos'),
		caption: 'Sabías que estabas soñando.',
		captionZero: 'El año que viene, toma el control.',
	},
	nightmares: {
		label: (p) => (p === 'one' ? 'pesadilla' : 'pesadillas'),
		caption: 'Y despertaste de cada una.',
		captionZero: 'Ni una sola. Dulces sueños, de verdad.',
	},
	streak: {
		eyebrow: 'Tu racha más larga',
		unit: (p) => (p === 'one' ? 'noche' : 'noches seguidas'),
		caption: 'recordando tus sueños',
	},
	month: {
		eyebrow: 'Tu mes estrella',
		caption: 'fue tu mes más soñador',
	},
	persons: {eyebrow: 'Tu top de personas', title: 'Quién apareció en tus sueños'},
	places: {eyebrow: 'Tu top de lugares', title: 'Los lugares de tus sueños'},
	emotions: {eyebrow: 'Tu top de emociones', title: 'Lo que más sentiste'},
	inDreams: (count, p) => `${count} ${p === 'one' ? 'sueño' : 'sueños'}`,
	outro: {
		line: 'Nos vemos en',
		tagline: 'Dulces sueños.',
	},
	poster: {
		title: 'mi año en sueños',
		dreams: (p) => (p === 'one' ? 'sueño' : 'sueños'),
		lucid: (p) => (p === 'one' ? 'lúcido' : 'lúcidos'),
		nightmares: (p) => (p === 'one' ? 'pesadilla' : 'pesadillas'),
		streak: (p) => (p === 'one' ? 'noche' : 'noches seguidas'),
		month: 'mes estrella',
		topPerson: 'Persona n.º 1',
		topPlace: 'Lugar n.º 1',
		topEmotion: 'Emoción n.º 1',
	},
	share: {
		title: (name, year) => (name === null ? `Mi ${year} en sueños` : `El ${year} en sueños de ${name}`),
		description: (count, year, p) => `${count} ${p === 'one' ? 'sueño anotado' : 'sueños anotados'} en ${year}, en un video corto.`,
		line: 'Un año de noches en medio minuto.',
		cta: 'Crea tu propio año en sueños',
		noVideo: 'Este navegador no puede reproducir el video aquí.',
		download: 'Descargar el video',
	},
};
