/**
 * Everything Node needs without React or a browser: the schema, the plan and the timeline.
 * Build with `node scripts/build-lib.mjs OUT.mjs`, then `const lib = await import(OUT.mjs)`.
 */
import {z} from 'zod';
import {recapPayloadSchema} from './payload/schema';

export {InvalidPayloadError, parsePayload, recapPayloadSchema, type RecapPayload} from './payload/schema';
export {buildPlan, type RecapPlan} from './plan';
export {getTimeline, timelineFromPlan, type Timeline, type TimelineScene} from './timeline';
export {resolveLocale, makeFormatter, LANGUAGES} from './i18n';
export {FPS, HEIGHT, WIDTH, SCENE_TIMING} from './timing';

/** The zod schema as JSON Schema (draft 2020-12), for the drift check against schemas/. */
export const payloadJsonSchema = (): unknown => z.toJSONSchema(recapPayloadSchema, {target: 'draft-2020-12'});
