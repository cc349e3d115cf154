import React, {useMemo} from 'react';
import {Sequence} from 'remotion';
import {allTexts} from './components/texts';
import {useFontsReady} from './fonts';
import type {RecapPayload} from './payload/schema';
import {buildPlan, type PlannedScene} from './plan';
import {Emotions} from './scenes/emotions/Emotions';
import {Intro} from './scenes/intro/Intro';
import {Lucid} from './scenes/lucid/Lucid';
import {Outro} from './scenes/outro/Outro';
import {Persons} from './scenes/persons/Persons';
import {Places} from './scenes/places/Places';
import {Streak} from './scenes/streak/Streak';
import {Total} from './scenes/total/Total';
import {timelineFromPlan} from './timeline';

const SceneView: React.FC<{readonly scene: PlannedScene}> = ({scene}) => {
	switch (scene.name) {
		case 'intro':
			return <Intro {...scene.props} />;
		case 'total':
			return <Total {...scene.props} />;
		case 'lucid':
			return <Lucid {...scene.props} />;
		case 'streak':
			return <Streak {...scene.props} />;
		case 'persons':
			return <Persons {...scene.props} />;
		case 'places':
			return <Places {...scene.props} />;
		case 'emotions':
			return <Emotions {...scene.props} />;
		case 'outro':
			return <Outro {...scene.props} />;
	}
};

/** The story: the planned scenes one after another, placed by the timeline. */
export const Recap: React.FC<RecapPayload> = (payload) => {
	const plan = useMemo(() => buildPlan(payload), [payload]);
	const timeline = useMemo(() => timelineFromPlan(plan), [plan]);
	const ready = useFontsReady(useMemo(() => allTexts(plan.scenes), [plan]));
	if (!ready) {
		return null;
	}
	return (
		<>
			{plan.scenes.map((scene, i) => (
				<Sequence key={scene.name} name={scene.name} from={timeline.scenes[i].from} durationInFrames={timeline.scenes[i].durationInFrames}>
					<SceneView scene={scene} />
				</Sequence>
			))}
		</>
	);
};
