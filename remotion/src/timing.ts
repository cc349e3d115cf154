/**
 * Durations and settle points of every scene, in frames at FPS. The one place that says how long
 * each scene lasts and from which local frame its picture no longer changes ("settle"): the scene
 * components time their animations against these numbers and never animate after `settle`.
 * tests/test_video_render.py renders the settle frame and the last frame of each scene and checks
 * they are identical, so a held range can be rendered once and repeated.
 */
export const FPS = 30;
export const WIDTH = 1080;
export const HEIGHT = 1920;

export type SceneName = 'intro' | 'total' | 'lucid' | 'streak' | 'persons' | 'places' | 'emotions' | 'outro';

/**
 * Scene animations (entrances, count-ups, bars) are written in "design frames" and play
 * ANIMATION_SPEED design frames per video frame (components read their frame through
 * useSceneFrame()): every scene's entrance is over in 0.7-1.2 s and the rest of the scene is a still
 * picture to read. Still frames are what makes a video cheap to render (each moving frame is a
 * browser screenshot, a still range is captured once: BENCHMARKS.md).
 */
export const ANIMATION_SPEED = 2;

/** Last design frame on which each scene's animations move (the sum of their start + duration). */
const DESIGN_SETTLE: Readonly<Record<SceneName, number>> = {
	intro: 44, // the tail line: rise(26, 18)
	total: 72, // the top-percent badge: popIn(54, 18)
	lucid: 48, // the nightmares caption: rise(20 + 10, 18)
	streak: 50, // the month dots popIn(30, 20) and the month caption rise(32, 18)
	persons: 56, // TopList: the third bar, enter(14 + 2 * 8 + 4, 22)
	places: 56,
	emotions: 56,
	outro: 44, // the tagline: rise(26, 18)
};

const DURATION: Readonly<Record<SceneName, number>> = {
	intro: 120,
	total: 150,
	lucid: 120,
	streak: 120,
	persons: 120,
	places: 120,
	emotions: 120,
	outro: 120,
};

/** Frames of the colour reveal that opens every scene except the intro (video frames, not design). */
export const REVEAL_FRAMES = 14;

export const SCENE_TIMING: Readonly<Record<SceneName, {readonly duration: number; readonly settle: number}>> = Object.fromEntries(
	(Object.keys(DURATION) as SceneName[]).map((name) => [
		name,
		{duration: DURATION[name], settle: Math.max(REVEAL_FRAMES, Math.ceil(DESIGN_SETTLE[name] / ANIMATION_SPEED))},
	]),
) as Record<SceneName, {readonly duration: number; readonly settle: number}>;
