import React, {useMemo} from 'react';
import {AbsoluteFill, interpolate} from 'remotion';
import {FitText} from '../../components/FitText';
import {enter, popIn, rise, useSceneFrame} from '../../components/anim';
import {Eyebrow, Scene} from '../../components/Scene';
import {fitFontSize} from '../../components/fit';
import {CONTENT_WIDTH, INK, MARGIN, SANS, SERIF, THEMES} from '../../theme';
import {motion, type TotalProps} from './scene';

const theme = THEMES.total;

/** The count-up of dreams, the comparison with the average and the top-percent badge. */
export const Total: React.FC<TotalProps> = ({eyebrow, total, intl, totalText, unit, comparison, footnote, badge}) => {
	const frame = useSceneFrame();
	const numbers = useMemo(() => new Intl.NumberFormat(intl, {maximumFractionDigits: 0}), [intl]);
	const size = useMemo(() => fitFontSize(totalText, {maxWidth: CONTENT_WIDTH, max: 420, min: 120, weight: 900, family: SANS, letterSpacing: -0.04}), [totalText]);
	const t = enter(frame, motion.count);
	const shown = t >= 1 ? totalText : numbers.format(Math.round(interpolate(t, [0, 1], [0, total])));
	return (
		<Scene bg={theme.bg} color={theme.fg}>
			<div style={{position: 'absolute', width: 900, height: 900, borderRadius: '50%', backgroundColor: theme.soft, left: -420, bottom: -380}} />
			<div style={{position: 'absolute', width: 300, height: 300, borderRadius: '50%', border: `4px solid ${theme.soft}`, right: -90, top: 520}} />
			{badge ? (
				<div
					style={{
						position: 'absolute',
						top: 150,
						right: 90,
						width: 270,
						height: 270,
						borderRadius: '50%',
						backgroundColor: theme.accent,
						color: INK,
						display: 'flex',
						alignItems: 'center',
						justifyContent: 'center',
						textAlign: 'center',
						padding: 34,
						fontSize: 44,
						fontWeight: 900,
						lineHeight: 1.05,
						...popIn(frame, motion.badge, 0.3),
						rotate: '-12deg',
					}}
				>
					{badge}
				</div>
			) : null}
			<AbsoluteFill style={{padding: `470px ${MARGIN}px 0`}}>
				<Eyebrow style={{opacity: 0.85, ...rise(frame, motion.eyebrow)}}>{eyebrow}</Eyebrow>
				<div
					style={{
						fontSize: size,
						fontWeight: 900,
						lineHeight: 1,
						letterSpacing: '-0.04em',
						fontVariantNumeric: 'tabular-nums',
						color: theme.accent,
						marginTop: 20,
						marginLeft: -10,
						whiteSpace: 'nowrap',
						...rise(frame, motion.number, 40),
					}}
				>
					{shown}
				</div>
				<div style={{fontFamily: SERIF, fontStyle: 'italic', fontSize: 150, lineHeight: 1, marginTop: -10, ...rise(frame, motion.unit)}}>{unit}</div>
				<div
					style={{
						marginTop: 70,
						backgroundColor: INK,
						borderRadius: 48,
						padding: '52px 56px',
						...rise(frame, motion.card, 80),
					}}
				>
					<FitText text={comparison} maxWidth={CONTENT_WIDTH - 112} max={54} min={40} lines={3} weight={700} family={SANS} style={{lineHeight: 1.18}} />
					<div style={{fontSize: 36, fontWeight: 500, marginTop: 24, opacity: 0.7}}>{footnote}</div>
				</div>
			</AbsoluteFill>
		</Scene>
	);
};
