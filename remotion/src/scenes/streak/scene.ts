/** The longest streak of remembered dreams and the busiest month, with a twelve-month strip. */
import type {SceneDefinition} from '../scene';
import {anim, sceneTiming} from '../../timing';

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

/** Every animation of Streak.tsx, in design frames. */
export const motion = {
	streakEyebrow: anim(8, 18),
	streakNumber: anim(10, 20),
	streakUnit: anim(16, 18),
	streakCaption: anim(20, 18),
	monthStrip: anim(22, 18),
	monthEyebrow: anim(24, 18),
	monthName: anim(28, 18),
	/** The busiest month's dot. */
	monthDot: anim(30, 20),
	monthCaption: anim(32, 18),
};

export const streak: SceneDefinition<'streak', StreakProps> = {
	name: 'streak',
	timing: sceneTiming({duration: 120}, motion),
	props: ({payload, intl, t, f}) => {
		const d = payload.dreams;
		const narrow = new Intl.DateTimeFormat(intl, {month: 'narrow', timeZone: 'UTC'});
		return {
			streakEyebrow: t.streak.eyebrow,
			streakText: f.number(d.longest_streak),
			streakUnit: t.streak.unit(f.plural(d.longest_streak)),
			streakCaption: t.streak.caption,
			monthEyebrow: t.month.eyebrow,
			monthName: f.month(d.busiest_month),
			monthCaption: t.month.caption,
			// The month part only: ja's narrow month is "10月", its month part "10" (fits the pill).
			monthInitials: Array.from({length: 12}, (_, i) =>
				(narrow.formatToParts(new Date(Date.UTC(2001, i, 15))).find((part) => part.type === 'month')?.value ?? '').toLocaleUpperCase(intl),
			),
			monthIndex: d.busiest_month - 1,
		};
	},
};
