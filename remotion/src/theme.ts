/** Palette and type: a night sky and one bold flat colour per scene (no blur, no live gradients). */
export const NIGHT = '#0E0A2E';
export const INK = '#150F3C';
export const CREAM = '#FFF4E0';
export const MOON = '#FFD36B';

export interface SceneTheme {
	readonly bg: string;
	readonly fg: string;
	readonly accent: string;
	/** Flat shapes and cards on the background. */
	readonly soft: string;
}

export const THEMES = {
	intro: {bg: NIGHT, fg: CREAM, accent: MOON, soft: '#221A5C'},
	total: {bg: '#4B2FE0', fg: CREAM, accent: MOON, soft: '#5D44EA'},
	lucid: {bg: '#3EE6C1', fg: INK, accent: INK, soft: '#5DEDCD'},
	nightmares: {bg: '#1C1245', fg: CREAM, accent: '#FF6F91', soft: '#2A1E5E'},
	streak: {bg: '#FF7A59', fg: INK, accent: CREAM, soft: '#FF9474'},
	persons: {bg: '#C8B6FF', fg: INK, accent: '#4B2FE0', soft: '#D6C8FF'},
	places: {bg: '#0F4C5C', fg: CREAM, accent: '#3EE6C1', soft: '#175E70'},
	emotions: {bg: '#FF5C9A', fg: INK, accent: CREAM, soft: '#FF78AC'},
	outro: {bg: NIGHT, fg: CREAM, accent: MOON, soft: '#221A5C'},
} as const satisfies Record<string, SceneTheme>;

// Latin from the vendored fonts; Arabic and Hebrew vendored too; CJK and emoji from the system
// Noto fonts (fonts-noto-cjk, fonts-noto-color-emoji).
const FALLBACK = '"Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans CJK JP", "Noto Color Emoji", sans-serif';
export const SANS = `Inter, ${FALLBACK}`;
export const SERIF = `"Instrument Serif", ${FALLBACK}`;

/** Horizontal safe margin and the usable text width. */
export const MARGIN = 96;
export const CONTENT_WIDTH = 1080 - 2 * MARGIN;
