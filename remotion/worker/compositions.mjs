// The Recap and Poster compositions of a payload, resolved in Node by the same code the bundle's
// calculateMetadata runs (src/lib.ts: parsePayload, getTimeline), rather than by selectComposition(),
// which opens a tab and loads the bundle only to run it (~1 CPU-s per composition, per video).

/** {recap, poster} as Remotion's VideoConfig; throws "invalid payload: <field>: ..." like calculateMetadata. */
export const resolveCompositions = (lib, payload) => {
  const props = lib.parsePayload(payload);
  const timeline = lib.getTimeline(props);
  const base = {
    width: lib.WIDTH,
    height: lib.HEIGHT,
    defaultProps: {},
    props,
    defaultCodec: null,
    defaultOutName: null,
    defaultVideoImageFormat: null,
    defaultPixelFormat: null,
    defaultProResProfile: null,
    defaultSampleRate: null,
  };
  return {
    recap: {...base, id: 'Recap', fps: timeline.fps, durationInFrames: timeline.durationInFrames, width: timeline.width, height: timeline.height},
    poster: {...base, id: 'Poster', fps: 1, durationInFrames: 1},
  };
};
