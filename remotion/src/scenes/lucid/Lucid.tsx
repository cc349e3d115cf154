import React from 'react';
import {AbsoluteFill} from 'remotion';
import {FitText} from '../../components/FitText';
import {enter, popIn, rise, useSceneFrame} from '../../components/anim';
import {Scene} from '../../components/Scene';
import {Stars} from '../../components/Sky';
import {CONTENT_WIDTH, MARGIN, SERIF, THEMES} from '../../theme';
import {motion, type BlockMotion, type LucidProps, type StatBlock} from './scene';

const lucidTheme = THEMES.lucid;
const nightTheme = THEMES.nightmares;

const Block: React.FC<{readonly stat: StatBlock; readonly accent: string; readonly anims: BlockMotion}> = ({stat, accent, anims}) => {
	const frame = useSceneFrame();
	return (
		<AbsoluteFill style={{padding: `0 ${MARGIN}px`, justifyContent: 'center'}}>
			<div style={{display: 'flex', alignItems: 'baseline', gap: 28}}>
				<div style={{fontSize: 300, fontWeight: 900, lineHeight: 1, letterSpacing: '-0.04em', color: accent, transformOrigin: 'left bottom', ...popIn(frame, anims.value)}}>
					{stat.valueText}
				</div>
			</div>
			<div style={rise(frame, anims.label)}>
				<FitText text={stat.label} maxWidth={CONTENT_WIDTH} max={120} min={70} weight={400} italic family={SERIF} style={{lineHeight: 1}} />
			</div>
			<div style={{fontSize: 46, fontWeight: 700, marginTop: 28, maxWidth: CONTENT_WIDTH, lineHeight: 1.2, ...rise(frame, anims.caption)}}>{stat.caption}</div>
		</AbsoluteFill>
	);
};

/** Lucid dreams (top half) and nightmares (bottom half), each with its own wording for zero. */
export const Lucid: React.FC<LucidProps> = ({lucid, nightmares}) => {
	const frame = useSceneFrame();
	const slide = enter(frame, motion.slide);
	return (
		<Scene bg={lucidTheme.bg} color={lucidTheme.fg}>
			<div style={{position: 'absolute', width: 420, height: 420, borderRadius: '50%', backgroundColor: lucidTheme.soft, right: -120, top: 90}} />
			<div style={{position: 'absolute', width: 140, height: 140, borderRadius: '50%', backgroundColor: lucidTheme.soft, right: 300, top: 560}} />
			<div style={{position: 'absolute', left: 0, right: 0, top: 60, height: 900}}>
				<Block stat={lucid} accent={lucidTheme.accent} anims={motion.lucid} />
			</div>
			<div
				style={{
					position: 'absolute',
					left: 0,
					right: 0,
					top: 960,
					height: 960,
					backgroundColor: nightTheme.bg,
					color: nightTheme.fg,
					overflow: 'hidden',
					borderTopLeftRadius: 64,
					borderTopRightRadius: 64,
					transform: slide >= 1 ? undefined : `translateY(${(1 - slide) * 960}px)`,
				}}
			>
				<Stars opacity={0.7} />
				<AbsoluteFill style={{top: -40}}>
					<Block stat={nightmares} accent={nightTheme.accent} anims={motion.nightmares} />
				</AbsoluteFill>
			</div>
		</Scene>
	);
};
