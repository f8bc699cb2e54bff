import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: "The mouth's state from the face mesh." })
export class Mouth {
  @Field(() => Float, {
    description:
      "The inner-lip gap over the mouth's corner-to-corner width, divided by 0.5, at most 1: 0 with closed lips, 1 wide open. The mouth is open at 0.5 or more (lips apart by a quarter of its width); lips just parted, showing the teeth, score 0.2-0.4.",
  })
  openness!: number;
}
