/**
 * The recap payload as a zod schema: the single source of truth on the JS side.
 *
 * Written by hand to mirror schemas/recap_payload.schema.json (the contract shared with dbt and
 * the Python runner). tests/test_video_schema.py converts this schema with `z.toJSONSchema()`
 * (worker/bin/payload-tool.mjs json-schema) and compares it structurally with the JSON Schema, so a
 * change on either side that is not made on the other fails the tests.
 *
 * No React here: Node imports this module through the lib build (worker/lib.mjs).
 */
import {z} from 'zod';

const count = (min: number) => z.int().min(min);

/** Up to three [name, count] pairs, ranked by count descending. */
export const top3Schema = z
	.array(z.tuple([z.string().min(1), count(1)]))
	.max(3)
	.describe('Up to three [name, count] pairs, ranked by count descending.');

export const userSchema = z.strictObject({
	id: count(1),
	name: z.string().max(200).nullable(),
	locale: z.string().max(35).nullable(),
});

export const dreamsSchema = z.strictObject({
	total: count(1),
	difference: z.int(),
	lucid: count(0),
	nightmares: count(0),
	average: count(0),
	previous_year: count(0),
	top_percent: z.int().min(1).max(100),
	longest_streak: count(1),
	busiest_month: z.int().min(1).max(12),
});

export const recapPayloadSchema = z.strictObject({
	user: userSchema,
	year: z.int().min(1970).max(2999),
	dreams: dreamsSchema,
	persons: top3Schema,
	places: top3Schema,
	emotions: top3Schema,
});

export type RecapPayload = z.infer<typeof recapPayloadSchema>;
export type Top3 = z.infer<typeof top3Schema>;

/**
 * The error every consumer (calculateMetadata, the render worker, Python) sees for a bad payload.
 * Remotion's renderer reports an error thrown in the page as "<constructor name>: <message>", so
 * the class is named "invalid payload" and the message holds the issues: the worker receives
 * exactly "invalid payload: dreams.total: expected an integer >= 1; ...". In Node, String(err)
 * gives the same line.
 */
const classes = {
	'invalid payload': class extends Error {
		readonly issues: readonly string[];
		constructor(issues: string[]) {
			super(issues.join('; '));
			this.name = 'invalid payload';
			this.issues = issues;
		}
	},
};
export const InvalidPayloadError = classes['invalid payload'];
export type InvalidPayloadError = InstanceType<typeof InvalidPayloadError>;

const EXPECTED: Record<string, string> = {int: 'an integer', number: 'an integer', string: 'a string', object: 'an object', array: 'an array', null: 'null'};

const describeIssue = (issue: z.core.$ZodIssue): string => {
	const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
	switch (issue.code) {
		case 'invalid_type': {
			// Every number in the payload is an integer.
			const expected = EXPECTED[issue.expected] ?? issue.expected;
			return issue.message.endsWith('received undefined') ? `${path}: missing (expected ${expected})` : `${path}: expected ${expected}`;
		}
		case 'too_small': {
			const what = issue.origin === 'array' ? 'at least' : issue.origin === 'string' ? 'a length >=' : '>=';
			const kind = issue.origin === 'number' || issue.origin === 'int' ? 'an integer ' : issue.origin === 'array' ? 'an array of ' : 'a string of ';
			return issue.origin === 'array' ? `${path}: expected ${what} ${issue.minimum} items` : `${path}: expected ${kind}${what} ${issue.minimum}`;
		}
		case 'too_big': {
			if (issue.origin === 'array') {
				return `${path}: expected at most ${issue.maximum} items`;
			}
			if (issue.origin === 'string') {
				return `${path}: expected a string of length <= ${issue.maximum}`;
			}
			return `${path}: expected an integer <= ${issue.maximum}`;
		}
		case 'unrecognized_keys':
			return `${path}: unexpected key(s) ${issue.keys.join(', ')}`;
		default:
			return `${path}: ${issue.message}`;
	}
};

/**
 * Validate unknown input (the composition's inputProps) and return the typed payload.
 * Throws an InvalidPayloadError: "invalid payload: <path>: <what was expected>; ...".
 */
export const parsePayload = (input: unknown): RecapPayload => {
	const result = recapPayloadSchema.safeParse(input);
	if (result.success) {
		return result.data;
	}
	const issues = result.error.issues.map(describeIssue);
	throw new InvalidPayloadError([...new Set(issues)]);
};
