import { Field, ObjectType } from 'type-graphql';
import type { Point } from '../../src/geometry/geometry';
import type { Point3 } from '../../src/geometry/head-pose';
import { ComposedFaceSource } from './composed-face-source.type';
import { GeneratedImage } from './generated-image.type';

@ObjectType({
  description:
    'A face drawn from others: their average or a morph. The shape is placed with the eyes level, their midpoint on the vertical centre line at 0.4 of the height, and 0.3 of the width apart.',
})
export class ComposedFace {
  @Field(() => GeneratedImage, { description: 'The composed face.' })
  image!: GeneratedImage;

  @Field(() => [ComposedFaceSource], { description: 'The face each input contributed, one per input, in input order.' })
  sources!: ComposedFaceSource[];

  /** The drawn face's mesh in output pixels (`landmarks` as MEDIAPIPE_478). */
  mesh!: Point3[];

  /** Its 68 points in output pixels: the inputs' own, warped with their pictures (`landmarks` as IBUG_68 and FIVE_POINT). */
  points68!: Point[];
}
