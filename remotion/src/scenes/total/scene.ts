/** Dreams written down this year: the count-up, the comparison with the average, the top-10% badge. */
import type {SceneDefinition, SceneInput} from '../scene';
import {anim, sceneTiming} from '../../timing';

export interface TotalProps {
	readonly eyebrow: string;
	readonly total: number;
	/** Intl locale for the count-up's intermediate numbers. */
	readonly intl: string;
	readonly totalText: string;
	readonly unit: string;
	readonly comparison: string;
	readonly footnote: string;
	readonly badge: string | null;
}

/** Every animation of Total.tsx, in design frames. */
export const motion = {
	eyebrow: anim(8, 18),
	number: anim(10, 14),
	count: anim(12, 40),
	unit: anim(20, 18),
	card: anim(44, 20),
	badge: anim(54, 18),
};

/** "Top 3% of dreamers" for the top 10%, else null (also on the poster). */
export const topPercentBadge = ({payload, t, f}: SceneInput): string | null =>
	payload.dreams.top_percent <= 10 ? t.total.badge(f.percent(payload.dreams.top_percent)) : null;

export const total: SceneDefinition<'total', TotalProps> = {
	name: 'total',
	timing: sceneTiming({duration: 150}, motion),
	props: (input) => {
		const {payload, intl, t, f} = input;
		const d = payload.dreams;
		const comparison =
			d.difference > 0 ? t.total.more(f.number(d.difference)) : d.difference < 0 ? t.total.fewer(f.number(-d.difference)) : t.total.equal;
		const footnotes = [t.total.average(f.number(d.average))];
		if (d.previous_year > 0) {
			footnotes.push(t.total.previousYear(f.number(d.previous_year), f.year(payload.year - 1), f.plural(d.previous_year)));
		}
		return {
			eyebrow: t.total.eyebrow,
			total: d.total,
			intl,
			totalText: f.number(d.total),
			unit: t.total.unit(f.plural(d.total)),
			comparison,
			footnote: footnotes.join('  ·  '),
			badge: topPercentBadge(input),
		};
	},
};
