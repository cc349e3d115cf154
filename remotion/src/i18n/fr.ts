import type {Strings} from './types';

export const fr: Strings = {
	lang: 'fr',
	appName: 'Dream Recap',
	intro: {
		greeting: 'Salut',
		fallbackName: 'toi',
		lead: 'voici ton année',
		tail: 'en rêves',
	},
	total: {
		eyebrow: 'Cette année, tu as noté',
		unit: (p) => (p === 'one' ? 'rêve' : 'rêves'),
		more: (diff) => `Soit ${diff} de plus que la moyenne des rêveurs.`,
		fewer: (diff) => `Soit ${diff} de moins que la moyenne des rêveurs.`,
		equal: 'Pile dans la moyenne des rêveurs. Parfaitement équilibré.',
		average: (average) => `Moyenne des rêveurs : ${average}`,
		badge: (percent) => `Top ${percent} des rêveurs`,
		previousYear: (count, year, p) => `${count} ${p === 'one' ? 'rêve' : 'rêves'} en ${year}`,
	},
	lucid: {
		label: (p) => (p === 'one' ? 'rêve lucide' : 'rêves lucides'),
		caption: 'Tu savais que tu rêvais.',
		captionZero: 'L’an prochain, prends les commandes.',
	},
	nightmares: {
		label: (p) => (p === 'one' ? 'cauchemar' : 'cauchemars'),
		caption: 'Tu as survécu à chacun d’eux.',
		captionZero: 'Pas un seul. De beaux rêves, vraiment.',
	},
	streak: {
		eyebrow: 'Ta plus longue série',
		unit: (p) => (p === 'one' ? 'nuit' : 'nuits d’affilée'),
		caption: 'de rêves notés',
	},
	month: {
		eyebrow: 'Ton mois record',
		caption: 'ton mois le plus rêveur',
	},
	persons: {eyebrow: 'Ton top personnes', title: 'Qui a peuplé tes rêves'},
	places: {eyebrow: 'Ton top lieux', title: 'Les décors de tes rêves'},
	emotions: {eyebrow: 'Ton top émotions', title: 'Ce que tu as le plus ressenti'},
	inDreams: (count, p) => `${count} ${p === 'one' ? 'rêve' : 'rêves'}`,
	outro: {
		line: 'Rendez-vous en',
		tagline: 'Fais de beaux rêves.',
	},
	poster: {
		title: 'mon année en rêves',
		dreams: (p) => (p === 'one' ? 'rêve' : 'rêves'),
		// Intl.PluralRules('fr') puts 0 (and 1) in "one": "0 lucide", "0 cauchemar".
		lucid: (p) => (p === 'one' ? 'lucide' : 'lucides'),
		nightmares: (p) => (p === 'one' ? 'cauchemar' : 'cauchemars'),
		streak: (p) => (p === 'one' ? 'nuit d’affilée' : 'nuits d’affilée'),
		month: 'mois record',
		topPerson: 'Personne n° 1',
		topPlace: 'Lieu n° 1',
		topEmotion: 'Émotion n° 1',
	},
	share: {
		// « de » before a name would need elision (d’Ana): « par » never does.
		title: (name, year) => (name === null ? `Mon année ${year} en rêves` : `${year} en rêves, par ${name}`),
		description: (count, year, p) => `${count} ${p === 'one' ? 'rêve noté' : 'rêves notés'} en ${year}, en une courte vidéo.`,
		line: 'Une année de nuits en une demi-minute.',
		cta: 'Crée ta propre année en rêves',
		noVideo: 'Ce navigateur ne peut pas lire la vidéo ici.',
		download: 'Télécharger la vidéo',
	},
};
