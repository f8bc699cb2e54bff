import { registerEnumType } from 'type-graphql';

/** The five MXFace landmark points. */
export enum LandmarkType {
  LEFT_EYE = 'LEFT_EYE',
  RIGHT_EYE = 'RIGHT_EYE',
  NOSE_TIP = 'NOSE_TIP',
  MOUTH_LEFT = 'MOUTH_LEFT',
  MOUTH_RIGHT = 'MOUTH_RIGHT',
}

registerEnumType(LandmarkType, {
  name: 'LandmarkType',
  description:
    'What a landmark point marks. Left and right are the image\'s left and right (MXFace\'s convention), not the subject\'s: LEFT_EYE is the eye nearer the left edge of the picture.',
  valuesConfig: {
    LEFT_EYE: { description: 'Centre of the eye nearer the image\'s left edge (the subject\'s right eye).' },
    RIGHT_EYE: { description: 'Centre of the eye nearer the image\'s right edge (the subject\'s left eye).' },
    NOSE_TIP: { description: 'Tip of the nose.' },
    MOUTH_LEFT: { description: 'Mouth corner nearer the image\'s left edge.' },
    MOUTH_RIGHT: { description: 'Mouth corner nearer the image\'s right edge.' },
  },
});
