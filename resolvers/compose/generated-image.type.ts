import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An image the service drew, returned inline.' })
export class GeneratedImage {
  @Field(() => String, { description: 'The encoded image as a `data:image/<format>;base64,...` URL, ready for an <img> src.' })
  dataUrl!: string;

  @Field(() => Int, { description: 'Width in pixels.' })
  width!: number;

  @Field(() => Int, { description: 'Height in pixels.' })
  height!: number;
}
