/** Lucid dreams (top half) and nightmares (bottom half), each with its own wording for zero. */
import type {SceneDefinition} from '../scene';
import {anim, sceneTiming} from '../../timing';

export interface StatBlock {
	readonly valueText: string;
	readonly label: string;
	readonly caption: string;
}

export interface LucidProps {
	readonly lucid: StatBlock;
	readonly nightmares: StatBlock;
}

/** The entrance of one StatBlock (the number, its label, its caption) from design frame `start`. */
const block = (start: number) => ({value: anim(start, 20), label: anim(start + 6, 18), caption: anim(start + 10, 18)});

/** Every animation of Lucid.tsx, in design frames. */
export const motion = {
	lucid: block(6),
	/** The nightmares half slides up. */
	slide: anim(10, 24),
	nightmares: block(20),
};

export type BlockMotion = ReturnType<typeof block>;

export const lucid: SceneDefinition<'lucid', LucidProps> = {
	name: 'lucid',
	timing: sceneTiming({duration: 120}, motion),
	props: ({payload, t, f}) => {
		const d = payload.dreams;
		return {
			lucid: {
				valueText: f.number(d.lucid),
				label: t.lucid.label(f.plural(d.lucid)),
				caption: d.lucid === 0 ? t.lucid.captionZero : t.lucid.caption,
			},
			nightmares: {
				valueText: f.number(d.nightmares),
				label: t.nightmares.label(f.plural(d.nightmares)),
				caption: d.nightmares === 0 ? t.nightmares.captionZero : t.nightmares.caption,
			},
		};
	},
};
