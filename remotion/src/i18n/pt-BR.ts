import type {Strings} from './types';

/** Brazilian Portuguese; every other Portuguese tag (pt, pt-PT, ...) uses these words too. */
export const ptBR: Strings = {
	lang: 'pt-BR',
	appName: 'Dream Recap',
	intro: {
		greeting: 'Oi',
		fallbackName: 'você',
		lead: 'este foi o seu',
		tail: 'em sonhos',
	},
	total: {
		eyebrow: 'Este ano você anotou',
		unit: (p) => (p === 'one' ? 'sonho' : 'sonhos'),
		more: (diff) => `São ${diff} a mais que a média.`,
		fewer: (diff) => `São ${diff} a menos que a média.`,
		equal: 'Exatamente na média. Perfeitamente equilibrado.',
		average: (average) => `Média: ${average}`,
		badge: (percent) => `Top ${percent} de quem sonha`,
		previousYear: (count, year, p) => `${count} ${p === 'one' ? 'sonho' : 'sonhos'} em ${year}`,
	},
	lucid: {
		label: (p) => (p === 'one' ? 'sonho lúcido' : 'sonhos lúcidos'),
		caption: 'Você sabia que estava sonhando.',
		captionZero: 'No ano que vem, assuma o controle.',
	},
	nightmares: {
		label: (p) => (p === 'one' ? 'pesadelo' : 'pesadelos'),
		caption: 'E você acordou de cada um deles.',
		captionZero: 'Nenhum. Bons sonhos mesmo.',
	},
	streak: {
		eyebrow: 'Sua maior sequência',
		unit: (p) => (p === 'one' ? 'noite' : 'noites seguidas'),
		caption: 'de sonhos lembrados',
	},
	month: {
		eyebrow: 'Seu mês campeão',
		caption: 'foi o seu mês mais sonhador',
	},
	persons: {eyebrow: 'Top pessoas', title: 'Quem apareceu nos seus sonhos'},
	places: {eyebrow: 'Top lugares', title: 'Os lugares dos seus sonhos'},
	emotions: {eyebrow: 'Top emoções', title: 'O que você mais sentiu'},
	inDreams: (count, p) => `${count} ${p === 'one' ? 'sonho' : 'sonhos'}`,
	outro: {
		line: 'A gente se vê em',
		tagline: 'Bons sonhos.',
	},
	poster: {
		title: 'meu ano em sonhos',
		dreams: (p) => (p === 'one' ? 'sonho' : 'sonhos'),
		lucid: (p) => (p === 'one' ? 'lúcido' : 'lúcidos'),
		nightmares: (p) => (p === 'one' ? 'pesadelo' : 'pesadelos'),
		streak: (p) => (p === 'one' ? 'noite' : 'noites seguidas'),
		month: 'mês campeão',
		topPerson: 'Pessoa nº 1',
		topPlace: 'Lugar nº 1',
		topEmotion: 'Emoção nº 1',
	},
	share: {
		title: (name, year) => (name === null ? `Meu ${year} em sonhos` : `O ${year} em sonhos de ${name}`),
		description: (count, year, p) => `${count} ${p === 'one' ? 'sonho anotado' : 'sonhos anotados'} em ${year}, em um vídeo curto.`,
		line: 'Um ano de noites em meio minuto.',
		cta: 'Crie o seu próprio ano em sonhos',
		noVideo: 'Este navegador não consegue reproduzir o vídeo aqui.',
		download: 'Baixar o vídeo',
	},
};
