/**
 * Animation helpers: pure functions of the frame that reach their final value exactly at
 * `start + duration` and stay there, so every scene has true holds after its settle frame.
 */
import type React from 'react';
import {Easing, interpolate, useCurrentFrame} from 'remotion';
import {ANIMATION_SPEED} from '../timing';

/** The scene's frame in design frames (see ANIMATION_SPEED in timing.ts): what animations are timed in. */
export const useSceneFrame = (): number => useCurrentFrame() * ANIMATION_SPEED;

const OUT = Easing.bezier(0.16, 1, 0.3, 1);
const POP = Easing.out(Easing.back(1.7));

/** 0 -> 1 with a smooth ease-out, clamped. */
export const enter = (frame: number, start: number, duration: number): number =>
	interpolate(frame, [start, start + duration], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp', easing: OUT});

/** 0 -> 1 with a little overshoot, clamped (a flat, cheap stand-in for a spring). */
export const pop = (frame: number, start: number, duration: number): number =>
	interpolate(frame, [start, start + duration], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp', easing: POP});

/** Fade + rise: the standard entrance of a line of text. */
export const rise = (frame: number, start: number, duration = 18, distance = 60): React.CSSProperties => {
	const t = enter(frame, start, duration);
	return t >= 1 ? {} : {opacity: t, transform: `translateY(${(1 - t) * distance}px)`};
};

/** Scale pop from 0.6 with overshoot. */
export const popIn = (frame: number, start: number, duration = 20, from = 0.6): React.CSSProperties => {
	const t = pop(frame, start, duration);
	const opacity = Math.min(1, enter(frame, start, Math.max(1, duration / 2)));
	return t >= 1 ? {} : {opacity, transform: `scale(${from + (1 - from) * t})`};
};
