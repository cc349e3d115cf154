import React from 'react';
import {TopList} from '../top-list/TopList';
import type {TopListProps} from '../top-list/scene';
import {INK, THEMES} from '../../theme';

/** The emotions felt most often. */
export const Emotions: React.FC<TopListProps> = (props) => (
	<TopList {...props} look={{theme: THEMES.emotions, bar: INK, barText: THEMES.emotions.bg, decor: 'rings'}} />
);
