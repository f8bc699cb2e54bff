import { Field, Float, ID, ObjectType } from 'type-graphql';
import type { FivePoints } from '../../src/geometry/landmarks';
import { Rectangle } from './rectangle.type';

@ObjectType({ description: 'One detected face.' })
export class Face {
  @Field(() => ID, {
    description:
      "Identifies this face for client caches: the same for the same face of the same image bytes with the same detection options, in any request. Not a person's identity: use `descriptor` to compare people.",
  })
  id!: string;

  @Field(() => Rectangle, { description: 'The face box in upright-image pixels.' })
  rectangle!: Rectangle;

  @Field(() => Float, { description: 'Detector confidence that this is a face, 0..1. Faces below `DetectionOptions.minConfidence` are not returned.' })
  confidence!: number;

  @Field(() => Float, {
    description:
      "How usable the face image is for landmarking and recognition, 0..1: the product of a sharpness score (Laplacian contrast of the face scaled to 64x64 px; blurred faces score low) and a resolution score (1 when the face box is at least 80 px on its shorter side, proportionally less below). For the mxface provider, MXFace's own quality normalised to 0..1.",
  })
  quality!: number;

  /** Resolved by FaceResolver.landmarks. */
  fivePoints!: FivePoints;
}
