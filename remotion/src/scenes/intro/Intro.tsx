import React from 'react';
import {AbsoluteFill} from 'remotion';
import {FitText} from '../../components/FitText';
import {popIn, rise, useSceneFrame} from '../../components/anim';
import {Scene, Signature} from '../../components/Scene';
import {Moon, Stars} from '../../components/Sky';
import type {IntroProps} from '../../plan';
import {CONTENT_WIDTH, MARGIN, SANS, SERIF, THEMES} from '../../theme';

const theme = THEMES.intro;

/** "Hey Ana, this was your 2026 in dreams" (settles at SCENE_TIMING.intro.settle). */
export const Intro: React.FC<IntroProps> = ({greeting, name, nameIsFallback, lead, year, tail, appName}) => {
	const frame = useSceneFrame();
	return (
		<Scene bg={theme.bg} color={theme.fg} reveal={false}>
			<Stars />
			<Moon size={230} color={theme.accent} shadow={theme.bg} style={{top: 190, right: 110, ...rise(frame, 0, 30, 80)}} />
			<AbsoluteFill style={{padding: `0 ${MARGIN}px`, justifyContent: 'center'}}>
				<div style={{fontSize: 64, fontWeight: 500, opacity: 0.85, ...rise(frame, 4)}}>{greeting}</div>
				<div style={rise(frame, 8)}>
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
				<div style={{fontSize: 64, fontWeight: 500, marginTop: 36, opacity: 0.85, ...rise(frame, 14)}}>{lead}</div>
				<div
					style={{
						fontSize: 340,
						fontWeight: 900,
						lineHeight: 0.95,
						letterSpacing: '-0.05em',
						color: theme.accent,
						transformOrigin: 'left center',
						marginLeft: -12,
						...popIn(frame, 18, 20),
					}}
				>
					{year}
				</div>
				<div style={{fontFamily: SERIF, fontStyle: 'italic', fontSize: 160, lineHeight: 1, ...rise(frame, 26)}}>{tail}</div>
			</AbsoluteFill>
			<Signature text={appName} color={theme.fg} />
		</Scene>
	);
};
