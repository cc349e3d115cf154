import React, {useMemo} from 'react';
import {effectiveLines, fitFontSize, type FitOptions} from './fit';

type Props = FitOptions & {
	readonly text: string;
	readonly style?: React.CSSProperties;
	readonly className?: string;
};

/**
 * A line (or `lines` lines) of text sized to fit its width: shrink from `max` down to `min`, then
 * ellipsis. dir="auto" so right-to-left names lay out correctly. Must render after fonts load.
 */
export const FitText: React.FC<Props> = ({text, style, ...fit}) => {
	const {maxWidth, max, min, weight, family, italic, letterSpacing, lines: wanted} = fit;
	const size = useMemo(
		() => fitFontSize(text, {maxWidth, max, min, weight, family, italic, letterSpacing, lines: wanted}),
		[text, maxWidth, max, min, weight, family, italic, letterSpacing, wanted],
	);
	const lines = effectiveLines(text, fit.lines);
	const clamp: React.CSSProperties =
		lines === 1
			? {whiteSpace: 'nowrap', textOverflow: 'ellipsis'}
			: {display: '-webkit-box', WebkitLineClamp: lines, WebkitBoxOrient: 'vertical', overflowWrap: 'anywhere'};
	return (
		<div
			dir="auto"
			style={{
				fontFamily: fit.family,
				fontWeight: fit.weight,
				fontStyle: fit.italic ? 'italic' : 'normal',
				fontSize: size,
				letterSpacing: fit.letterSpacing ? `${fit.letterSpacing}em` : undefined,
				maxWidth: fit.maxWidth,
				flexShrink: 0,
				// Left-aligned like the rest of the card even for right-to-left text (dir="auto" still
				// orders the characters right to left).
				textAlign: 'left',
				overflow: 'hidden',
				// Room for descenders and accents when clipping.
				paddingBottom: '0.08em',
				...clamp,
				...style,
			}}
		>
			{text}
		</div>
	);
};
