import React from 'react';
import {Composition, Still} from 'remotion';
import sample from '../samples/fr-three-of-each.json';
import {calculatePosterMetadata, calculateRecapMetadata} from './calculate-metadata';
import {recapPayloadSchema, type RecapPayload} from './payload/schema';
import {Recap} from './Recap';
import {Poster} from './scenes/poster/Poster';
import {FPS, HEIGHT, WIDTH} from './timing';

const defaultProps = sample as RecapPayload;

/**
 * Recap (the 9:16 video, duration from the payload) and Poster (the share card, a JPEG still).
 * Both take the payload itself as inputProps.
 */
export const RemotionRoot: React.FC = () => (
	<>
		<Composition
			id="Recap"
			component={Recap}
			width={WIDTH}
			height={HEIGHT}
			fps={FPS}
			durationInFrames={900}
			schema={recapPayloadSchema}
			defaultProps={defaultProps}
			calculateMetadata={calculateRecapMetadata}
		/>
		<Still id="Poster" component={Poster} width={WIDTH} height={HEIGHT} schema={recapPayloadSchema} defaultProps={defaultProps} calculateMetadata={calculatePosterMetadata} />
	</>
);
