import React from 'react';
import {FitText} from '../../components/FitText';
import {popIn, rise, useSceneFrame} from '../../components/anim';
import {Eyebrow, Scene} from '../../components/Scene';
import {CONTENT_WIDTH, MARGIN, SANS, SERIF, THEMES} from '../../theme';
import {motion, type StreakProps} from './scene';

const theme = THEMES.streak;
const PILL = 62;

/** Longest streak of remembered dreams and the busiest month, with a twelve-month strip. */
export const Streak: React.FC<StreakProps> = (p) => {
	const frame = useSceneFrame();
	return (
		<Scene bg={theme.bg} color={theme.fg}>
			<div style={{position: 'absolute', width: 760, height: 760, borderRadius: '50%', backgroundColor: theme.soft, right: -330, top: -250}} />
			<div style={{position: 'absolute', left: MARGIN, right: MARGIN, top: 300}}>
				<Eyebrow style={rise(frame, motion.streakEyebrow)}>{p.streakEyebrow}</Eyebrow>
				<div style={{fontSize: 340, fontWeight: 900, lineHeight: 1, letterSpacing: '-0.04em', marginLeft: -10, transformOrigin: 'left bottom', ...popIn(frame, motion.streakNumber)}}>
					{p.streakText}
				</div>
				<div style={rise(frame, motion.streakUnit)}>
					<FitText text={p.streakUnit} maxWidth={CONTENT_WIDTH} max={120} min={64} italic weight={400} family={SERIF} style={{lineHeight: 1}} />
				</div>
				<div style={{fontSize: 46, fontWeight: 700, marginTop: 16, ...rise(frame, motion.streakCaption)}}>{p.streakCaption}</div>
			</div>
			<div style={{position: 'absolute', left: MARGIN, right: MARGIN, top: 1150, display: 'flex', justifyContent: 'space-between', ...rise(frame, motion.monthStrip)}}>
				{p.monthInitials.map((initial, i) => {
					const on = i === p.monthIndex;
					return (
						<div
							key={i}
							style={{
								width: PILL,
								height: PILL,
								borderRadius: '50%',
								display: 'flex',
								alignItems: 'center',
								justifyContent: 'center',
								fontSize: 28,
								fontWeight: 900,
								backgroundColor: on ? theme.fg : 'transparent',
								color: on ? theme.accent : theme.fg,
								border: on ? 'none' : `3px solid ${theme.fg}`,
								opacity: on ? 1 : 0.35,
								...(on ? popIn(frame, motion.monthDot, 0.2) : {}),
							}}
						>
							{initial}
						</div>
					);
				})}
			</div>
			<div style={{position: 'absolute', left: MARGIN, right: MARGIN, top: 1300}}>
				<Eyebrow style={rise(frame, motion.monthEyebrow)}>{p.monthEyebrow}</Eyebrow>
				<div style={rise(frame, motion.monthName)}>
					<FitText text={p.monthName} maxWidth={CONTENT_WIDTH} max={200} min={90} weight={900} family={SANS} letterSpacing={-0.03} style={{lineHeight: 1.1}} />
				</div>
				<div style={{fontSize: 46, fontWeight: 700, ...rise(frame, motion.monthCaption)}}>{p.monthCaption}</div>
			</div>
		</Scene>
	);
};
