import React from 'react';
import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
import {NIGHT, SANS} from '../theme';
import {REVEAL_FRAMES} from '../timing';

/**
 * The card every scene sits on: its flat colour opens as a growing circle from the night
 * background over REVEAL_FRAMES (the same for every scene, whatever came before, so scenes can be
 * rendered and cached on their own), then stays still.
 */
export const Scene: React.FC<{
	readonly bg: string;
	readonly color: string;
	readonly reveal?: boolean;
	readonly children: React.ReactNode;
}> = ({bg, color, reveal = true, children}) => {
	const frame = useCurrentFrame();
	const opening = reveal && frame < REVEAL_FRAMES;
	const radius = interpolate(frame, [0, REVEAL_FRAMES], [0, 1250], {
		extrapolateRight: 'clamp',
		easing: (t) => 1 - (1 - t) ** 3,
	});
	return (
		<AbsoluteFill style={{backgroundColor: NIGHT}}>
			<AbsoluteFill
				style={{
					backgroundColor: bg,
					color,
					fontFamily: SANS,
					// Italic Latin has its own face; never slant CJK fallback glyphs (ja).
					fontSynthesis: 'weight',
					overflow: 'hidden',
					clipPath: opening ? `circle(${radius}px at 50% 50%)` : undefined,
				}}
			>
				{children}
			</AbsoluteFill>
		</AbsoluteFill>
	);
};

/** Small uppercase label above a headline. */
export const Eyebrow: React.FC<{readonly children: React.ReactNode; readonly style?: React.CSSProperties}> = ({children, style}) => (
	<div style={{fontSize: 40, fontWeight: 700, letterSpacing: '0.14em', textTransform: 'uppercase', ...style}}>{children}</div>
);

/** The app's name at the bottom of a card. */
export const Signature: React.FC<{readonly text: string; readonly color: string}> = ({text, color}) => (
	<div
		style={{
			position: 'absolute',
			bottom: 120,
			left: 0,
			right: 0,
			textAlign: 'center',
			fontSize: 34,
			fontWeight: 700,
			letterSpacing: '0.3em',
			textTransform: 'uppercase',
			color,
			opacity: 0.75,
		}}
	>
		{text}
	</div>
);
