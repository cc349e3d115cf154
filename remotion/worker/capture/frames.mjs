// The frames a sparse render captures: per scene, from its first frame to the one where its picture
// stops changing (`settledAt`, src/timeline.ts); the rest of the scene holds that frame.

/** [{scene, frames: [absolute frame...], holdFrames}], holdFrames counting the settled frame itself. */
export const framesToCapture = (timeline) => {
  let expected = 0;
  return timeline.scenes.map((scene) => {
    const end = scene.from + scene.durationInFrames; // exclusive
    if (scene.from !== expected || scene.settledAt < scene.from || scene.settledAt >= end) {
      throw new Error(`timeline is not contiguous or settledAt is outside its scene at ${scene.name}`);
    }
    expected = end;
    const frames = [];
    for (let f = scene.from; f <= scene.settledAt; f++) frames.push(f);
    return {scene, frames, holdFrames: end - scene.settledAt};
  });
};
