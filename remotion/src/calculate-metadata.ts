import {getInputProps, getRemotionEnvironment, type CalculateMetadataFunction} from 'remotion';
import {parsePayload, type RecapPayload} from './payload/schema';
import {getTimeline} from './timeline';

/**
 * The payload to validate. Remotion merges inputProps over defaultProps (a shallow spread), so a
 * payload missing a top-level key would silently borrow the sample's; when rendering, validate the
 * raw inputProps instead (the Studio keeps its editable defaults).
 */
const rawPayload = (props: RecapPayload): unknown => (getRemotionEnvironment().isRendering ? getInputProps() : props);

/**
 * Both compositions validate their props here, before any frame is rendered: a bad payload throws
 * "invalid payload: <field path>: <what was expected>" (the message the render worker reports).
 */
export const calculateRecapMetadata: CalculateMetadataFunction<RecapPayload> = ({props}) => {
	const payload = parsePayload(rawPayload(props));
	const timeline = getTimeline(payload);
	return {props: payload, durationInFrames: timeline.durationInFrames, fps: timeline.fps, width: timeline.width, height: timeline.height};
};

export const calculatePosterMetadata: CalculateMetadataFunction<RecapPayload> = ({props}) => {
	return {props: parsePayload(rawPayload(props))};
};
