/**
 * The pure function payload -> scene plan: which scenes play, in which order, and the exact props
 * (words already translated, numbers already formatted) each one receives. Scene components read
 * nothing but these props, so two scenes with equal props render identical pixels.
 * No React imports: Node loads this through scripts/build-lib.mjs.
 */
import {makeFormatter, resolveLocale} from './i18n';
import type {RecapPayload, Top3} from './payload/schema';

export interface IntroProps {
	readonly greeting: string;
	readonly name: string;
	readonly nameIsFallback: boolean;
	readonly lead: string;
	readonly year: string;
	readonly tail: string;
	readonly appName: string;
}

export interface TotalProps {
	readonly eyebrow: string;
	readonly total: number;
	/** Intl locale for the count-up's intermediate numbers. */
	readonly intl: string;
	readonly totalText: string;
	readonly unit: string;
	readonly comparison: string;
	readonly footnote: string;
	readonly badge: string | null;
}

export interface StatBlock {
	readonly valueText: string;
	readonly label: string;
	readonly caption: string;
}

export interface LucidProps {
	readonly lucid: StatBlock;
	readonly nightmares: StatBlock;
}

export interface StreakProps {
	readonly streakEyebrow: string;
	readonly streakText: string;
	readonly streakUnit: string;
	readonly streakCaption: string;
	readonly monthEyebrow: string;
	readonly monthName: string;
	readonly monthCaption: string;
	/** Narrow month initials J..D in the user's locale, and the busiest one's index (0-11). */
	readonly monthInitials: readonly string[];
	readonly monthIndex: number;
}

export type TopKind = 'persons' | 'places' | 'emotions';

export interface TopItem {
	readonly rank: number;
	readonly name: string;
	readonly countText: string;
	/** count / the top count, in (0, 1]. */
	readonly share: number;
}

export interface TopListProps {
	readonly kind: TopKind;
	readonly eyebrow: string;
	readonly title: string;
	readonly items: readonly TopItem[];
}

export interface OutroProps {
	readonly line: string;
	readonly year: string;
	readonly tagline: string;
	readonly appName: string;
}

export interface PosterStat {
	readonly value: string;
	readonly label: string;
}

export interface PosterProps {
	readonly appName: string;
	readonly name: string | null;
	readonly title: string;
	readonly year: string;
	readonly totalText: string;
	readonly totalUnit: string;
	readonly badge: string | null;
	readonly stats: readonly PosterStat[];
	readonly tops: readonly {readonly label: string; readonly name: string}[];
}

export type PlannedScene =
	| {readonly name: 'intro'; readonly props: IntroProps}
	| {readonly name: 'total'; readonly props: TotalProps}
	| {readonly name: 'lucid'; readonly props: LucidProps}
	| {readonly name: 'streak'; readonly props: StreakProps}
	| {readonly name: TopKind; readonly props: TopListProps}
	| {readonly name: 'outro'; readonly props: OutroProps};

export interface RecapPlan {
	readonly lang: string;
	readonly intl: string;
	readonly scenes: readonly PlannedScene[];
	readonly poster: PosterProps;
}

/** Trim and collapse whitespace; an all-blank name counts as no name. */
export const cleanName = (name: string | null): string | null => {
	if (name === null) {
		return null;
	}
	const cleaned = name.replace(/\s+/g, ' ').trim();
	return cleaned === '' ? null : cleaned;
};

