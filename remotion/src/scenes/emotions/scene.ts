/** The emotions ranked list (look: Emotions.tsx; shared parts: ../top-list). */
import {topListScene} from '../top-list/scene';

export const emotions = topListScene('emotions');
