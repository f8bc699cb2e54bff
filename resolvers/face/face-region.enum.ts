import { registerEnumType } from 'type-graphql';
import { FaceRegion } from '../../src/geometry/ibug68';

registerEnumType(FaceRegion, {
  name: 'FaceRegion',
  description: 'The part of the face a landmark belongs to.',
  valuesConfig: {
    JAW: { description: 'The jaw line.' },
    BROWS: { description: 'Both eyebrows.' },
    NOSE: { description: 'Nose bridge, tip and nostrils.' },
    EYES: { description: 'Both eyes.' },
    LIPS: { description: 'Mouth corners and lip contours.' },
    FACE: { description: "The rest of the face's surface: MEDIAPIPE_478 mesh points outside the eye and lip contours and the irises." },
  },
});

export { FaceRegion };
