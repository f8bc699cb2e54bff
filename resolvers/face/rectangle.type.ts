import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    "An axis-aligned box in upright-image pixels: top-left corner plus size, measured from the image's top-left edge (so a box covering the whole image is 0, 0, width, height). It may reach past the image edge for faces cut by the frame.",
})
export class Rectangle {
  @Field(() => Float, { description: "Left edge, pixels from the image's left edge." })
  x!: number;

  @Field(() => Float, { description: "Top edge, pixels from the image's top edge." })
  y!: number;

  @Field(() => Float, { description: 'Width in pixels.' })
  width!: number;

  @Field(() => Float, { description: 'Height in pixels.' })
  height!: number;
}
