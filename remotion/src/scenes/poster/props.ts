/** The share card's props: one still summarising the year (Poster.tsx). Not a scene of the video. */
import type {Top3} from '../../payload/schema';
import {cleanName, type SceneInput} from '../scene';
import {topPercentBadge} from '../total/scene';

export interface PosterStat {
	readonly value: string;
	readonly label: string;
}

export interface PosterProps {
	readonly appName: string;
	readonly name: string | null;
	readonly title: string;
	readonly year: string;
	readonly totalText: string;
	readonly totalUnit: string;
	readonly badge: string | null;
	readonly stats: readonly PosterStat[];
	readonly tops: readonly {readonly label: string; readonly name: string}[];
}

export const posterProps = (input: SceneInput): PosterProps => {
	const {payload, t, f, name} = input;
	const d = payload.dreams;
	const tops: {label: string; name: string}[] = [];
	const firstOf = (list: Top3) => (list.length > 0 ? (cleanName(list[0][0]) ?? '—') : null);
	for (const [label, list] of [
		[t.poster.topPerson, payload.persons],
		[t.poster.topPlace, payload.places],
		[t.poster.topEmotion, payload.emotions],
	] as const) {
		const first = firstOf(list);
		if (first !== null) {
			tops.push({label, name: first});
		}
	}
	return {
		appName: t.appName,
		name,
		title: t.poster.title,
		year: f.year(payload.year),
		totalText: f.number(d.total),
		totalUnit: t.poster.dreams(f.plural(d.total)),
		badge: topPercentBadge(input),
		stats: [
			{value: f.number(d.lucid), label: t.poster.lucid(f.plural(d.lucid))},
			{value: f.number(d.nightmares), label: t.poster.nightmares(f.plural(d.nightmares))},
			{value: f.number(d.longest_streak), label: t.poster.streak(f.plural(d.longest_streak))},
			{value: f.month(d.busiest_month), label: t.poster.month},
		],
		tops,
	};
};
