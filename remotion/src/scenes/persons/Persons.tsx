import React from 'react';
import {TopList} from '../top-list/TopList';
import type {TopListProps} from '../top-list/scene';
import {INK, THEMES} from '../../theme';

/** The people who appeared most in the year's dreams. */
export const Persons: React.FC<TopListProps> = (props) => (
	<TopList {...props} look={{theme: THEMES.persons, bar: INK, barText: THEMES.persons.bg, decor: 'circles'}} />
);
