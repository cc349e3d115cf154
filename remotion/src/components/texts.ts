/** Every string inside props (storyboard scenes, poster): to load exactly the font subsets the video needs. */
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
