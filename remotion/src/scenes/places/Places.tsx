import React from 'react';
import {TopList} from '../top-list/TopList';
import type {TopListProps} from '../top-list/scene';
import {INK, THEMES} from '../../theme';

/** The places the year's dreams happened in. */
export const Places: React.FC<TopListProps> = (props) => (
	<TopList {...props} look={{theme: THEMES.places, bar: THEMES.places.accent, barText: INK, decor: 'stars'}} />
);
