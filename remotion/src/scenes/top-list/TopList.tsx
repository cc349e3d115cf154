import React from 'react';
import {AbsoluteFill} from 'remotion';
import {FitText} from '../../components/FitText';
import {enter, rise, useSceneFrame} from '../../components/anim';
import {Eyebrow, Scene} from '../../components/Scene';
import {Stars} from '../../components/Sky';
import {CONTENT_WIDTH, MARGIN, SANS, type SceneTheme} from '../../theme';
import {motion, type TopListProps} from './scene';

const BAR_MIN = 330;

export interface TopListStyle {
	readonly theme: SceneTheme;
	/** Colour of the bars and of the count written on them. */
	readonly bar: string;
	readonly barText: string;
	readonly decor: 'stars' | 'circles' | 'rings';
}

/** One to three ranked names with bars scaled to their counts (the top one is full width). */
export const TopList: React.FC<TopListProps & {readonly look: TopListStyle}> = ({eyebrow, title, items, look}) => {
	const frame = useSceneFrame();
	const {theme} = look;
	return (
		<Scene bg={theme.bg} color={theme.fg}>
			{look.decor === 'stars' ? <Stars opacity={0.6} /> : null}
			{look.decor === 'circles' ? (
				<>
					<div style={{position: 'absolute', width: 640, height: 640, borderRadius: '50%', backgroundColor: theme.soft, right: -260, top: -200}} />
					<div style={{position: 'absolute', width: 220, height: 220, borderRadius: '50%', backgroundColor: theme.soft, left: -60, bottom: 160}} />
				</>
			) : null}
			{look.decor === 'rings' ? (
				<>
					<div style={{position: 'absolute', width: 700, height: 700, borderRadius: '50%', border: `60px solid ${theme.soft}`, left: -300, top: -260}} />
					<div style={{position: 'absolute', width: 420, height: 420, borderRadius: '50%', border: `40px solid ${theme.soft}`, right: -160, bottom: -60}} />
				</>
			) : null}
			<AbsoluteFill style={{padding: `330px ${MARGIN}px 0`}}>
				<Eyebrow style={{color: theme.accent, ...rise(frame, motion.eyebrow)}}>{eyebrow}</Eyebrow>
				<div style={{marginTop: 18, ...rise(frame, motion.title)}}>
					<FitText text={title} maxWidth={CONTENT_WIDTH} max={104} min={64} lines={2} weight={900} family={SANS} letterSpacing={-0.02} style={{lineHeight: 1.02}} />
				</div>
			</AbsoluteFill>
			<div style={{position: 'absolute', left: MARGIN, right: MARGIN, top: 660, bottom: 240, display: 'flex', flexDirection: 'column', justifyContent: 'center', gap: 70}}>
					{items.map((item, i) => {
						const anims = motion.rows[i];
						const grow = enter(frame, anims.bar);
						const full = BAR_MIN + item.share * (CONTENT_WIDTH - BAR_MIN);
						return (
							<div key={item.rank}>
								<div style={{display: 'flex', alignItems: 'center', gap: 26, ...rise(frame, anims.name, 40)}}>
									<div style={{fontSize: 80, fontWeight: 900, lineHeight: 1, color: theme.accent, minWidth: 54}}>{item.rank}</div>
									<FitText text={item.name} maxWidth={CONTENT_WIDTH - 80} max={92} min={50} lines={2} weight={800} family={SANS} letterSpacing={-0.01} style={{lineHeight: 1.1}} />
								</div>
								<div
									style={{
										marginTop: 14,
										height: 96,
										width: grow >= 1 ? full : Math.max(96, full * grow),
										borderRadius: 48,
										backgroundColor: look.bar,
										color: look.barText,
										display: 'flex',
										alignItems: 'center',
										justifyContent: 'flex-end',
										padding: '0 34px',
										fontSize: 40,
										fontWeight: 700,
										whiteSpace: 'nowrap',
										overflow: 'hidden',
									}}
								>
									<span style={{opacity: enter(frame, anims.count)}}>{item.countText}</span>
								</div>
							</div>
						);
					})}
			</div>
		</Scene>
	);
};
