import { registerEnumType } from 'type-graphql';
import { LandmarkPart } from '../../src/geometry/ibug68';

registerEnumType(LandmarkPart, {
  name: 'LandmarkType',
  description:
    "What a landmark point marks. Left and right are the image's left and right (MXFace's convention), not the subject's: LEFT_EYE is the eye nearer the left edge of the picture.",
  valuesConfig: {
    LEFT_EYE: { description: "Centre of the eye nearer the image's left edge (the subject's right eye). Five-point scheme." },
    RIGHT_EYE: { description: "Centre of the eye nearer the image's right edge (the subject's left eye). Five-point scheme." },
    NOSE_TIP: { description: 'Tip of the nose (iBUG point 30).' },
    MOUTH_LEFT: { description: "Mouth corner nearer the image's left edge (iBUG point 48)." },
    MOUTH_RIGHT: { description: "Mouth corner nearer the image's right edge (iBUG point 54)." },
    JAW_CONTOUR: { description: 'Jaw line from the image-left ear to the image-right ear (iBUG 0-16).' },
    LEFT_BROW: { description: "Brow nearer the image's left edge (iBUG 17-21)." },
    RIGHT_BROW: { description: "Brow nearer the image's right edge (iBUG 22-26)." },
    NOSE_BRIDGE: { description: 'Bridge of the nose, top down (iBUG 27-29).' },
    NOSTRILS: { description: 'Base of the nose, image-left to image-right (iBUG 31-35).' },
    LEFT_EYE_CONTOUR: { description: "Outline of the eye nearer the image's left edge (iBUG 36-41)." },
    RIGHT_EYE_CONTOUR: { description: "Outline of the eye nearer the image's right edge (iBUG 42-47)." },
    OUTER_LIPS: { description: 'Outer lip contour other than the corners (iBUG 49-53, 55-59).' },
    INNER_LIPS: { description: 'Inner lip contour (iBUG 60-67).' },
    LEFT_PUPIL: { description: "Centre of the iris nearer the image's left edge (MEDIAPIPE_478 point 468)." },
    RIGHT_PUPIL: { description: "Centre of the iris nearer the image's right edge (MEDIAPIPE_478 point 473)." },
    LEFT_IRIS: { description: "Edge of the iris nearer the image's left edge (MEDIAPIPE_478 points 469-472)." },
    RIGHT_IRIS: { description: "Edge of the iris nearer the image's right edge (MEDIAPIPE_478 points 474-477)." },
    MESH: { description: "Any other point of the MEDIAPIPE_478 mesh; its index says where it lies (MediaPipe's canonical face mesh)." },
  },
});

/** The domain's LandmarkPart, exposed as the GraphQL enum LandmarkType. */
export { LandmarkPart as LandmarkType };
