import React from 'react';
import {AbsoluteFill, random} from 'remotion';

// A static star field, computed once per bundle from a seeded random and drawn as one SVG
// background image: one DOM node, nothing recomputed per frame.
const starsSvg = (() => {
	const dots: string[] = [];
	for (let i = 0; i < 70; i++) {
		const x = Math.round(random(`star-x-${i}`) * 1080);
		const y = Math.round(random(`star-y-${i}`) * 1920);
		const r = (0.8 + random(`star-r-${i}`) * 2.4).toFixed(1);
		const o = (0.25 + random(`star-o-${i}`) * 0.6).toFixed(2);
		dots.push(`<circle cx='${x}' cy='${y}' r='${r}' fill='%23FFF4E0' fill-opacity='${o}'/>`);
	}
	// A few four-point sparkles, kept in the side margins so they never sit on text.
	for (let i = 0; i < 6; i++) {
		const side = i % 2 === 0 ? 18 : 1002;
		const x = Math.round(side + 16 + random(`sp-x-${i}`) * 30);
		const y = Math.round(80 + random(`sp-y-${i}`) * 1760);
		const s = Math.round(10 + random(`sp-s-${i}`) * 14);
		dots.push(
			`<path d='M${x} ${y - s}Q${x} ${y} ${x + s} ${y}Q${x} ${y} ${x} ${y + s}Q${x} ${y} ${x - s} ${y}Q${x} ${y} ${x} ${y - s}Z' fill='%23FFD36B' fill-opacity='0.8'/>`,
		);
	}
	return `url("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='1080' height='1920'>${dots.join('')}</svg>")`;
})();

export const Stars: React.FC<{readonly opacity?: number}> = ({opacity = 1}) => (
	<AbsoluteFill style={{backgroundImage: starsSvg, backgroundSize: '1080px 1920px', opacity}} />
);

/** A flat crescent: a disc and an offset disc of the background colour. */
export const Moon: React.FC<{readonly size: number; readonly color: string; readonly shadow: string; readonly style?: React.CSSProperties}> = ({
	size,
	color,
	shadow,
	style,
}) => (
	<div style={{position: 'absolute', width: size, height: size, ...style}}>
		<div style={{position: 'absolute', inset: 0, borderRadius: '50%', backgroundColor: color}} />
		<div
			style={{
				position: 'absolute',
				width: size * 0.86,
				height: size * 0.86,
				left: size * 0.3,
				top: -size * 0.08,
				borderRadius: '50%',
				backgroundColor: shadow,
			}}
		/>
	</div>
);
