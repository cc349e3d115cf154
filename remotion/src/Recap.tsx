import React, {useMemo} from 'react';
import {Sequence} from 'remotion';
import {allTexts} from './components/texts';
import {useFontsReady} from './fonts';
import type {RecapPayload} from './payload/schema';
import {Emotions} from './scenes/emotions/Emotions';
import {Intro} from './scenes/intro/Intro';
import {Lucid} from './scenes/lucid/Lucid';
import {Outro} from './scenes/outro/Outro';
import {Persons} from './scenes/persons/Persons';
import {Places} from './scenes/places/Places';
import {Streak} from './scenes/streak/Streak';
import {Total} from './scenes/total/Total';
import {buildStoryboard, type StoryScene} from './storyboard';
import {timelineOf} from './timeline';

/** The component of every scene of the storyboard (a scene missing here does not compile). */
const VIEWS: {readonly [S in StoryScene as S['name']]: React.FC<S['props']>} = {
	intro: Intro,
	total: Total,
	lucid: Lucid,
	streak: Streak,
	persons: Persons,
	places: Places,
	emotions: Emotions,
	outro: Outro,
};

const SceneView: React.FC<{readonly scene: StoryScene}> = ({scene}) => {
	// VIEWS pairs each name with the component of its props; TypeScript cannot follow the pairing
	// through the union, hence the widening.
	const View = VIEWS[scene.name] as React.FC<StoryScene['props']>;
	return <View {...scene.props} />;
};

/** The story: the storyboard's scenes one after another, placed by the timeline. */
export const Recap: React.FC<RecapPayload> = (payload) => {
	const storyboard = useMemo(() => buildStoryboard(payload), [payload]);
	const timeline = useMemo(() => timelineOf(storyboard), [storyboard]);
	const ready = useFontsReady(useMemo(() => allTexts(storyboard.scenes), [storyboard]));
	if (!ready) {
		return null;
	}
	return (
		<>
			{storyboard.scenes.map((scene, i) => (
				<Sequence key={scene.name} name={scene.name} from={timeline.scenes[i].from} durationInFrames={timeline.scenes[i].durationInFrames}>
					<SceneView scene={scene} />
				</Sequence>
			))}
		</>
	);
};
