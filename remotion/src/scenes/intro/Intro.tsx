import React from 'react';
import {AbsoluteFill} from 'remotion';
import {FitText} from '../../components/FitText';
import {popIn, rise, useSceneFrame} from '../../components/anim';
import {Scene, Signature} from '../../components/Scene';
import {Moon, Stars} from '../../components/Sky';
import {CONTENT_WIDTH, MARGIN, SANS, SERIF, THEMES} from '../../theme';
import {intro, motion, type IntroProps} from './scene';

const theme = THEMES.intro;

/** "Hey Ana, this was your 2026 in dreams". */
export const Intro: React.FC<IntroProps> = ({greeting, name, nameIsFallback, lead, year, tail, appName}) => {
	const frame = useSceneFrame();
	return (
		<Scene bg={theme.bg} color={theme.fg} reveal={intro.timing.reveal}>
			<Stars />
			<Moon size={230} color={theme.accent} shadow={theme.bg} style={{top: 190, right: 110, ...rise(frame, motion.moon, 80)}} />
			<AbsoluteFill style={{padding: `0 ${MARGIN}px`, justifyContent: 'center'}}>
				<div style={{fontSize: 64, fontWeight: 500, opacity: 0.85, ...rise(frame, motion.greeting)}}>{greeting}</div>
				<div style={rise(frame, motion.name)}>
					<FitText
						text={name}
						maxWidth={CONTENT_WIDTH}
						max={170}
						min={64}
						lines={2}
						weight={900}
						family={SANS}
						letterSpacing={-0.02}
						style={{lineHeight: 1.05, color: nameIsFallback ? theme.accent : theme.fg}}
					/>
				</div>
				<div style={{fontSize: 64, fontWeight: 500, marginTop: 36, opacity: 0.85, ...rise(frame, motion.lead)}}>{lead}</div>
				<div
					style={{
						fontSize: 340,
						fontWeight: 900,
						lineHeight: 0.95,
						letterSpacing: '-0.05em',
						color: theme.accent,
						transformOrigin: 'left center',
						marginLeft: -12,
						...popIn(frame, motion.year),
					}}
				>
					{year}
				</div>
				<div style={{fontFamily: SERIF, fontStyle: 'italic', fontSize: 160, lineHeight: 1, ...rise(frame, motion.tail)}}>{tail}</div>
			</AbsoluteFill>
			<Signature text={appName} color={theme.fg} />
		</Scene>
	);
};
