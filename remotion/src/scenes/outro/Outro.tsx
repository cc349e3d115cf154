import React from 'react';
import {AbsoluteFill} from 'remotion';
import {popIn, rise, useSceneFrame} from '../../components/anim';
import {Scene, Signature} from '../../components/Scene';
import {Moon, Stars} from '../../components/Sky';
import type {OutroProps} from '../../plan';
import {SERIF, THEMES} from '../../theme';

const theme = THEMES.outro;

/** "See you in <year + 1>": depends only on the language and the year, so it can be shared. */
export const Outro: React.FC<OutroProps> = ({line, year, tagline, appName}) => {
	const frame = useSceneFrame();
	return (
		<Scene bg={theme.bg} color={theme.fg}>
			<Stars />
			<AbsoluteFill style={{alignItems: 'center', justifyContent: 'center', textAlign: 'center'}}>
				<div style={{position: 'relative', width: 300, height: 300, marginBottom: 90, ...popIn(frame, 4, 24, 0.4)}}>
					<Moon size={300} color={theme.accent} shadow={theme.bg} />
				</div>
				<div style={{fontSize: 72, fontWeight: 700, ...rise(frame, 12)}}>{line}</div>
				<div style={{fontSize: 360, fontWeight: 900, lineHeight: 1, letterSpacing: '-0.05em', color: theme.accent, ...popIn(frame, 16, 20)}}>{year}</div>
				<div style={{fontFamily: SERIF, fontStyle: 'italic', fontSize: 130, marginTop: 10, ...rise(frame, 26)}}>{tagline}</div>
			</AbsoluteFill>
			<Signature text={appName} color={theme.fg} />
		</Scene>
	);
};
