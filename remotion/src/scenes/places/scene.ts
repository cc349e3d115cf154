/** The places ranked list (look: Places.tsx; shared parts: ../top-list). */
import {topListScene} from '../top-list/scene';

export const places = topListScene('places');
