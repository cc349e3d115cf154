/** "See you in <year + 1>": depends only on the language and the year, so users share it. */
import type {SceneDefinition} from '../scene';
import {anim, sceneTiming} from '../../timing';

export interface OutroProps {
	readonly line: string;
	readonly year: string;
	readonly tagline: string;
	readonly appName: string;
}

/** Every animation of Outro.tsx, in design frames. */
export const motion = {
	moon: anim(4, 24),
	line: anim(12, 18),
	year: anim(16, 20),
	tagline: anim(26, 18),
};

export const outro: SceneDefinition<'outro', OutroProps> = {
	name: 'outro',
	timing: sceneTiming({duration: 120}, motion),
	props: ({payload, t, f}) => ({
		line: t.outro.line,
		year: f.year(payload.year + 1),
		tagline: t.outro.tagline,
		appName: t.appName,
	}),
};