export const buildPlan = (payload: RecapPayload): RecapPlan => {
	const {lang, intl, strings: t} = resolveLocale(payload.user.locale);
	const f = makeFormatter(intl);
	const d = payload.dreams;
	const name = cleanName(payload.user.name);

	const intro: IntroProps = {
		greeting: t.intro.greeting,
		name: name ?? t.intro.fallbackName,
		nameIsFallback: name === null,
		lead: t.intro.lead,
		year: f.year(payload.year),
		tail: t.intro.tail,
		appName: t.appName,
	};

	const comparison =
		d.difference > 0 ? t.total.more(f.number(d.difference)) : d.difference < 0 ? t.total.fewer(f.number(-d.difference)) : t.total.equal;
	const footnotes = [t.total.average(f.number(d.average))];
	if (d.previous_year > 0) {
		footnotes.push(t.total.previousYear(f.number(d.previous_year), f.year(payload.year - 1), f.plural(d.previous_year)));
	}
	const badge = d.top_percent <= 10 ? t.total.badge(f.percent(d.top_percent)) : null;
	const total: TotalProps = {
		eyebrow: t.total.eyebrow,
		total: d.total,
		intl,
		totalText: f.number(d.total),
		unit: t.total.unit(f.plural(d.total)),
		comparison,
		footnote: footnotes.join('  ·  '),
		badge,
	};

	const lucid: LucidProps = {
		lucid: {
			valueText: f.number(d.lucid),
			label: t.lucid.label(f.plural(d.lucid)),
			caption: d.lucid === 0 ? t.lucid.captionZero : t.lucid.caption,
		},
		nightmares: {
			valueText: f.number(d.nightmares),
			label: t.nightmares.label(f.plural(d.nightmares)),
			caption: d.nightmares === 0 ? t.nightmares.captionZero : t.nightmares.caption,
		},
	};

	const narrow = new Intl.DateTimeFormat(intl, {month: 'narrow', timeZone: 'UTC'});
	const streak: StreakProps = {
		streakEyebrow: t.streak.eyebrow,
		streakText: f.number(d.longest_streak),
		streakUnit: t.streak.unit(f.plural(d.longest_streak)),
		streakCaption: t.streak.caption,
		monthEyebrow: t.month.eyebrow,
		monthName: f.month(d.busiest_month),
		monthCaption: t.month.caption,
		// The month part only: ja's narrow month is "10月", its month part "10" (fits the pill).
		monthInitials: Array.from({length: 12}, (_, i) => (narrow.formatToParts(new Date(Date.UTC(2001, i, 15))).find((part) => part.type === 'month')?.value ?? '').toLocaleUpperCase(intl)),
		monthIndex: d.busiest_month - 1,
	};

	const top = (kind: TopKind, list: Top3): TopListProps => {
		const max = Math.max(1, ...list.map(([, count]) => count));
		return {
			kind,
			eyebrow: t[kind].eyebrow,
			title: t[kind].title,
			items: list.map(([itemName, count], i) => ({
				rank: i + 1,
				name: cleanName(itemName) ?? '—',
				countText: t.inDreams(f.number(count), f.plural(count)),
				share: Math.min(1, count / max),
			})),
		};
	};

	const outro: OutroProps = {
		line: t.outro.line,
		year: f.year(payload.year + 1),
		tagline: t.outro.tagline,
		appName: t.appName,
	};

	const scenes: PlannedScene[] = [
		{name: 'intro', props: intro},
		{name: 'total', props: total},
		{name: 'lucid', props: lucid},
		{name: 'streak', props: streak},
	];
	for (const kind of ['persons', 'places', 'emotions'] as const) {
		// Scenes without data are skipped rather than shown empty.
		if (payload[kind].length > 0) {
			scenes.push({name: kind, props: top(kind, payload[kind])});
		}
	}
	scenes.push({name: 'outro', props: outro});

	const tops: {label: string; name: string}[] = [];
	const firstOf = (list: Top3) => (list.length > 0 ? (cleanName(list[0][0]) ?? '—') : null);
	for (const [label, list] of [
		[t.poster.topPerson, payload.persons],
		[t.poster.topPlace, payload.places],
		[t.poster.topEmotion, payload.emotions],
	] as const) {
		const first = firstOf(list);
		if (first !== null) {
			tops.push({label, name: first});
		}
	}

	const poster: PosterProps = {
		appName: t.appName,
		name,
		title: t.poster.title,
		year: f.year(payload.year),
		totalText: f.number(d.total),
		totalUnit: t.poster.dreams(f.plural(d.total)),
		badge,
		stats: [
			{value: f.number(d.lucid), label: t.poster.lucid(f.plural(d.lucid))},
			{value: f.number(d.nightmares), label: t.poster.nightmares(f.plural(d.nightmares))},
			{value: f.number(d.longest_streak), label: t.poster.streak(f.plural(d.longest_streak))},
			{value: f.month(d.busiest_month), label: t.poster.month},
		],
		tops,
	};

	return {lang, intl, scenes, poster};
};
