import React, {useMemo} from 'react';
import {AbsoluteFill} from 'remotion';
import {FitText} from '../../components/FitText';
import {fitFontSize, measureWidth} from '../../components/fit';
import {Eyebrow} from '../../components/Scene';
import {Moon, Stars} from '../../components/Sky';
import {allTexts} from '../../components/texts';
import {useFontsReady} from '../../fonts';
import type {RecapPayload} from '../../payload/schema';
import {sceneInput} from '../scene';
import {CONTENT_WIDTH, CREAM, INK, MARGIN, MOON, NIGHT, SANS, SERIF, THEMES} from '../../theme';
import {posterProps, type PosterProps} from './props';

const TILES = [
	{bg: THEMES.lucid.bg, fg: INK},
	{bg: THEMES.nightmares.accent, fg: INK},
	{bg: THEMES.streak.bg, fg: INK},
	{bg: THEMES.persons.bg, fg: INK},
];
const GAP = 24;
const TILE_W = (CONTENT_WIDTH - GAP) / 2;

const CARD_INNER = CONTENT_WIDTH - 104;
const UNIT_SIZE = 110;

const PosterCard: React.FC<PosterProps> = (p) => {
	const unitWidth = measureWidth(p.totalUnit, {size: UNIT_SIZE, weight: 400, family: SERIF, italic: true});
	// The number and its unit share a line when the number can stay big; else the unit goes below.
	const numberRoom = CARD_INNER - 24 - unitWidth;
	const sameLine = numberRoom >= 380 || fitFontSize(p.totalText, {maxWidth: numberRoom, max: 250, min: 120, weight: 900, family: SANS, letterSpacing: -0.04}) >= 200;
	return (
		<AbsoluteFill style={{backgroundColor: NIGHT, color: CREAM, fontFamily: SANS, fontSynthesis: 'weight'}}>
			<Stars />
			<Moon size={190} color={MOON} shadow={NIGHT} style={{top: 110, right: 100}} />
			<AbsoluteFill style={{padding: `120px ${MARGIN}px 100px`, justifyContent: 'center'}}>
				<Eyebrow style={{color: MOON, letterSpacing: '0.3em', position: 'absolute', top: 150, left: MARGIN}}>{p.appName}</Eyebrow>
				<div style={{marginTop: 120}}>
					{p.name ? (
						<FitText text={p.name} maxWidth={CONTENT_WIDTH - 160} max={120} min={52} lines={2} weight={900} family={SANS} letterSpacing={-0.02} style={{lineHeight: 1.05}} />
					) : null}
				</div>
				<div style={{display: 'flex', alignItems: 'baseline', gap: 26, marginTop: 6}}>
					<div style={{fontSize: 150, fontWeight: 900, lineHeight: 1, letterSpacing: '-0.05em', color: MOON}}>{p.year}</div>
					<FitText text={p.title} maxWidth={CONTENT_WIDTH - 400} max={86} min={48} lines={2} weight={400} italic family={SERIF} style={{lineHeight: 0.95}} />
				</div>
				<div
					style={{
						marginTop: 44,
						backgroundColor: THEMES.total.bg,
						borderRadius: 48,
						padding: '34px 52px 40px',
						position: 'relative',
					}}
				>
					<div style={{display: 'flex', alignItems: 'baseline', gap: 24, flexDirection: sameLine ? 'row' : 'column'}}>
						<FitText text={p.totalText} maxWidth={sameLine ? Math.min(560, numberRoom) : CARD_INNER} max={250} min={120} weight={900} family={SANS} letterSpacing={-0.04} style={{lineHeight: 1, color: MOON}} />
						<div style={{fontFamily: SERIF, fontStyle: 'italic', fontSize: UNIT_SIZE, lineHeight: 1, marginTop: sameLine ? 0 : -20}}>{p.totalUnit}</div>
					</div>
					{p.badge ? (
						<div
							style={{
								display: 'inline-block',
								marginTop: 14,
								backgroundColor: MOON,
								color: INK,
								borderRadius: 999,
								padding: '12px 30px',
								fontSize: 38,
								fontWeight: 900,
							}}
						>
							{p.badge}
						</div>
					) : null}
				</div>
				<div style={{display: 'flex', flexWrap: 'wrap', gap: GAP, marginTop: GAP}}>
					{p.stats.map((stat, i) => (
						<div key={stat.label} style={{width: TILE_W, height: 200, borderRadius: 40, backgroundColor: TILES[i].bg, color: TILES[i].fg, padding: '26px 34px'}}>
							<FitText text={stat.value} maxWidth={TILE_W - 68} max={100} min={44} weight={900} family={SANS} letterSpacing={-0.03} style={{lineHeight: 1.05}} />
							<div style={{fontSize: 30, fontWeight: 700, textTransform: 'uppercase', letterSpacing: '0.08em', marginTop: 10, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis'}}>
								{stat.label}
							</div>
						</div>
					))}
				</div>
				<div style={{marginTop: 40, display: 'flex', flexDirection: 'column', gap: 22}}>
					{p.tops.map((top) => (
						<div key={top.label} style={{display: 'flex', alignItems: 'baseline', gap: 24, borderBottom: `3px solid ${THEMES.intro.soft}`, paddingBottom: 16}}>
							<div style={{fontSize: 28, fontWeight: 700, textTransform: 'uppercase', letterSpacing: '0.1em', color: MOON, width: 250, flexShrink: 0}}>{top.label}</div>
							<FitText text={top.name} maxWidth={CONTENT_WIDTH - 274} max={56} min={34} weight={800} family={SANS} style={{lineHeight: 1.15}} />
						</div>
					))}
				</div>
			</AbsoluteFill>
		</AbsoluteFill>
	);
};

/** The share card / thumbnail: one still summarising the year. */
export const Poster: React.FC<RecapPayload> = (payload) => {
	const poster = useMemo(() => posterProps(sceneInput(payload)), [payload]);
	const ready = useFontsReady(useMemo(() => allTexts(poster), [poster]));
	return ready ? <PosterCard {...poster} /> : null;
};
