/** Every string inside a plan object (for loading exactly the font subsets the video needs). */
export const allTexts = (value: unknown): string[] => {
	if (typeof value === 'string') {
		return [value];
	}
	if (Array.isArray(value)) {
		return value.flatMap(allTexts);
	}
	if (value !== null && typeof value === 'object') {
		return Object.values(value).flatMap(allTexts);
	}
	return [];
};
