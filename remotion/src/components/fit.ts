/**
 * Shrink-to-fit: the largest font size (between min and max) at which `text` fits `maxWidth` on
 * `lines` lines, measured with canvas once the fonts are loaded. Below `min` the caller's CSS
 * ellipsis takes over, so text never overflows the frame.
 */
let ctx: CanvasRenderingContext2D | null = null;

export const measureWidth = (text: string, font: {size: number; weight: number | string; family: string; italic?: boolean; letterSpacing?: number}): number => {
	if (ctx === null) {
		ctx = document.createElement('canvas').getContext('2d');
	}
	if (ctx === null) {
		return text.length * font.size * 0.6;
	}
	ctx.font = `${font.italic ? 'italic ' : ''}${font.weight} ${font.size}px ${font.family}`;
	const spacing = (font.letterSpacing ?? 0) * font.size * [...text].length;
	return ctx.measureText(text).width + spacing;
};

export interface FitOptions {
	readonly maxWidth: number;
	readonly max: number;
	readonly min: number;
	readonly weight: number | string;
	readonly family: string;
	readonly italic?: boolean;
	/** Letter spacing in em. */
	readonly letterSpacing?: number;
	/** Lines the text may wrap onto (approximate for > 1: leaves 12% slack per line). */
	readonly lines?: number;
}

/** Wrapping only helps text with spaces: a single long word stays on one line (then ellipsis). */
export const effectiveLines = (text: string, lines: number | undefined): number => (text.includes(' ') ? (lines ?? 1) : 1);

export const fitFontSize = (text: string, o: FitOptions): number => {
	const measure = (t: string) => measureWidth(t, {size: o.max, weight: o.weight, family: o.family, italic: o.italic, letterSpacing: o.letterSpacing});
	const words = text.split(' ');
	const lines = effectiveLines(text, o.lines);
	const width = measure(text);
	const budget = lines === 1 ? o.maxWidth : o.maxWidth * lines * 0.88;
	let size = width <= budget ? o.max : (o.max * budget) / width;
	if (lines > 1) {
		// Every word must fit on a line by itself.
		const longest = Math.max(...words.map(measure));
		size = Math.min(size, (o.max * o.maxWidth) / Math.max(longest, 1));
	}
	return Math.max(o.min, Math.min(o.max, Math.floor(size)));
};
