import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A position in the upright image (EXIF orientation applied), in pixels, origin at the top-left corner, x to the right, y down.' })
export class Point {
  @Field(() => Float, { description: 'Horizontal position in pixels from the left edge.' })
  x!: number;

  @Field(() => Float, { description: 'Vertical position in pixels from the top edge.' })
  y!: number;
}
