/**
 * The three ranked-list scenes (persons, places, emotions): one to three names with bars scaled to
 * their counts. Each has its own folder with its look; this is what they share.
 */
import type {SceneDefinition} from '../scene';
import {cleanName} from '../scene';
import {anim, sceneTiming} from '../../timing';

export type TopKind = 'persons' | 'places' | 'emotions';

export interface TopItem {
	readonly rank: number;
	readonly name: string;
	readonly countText: string;
	/** count / the top count, in (0, 1]. */
	readonly share: number;
}

export interface TopListProps {
	readonly kind: TopKind;
	readonly eyebrow: string;
	readonly title: string;
	readonly items: readonly TopItem[];
}

/** A payload's top lists hold at most three entries (payload/schema.ts: top3Schema). */
const MAX_ITEMS = 3;

/** The entrance of row i: its rank and name, its bar growing, the count written on the bar. */
const row = (i: number) => {
	const start = 14 + i * 8;
	return {name: anim(start, 16), bar: anim(start + 4, 22), count: anim(start + 12, 10)};
};

/** Every animation of TopList.tsx, in design frames. */
export const motion = {
	eyebrow: anim(6, 18),
	title: anim(9, 18),
	rows: Array.from({length: MAX_ITEMS}, (_, i) => row(i)),
};

export const topListScene = <Kind extends TopKind>(kind: Kind): SceneDefinition<Kind, TopListProps> => ({
	name: kind,
	timing: sceneTiming({duration: 120}, motion),
	// Scenes without data are skipped rather than shown empty.
	props: ({payload, t, f}) => {
		const list = payload[kind];
		if (list.length === 0) {
			return null;
		}
		const max = Math.max(1, ...list.map(([, count]) => count));
		return {
			kind,
			eyebrow: t[kind].eyebrow,
			title: t[kind].title,
			items: list.map(([itemName, count], i) => ({
				rank: i + 1,
				name: cleanName(itemName) ?? '—',
				countText: t.inDreams(f.number(count), f.plural(count)),
				share: Math.min(1, count / max),
			})),
		};
	},
});
