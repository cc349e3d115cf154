/**
 * getTimeline(payload): where each scene sits in the Recap video and which frames are holds.
 *
 * Pure TypeScript, no React: the render worker loads it in Node through the lib build
 * (worker/lib.mjs: an esbuild bundle of src/lib.ts, made with the Remotion bundle).
 *
 * For every scene:
 *   from, durationInFrames  - absolute placement in the Recap composition (frames at 30 fps)
 *   settledAt               - absolute frame from which the picture stops changing: every frame in
 *                             [settledAt, from + durationInFrames - 1] is identical, so that range
 *                             can be rendered once and held
 *   cacheKey                - a string that fully determines the scene's pixels: two videos (of
 *                             any users) whose scenes have equal cacheKeys have identical frames
 *                             for that scene (e.g. the outro of every French user of 2026)
 */
import type {RecapPayload} from './payload/schema';
import {buildStoryboard, sceneTimingOf, type SceneName, type StoryScene, type Storyboard} from './storyboard';
import {FPS, HEIGHT, WIDTH} from './timing';

export interface TimelineScene {
	readonly name: SceneName;
	readonly from: number;
	readonly durationInFrames: number;
	readonly settledAt: number;
	readonly cacheKey: string;
}

export interface Timeline {
	readonly fps: number;
	readonly width: number;
	readonly height: number;
	readonly durationInFrames: number;
	readonly scenes: readonly TimelineScene[];
}

/** JSON with sorted keys, so equal props give equal keys. */
export const stableStringify = (value: unknown): string => {
	if (Array.isArray(value)) {
		return `[${value.map(stableStringify).join(',')}]`;
	}
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
	}
	return JSON.stringify(value);
};

export const sceneCacheKey = (scene: StoryScene): string =>
	stableStringify({scene: scene.name, duration: sceneTimingOf(scene.name).duration, props: scene.props});

export const timelineOf = (storyboard: Storyboard): Timeline => {
	let from = 0;
	const scenes = storyboard.scenes.map((scene): TimelineScene => {
		const {duration, settle} = sceneTimingOf(scene.name);
		const entry = {name: scene.name, from, durationInFrames: duration, settledAt: from + settle, cacheKey: sceneCacheKey(scene)};
		from += duration;
		return entry;
	});
	return {fps: FPS, width: WIDTH, height: HEIGHT, durationInFrames: from, scenes};
};

/** The payload must already be valid (see parsePayload). */
export const getTimeline = (payload: RecapPayload): Timeline => timelineOf(buildStoryboard(payload));
