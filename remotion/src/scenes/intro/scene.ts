/** The intro: "Hey Ana, this was your 2026 in dreams". */
import type {SceneDefinition} from '../scene';
import {anim, sceneTiming} from '../../timing';

export interface IntroProps {
	readonly greeting: string;
	readonly name: string;
	readonly nameIsFallback: boolean;
	readonly lead: string;
	readonly year: string;
	readonly tail: string;
	readonly appName: string;
}

/** Every animation of Intro.tsx, in design frames. */
export const motion = {
	moon: anim(0, 30),
	greeting: anim(4, 18),
	name: anim(8, 18),
	lead: anim(14, 18),
	year: anim(18, 20),
	tail: anim(26, 18),
};

export const intro: SceneDefinition<'intro', IntroProps> = {
	name: 'intro',
	// The first scene opens on its own picture, without the colour reveal.
	timing: sceneTiming({duration: 120, reveal: false}, motion),
	props: ({payload, t, f, name}) => ({
		greeting: t.intro.greeting,
		name: name ?? t.intro.fallbackName,
		nameIsFallback: name === null,
		lead: t.intro.lead,
		year: f.year(payload.year),
		tail: t.intro.tail,
		appName: t.appName,
	}),
};
