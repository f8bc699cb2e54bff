import { registerEnumType } from 'type-graphql';
import { FacePart } from '../../src/crops/face-crops';

registerEnumType(FacePart, {
  name: 'FacePart',
  description: "A part of the face to crop. Left and right are the image's.",
  valuesConfig: {
    EYES: { description: 'Both eyes.' },
    LEFT_EYE: { description: "The eye nearer the image's left edge." },
    RIGHT_EYE: { description: "The eye nearer the image's right edge." },
    NOSE: { description: 'The nose, bridge to nostrils.' },
    MOUTH: { description: 'The lips.' },
    FACE: { description: 'The whole face box, padded 10 %.' },
  },
});

export { FacePart };
