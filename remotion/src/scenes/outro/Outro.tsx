import React from 'react';
import {AbsoluteFill} from 'remotion';
import {popIn, rise, useSceneFrame} from '../../components/anim';
import {Scene, Signature} from '../../components/Scene';
import {Moon, Stars} from '../../components/Sky';
import {SERIF, THEMES} from '../../theme';
import {motion, type OutroProps} from './scene';

const theme = THEMES.outro;

/** "See you in <year + 1>": depends only on the language and the year, so it can be shared. */
export const Outro: React.FC<OutroProps> = ({line, year, tagline, appName}) => {
	const frame = useSceneFrame();
	return (
		<Scene bg={theme.bg} color={theme.fg}>
			<Stars />
			<AbsoluteFill style={{alignItems: 'center', justifyContent: 'center', textAlign: 'center'}}>
				<div style={{position: 'relative', width: 300, height: 300, marginBottom: 90, ...popIn(frame, motion.moon, 0.4)}}>
					<Moon size={300} color={theme.accent} shadow={theme.bg} />
				</div>
				<div style={{fontSize: 72, fontWeight: 700, ...rise(frame, motion.line)}}>{line}</div>
				<div style={{fontSize: 360, fontWeight: 900, lineHeight: 1, letterSpacing: '-0.05em', color: theme.accent, ...popIn(frame, motion.year)}}>{year}</div>
				<div style={{fontFamily: SERIF, fontStyle: 'italic', fontSize: 130, marginTop: 10, ...rise(frame, motion.tagline)}}>{tagline}</div>
			</AbsoluteFill>
			<Signature text={appName} color={theme.fg} />
		</Scene>
	);
};
