/**
 * The video's clock and how a scene's timing is derived from its animations.
 *
 * Every scene declares its animations once, as a schedule of `anim(start, duration)` in design
 * frames (its `scene.ts`); its component animates with exactly those objects (components/anim.ts
 * takes an Anim, not loose numbers), and `sceneTiming` derives from the same schedule the local
 * video frame from which the scene's picture no longer changes ("settle"). The sparse renderer
 * captures a scene up to its settle frame and holds that frame to the end of the scene, so the two
 * cannot drift apart. tests/test_video_render.py renders the settle frame and the last frame of each
 * scene and checks they are identical.
 * No React here: Node loads this through the lib build (worker/lib.mjs).
 */
export const FPS = 30;
export const WIDTH = 1080;
export const HEIGHT = 1920;

/**
 * Scene animations (entrances, count-ups, bars) are written in "design frames" and play
 * ANIMATION_SPEED design frames per video frame (components read their frame through
 * useSceneFrame()): every scene's entrance is over in 0.7-1.2 s and the rest of the scene is a still
 * picture to read. Still frames are what makes a video cheap to render (each moving frame is a
 * browser screenshot, a still range is captured once: BENCHMARKS.md).
 */
export const ANIMATION_SPEED = 2;

/** Frames of the colour reveal that opens a scene (components/Scene.tsx; video frames, not design). */
export const REVEAL_FRAMES = 14;

/** One animation: it moves on design frames [start, start + duration] and is still after. */
export interface Anim {
	readonly start: number;
	readonly duration: number;
}

export const anim = (start: number, duration: number): Anim => ({start, duration});

/** A scene's animations: an Anim, or lists and records of them (nested as the component needs). */
export type Schedule = Anim | readonly Schedule[] | {readonly [part: string]: Schedule};

const isAnim = (value: Schedule): value is Anim =>
	typeof (value as Anim).start === 'number' && typeof (value as Anim).duration === 'number';

/** The last design frame on which anything in the schedule moves. */
export const scheduleEnd = (schedule: Schedule): number => {
	if (isAnim(schedule)) {
		return schedule.start + schedule.duration;
	}
	const parts: readonly Schedule[] = Array.isArray(schedule) ? schedule : Object.values(schedule);
	return Math.max(0, ...parts.map(scheduleEnd));
};

export interface SceneTiming {
	/** Length of the scene in video frames. */
	readonly duration: number;
	/** Local video frame from which the picture no longer changes (every later frame equals it). */
	readonly settle: number;
	/** Whether the scene opens with the colour reveal (REVEAL_FRAMES). */
	readonly reveal: boolean;
}

/** A scene's timing: its length, and its settle frame derived from its animation schedule. */
export const sceneTiming = ({duration, reveal = true}: {readonly duration: number; readonly reveal?: boolean}, schedule: Schedule): SceneTiming => ({
	duration,
	settle: Math.max(reveal ? REVEAL_FRAMES : 0, Math.ceil(scheduleEnd(schedule) / ANIMATION_SPEED)),
	reveal,
});
