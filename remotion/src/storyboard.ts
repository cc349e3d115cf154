/**
 * The storyboard: payload -> which scenes play, in which order, with the exact props each one
 * receives, and the poster's props. The scenes themselves (props builder, animation schedule,
 * timing) live in scenes/<name>/scene.ts; this file only orders them.
 * No React here: Node loads this through the lib build (worker/lib.mjs).
 */
import type {RecapPayload} from './payload/schema';
import {emotions} from './scenes/emotions/scene';
import {intro} from './scenes/intro/scene';
import {lucid} from './scenes/lucid/scene';
import {outro} from './scenes/outro/scene';
import {persons} from './scenes/persons/scene';
import {places} from './scenes/places/scene';
import {posterProps, type PosterProps} from './scenes/poster/props';
import {sceneInput, type SceneDefinition} from './scenes/scene';
import {streak} from './scenes/streak/scene';
import {total} from './scenes/total/scene';
import type {SceneTiming} from './timing';

/** The story, in order. A scene whose props builder returns null (no data for it) is skipped. */
export const SCENES = [intro, total, lucid, streak, persons, places, emotions, outro] as const;

type Played<S> = S extends SceneDefinition<infer Name, infer Props> ? {readonly name: Name; readonly props: Props} : never;

/** A scene that plays, with its props: a union over SCENES, so `name` tells the props' type. */
export type StoryScene = Played<(typeof SCENES)[number]>;
export type SceneName = StoryScene['name'];

export interface Storyboard {
	readonly lang: string;
	readonly intl: string;
	readonly scenes: readonly StoryScene[];
	readonly poster: PosterProps;
}

const TIMING = Object.fromEntries(SCENES.map((scene) => [scene.name, scene.timing])) as Record<SceneName, SceneTiming>;

export const sceneTimingOf = (name: SceneName): SceneTiming => TIMING[name];

export const buildStoryboard = (payload: RecapPayload): Storyboard => {
	const input = sceneInput(payload);
	const scenes: StoryScene[] = [];
	for (const scene of SCENES) {
		const props = scene.props(input);
		if (props !== null) {
			// Each definition's name and props belong together; TypeScript cannot follow that
			// through a loop over the union.
			scenes.push({name: scene.name, props} as StoryScene);
		}
	}
	return {lang: input.lang, intl: input.intl, scenes, poster: posterProps(input)};
};
