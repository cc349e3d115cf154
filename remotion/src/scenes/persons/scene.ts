/** The persons ranked list (look: Persons.tsx; shared parts: ../top-list). */
import {topListScene} from '../top-list/scene';

export const persons = topListScene('persons');
