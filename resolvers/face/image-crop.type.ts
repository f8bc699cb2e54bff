import { Field, Int, ObjectType } from 'type-graphql';
import { Rectangle } from './rectangle.type';

@ObjectType({ description: 'An image cut from the submitted photo, returned inline.' })
export class ImageCrop {
  @Field(() => String, { description: 'The encoded image as a `data:image/<format>;base64,...` URL, ready for an <img> src.' })
  dataUrl!: string;

  @Field(() => Int, { description: 'Width of the returned image in pixels.' })
  width!: number;

  @Field(() => Int, { description: 'Height of the returned image in pixels.' })
  height!: number;

  @Field(() => Rectangle, { description: 'What the crop covers in the upright source image (pixels, inside the image).' })
  rectangle!: Rectangle;
}
