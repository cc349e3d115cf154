/**
 * Animation helpers: pure functions of the frame that reach their final value exactly at
 * `start + duration` of their Anim and stay there, so every scene has true holds after its settle
 * frame. They take the Anim objects of the scene's schedule (its scene.ts), from which the settle
 * frame is derived (timing.ts: sceneTiming).
 */
import type React from 'react';
import {Easing, interpolate, useCurrentFrame} from 'remotion';
import {ANIMATION_SPEED, type Anim} from '../timing';

/** The scene's frame in design frames (see ANIMATION_SPEED in timing.ts): what animations are timed in. */
export const useSceneFrame = (): number => useCurrentFrame() * ANIMATION_SPEED;

const OUT = Easing.bezier(0.16, 1, 0.3, 1);
const POP = Easing.out(Easing.back(1.7));

/** 0 -> 1 with a smooth ease-out, clamped. */
export const enter = (frame: number, {start, duration}: Anim): number =>
	interpolate(frame, [start, start + duration], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp', easing: OUT});

/** 0 -> 1 with a little overshoot, clamped (a flat, cheap stand-in for a spring). */
export const pop = (frame: number, {start, duration}: Anim): number =>
	interpolate(frame, [start, start + duration], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp', easing: POP});

/** Fade + rise: the standard entrance of a line of text. */
export const rise = (frame: number, a: Anim, distance = 60): React.CSSProperties => {
	const t = enter(frame, a);
	return t >= 1 ? {} : {opacity: t, transform: `translateY(${(1 - t) * distance}px)`};
};

/** Scale pop from `from` with overshoot; fades in over the first half. */
export const popIn = (frame: number, a: Anim, from = 0.6): React.CSSProperties => {
	const t = pop(frame, a);
	const opacity = Math.min(1, enter(frame, {start: a.start, duration: Math.max(1, a.duration / 2)}));
	return t >= 1 ? {} : {opacity, transform: `scale(${from + (1 - from) * t})`};
};
