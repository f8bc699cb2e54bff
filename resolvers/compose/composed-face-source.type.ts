import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Rectangle } from '../face/rectangle.type';

@ObjectType({ description: 'The face one input contributed to a composed face.' })
export class ComposedFaceSource {
  @Field(() => Int, { description: 'The input: its index in `images` for an average; 0 for `from` and 1 for `to` in a morph.' })
  index!: number;

  @Field(() => ID, { description: "The face's `Face.id`: what `detectLandmarks` returns for the same image and default options." })
  faceId!: string;

  @Field(() => Rectangle, { description: "The face's box in its upright image: the largest face found there." })
  rectangle!: Rectangle;
}
