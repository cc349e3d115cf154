import type {CalculateMetadataFunction} from 'remotion';
import {parsePayload, type RecapPayload} from './payload/schema';
import {getTimeline} from './timeline';

/**
 * Both compositions validate their props here, before any frame is rendered: a bad payload throws
 * "invalid payload: <field path>: <what was expected>" (the message the render worker reports).
 */
export const calculateRecapMetadata: CalculateMetadataFunction<RecapPayload> = ({props}) => {
	const payload = parsePayload(props);
	const timeline = getTimeline(payload);
	return {props: payload, durationInFrames: timeline.durationInFrames, fps: timeline.fps, width: timeline.width, height: timeline.height};
};

export const calculatePosterMetadata: CalculateMetadataFunction<RecapPayload> = ({props}) => {
	return {props: parsePayload(props)};
};
