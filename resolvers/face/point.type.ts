import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "A position in the upright image (EXIF orientation applied), in pixels, x to the right, y down. (0, 0) is the centre of the top-left pixel, as in MXFace's and dlib's coordinates.",
})
export class Point {
  @Field(() => Float, { description: 'Horizontal position in pixels from the left edge.' })
  x!: number;

  @Field(() => Float, { description: 'Vertical position in pixels from the top edge.' })
  y!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "Depth, for points of the MEDIAPIPE_478 mesh only (null otherwise): in pixels on the same scale as x and y, relative to the face's centre, smaller is nearer the camera. Relative depth within one face; not a distance from the camera.",
  })
  z?: number | null;
}
