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

export const SCENE_TIMING: Readonly<Record<SceneName, {readonly duration: number; readonly settle: number}>> = {
	intro: {duration: 120, settle: 50},
	total: {duration: 150, settle: 72},
	lucid: {duration: 120, settle: 48},
	streak: {duration: 120, settle: 52},
	persons: {duration: 120, settle: 56},
	places: {duration: 120, settle: 56},
	emotions: {duration: 120, settle: 56},
	outro: {duration: 120, settle: 50},
};

/** Frames of the colour reveal that opens every scene except the intro. */
export const REVEAL_FRAMES = 14;
