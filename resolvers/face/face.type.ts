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

  @Field(() => Float, {
    nullable: true,
    description:
      "How sure the landmark model is that its points sit on a face, 0..1: the face mesh's own presence score. Frontal, well-lit faces score above 0.9999. Faces that are turned, looking down, dim or small can score far lower and still be real: the engine keeps them when a second detector confirms them, and their points are then rougher (on a profile, the far side is guessed). Filter on it when landmark precision matters more than finding every face. Null when no mesh located this face (the mxface provider, or EMBEDDED_ENGINE=faceapi).",
  })
  landmarksConfidence?: number | null;

  /** Resolved by FaceResolver.landmarks. */
  fivePoints!: FivePoints;
}
