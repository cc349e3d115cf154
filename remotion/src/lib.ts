/**
 * Everything Node needs without React or a browser: the schema, the storyboard and the timeline.
 * worker/lib.mjs builds it (esbuild) next to the Remotion bundle and imports it.
 */
import {z} from 'zod';
import {recapPayloadSchema} from './payload/schema';

export {InvalidPayloadError, parsePayload, recapPayloadSchema, type RecapPayload} from './payload/schema';
export {buildStoryboard, type Storyboard} from './storyboard';
export {getTimeline, timelineOf, type Timeline, type TimelineScene} from './timeline';
export {resolveLocale, makeFormatter, LANGUAGES} from './i18n';
export {shareText, type ShareText} from './share';
export {FPS, HEIGHT, WIDTH} from './timing';

/** The zod schema as JSON Schema (draft 2020-12), for the drift check against schemas/. */
export const payloadJsonSchema = (): unknown => z.toJSONSchema(recapPayloadSchema, {target: 'draft-2020-12'});
