import { registerEnumType } from 'type-graphql';

export enum LandmarkScheme {
  FIVE_POINT = 'FIVE_POINT',
  IBUG_68 = 'IBUG_68',
}

registerEnumType(LandmarkScheme, {
  name: 'LandmarkScheme',
  description: 'Which set of landmark points to return.',
  valuesConfig: {
    FIVE_POINT: { description: 'MXFace\'s five: eye centres, nose tip, mouth corners (index 0-4 in that order).' },
    IBUG_68: {
      description:
        'The 68 points of the iBUG 300-W scheme, in its order (index 0-67). For MXFace faces they are computed by the embedded landmark net on MXFace\'s box; empty when the embedded engine is disabled.',
    },
  },
});
