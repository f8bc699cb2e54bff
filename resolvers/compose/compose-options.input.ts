import { Field, InputType, Int } from 'type-graphql';
import { ImageFormat } from '../face/crop-format.enum';

@InputType({ description: 'The picture a face average or morph is drawn in.' })
export class ComposeOptions {
  @Field(() => Int, { nullable: true, defaultValue: 512, description: 'Width of the result in pixels, 64 to 1024.' })
  width?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: 512, description: 'Height of the result in pixels, 64 to 1024.' })
  height?: number | null;

  @Field(() => ImageFormat, { nullable: true, defaultValue: ImageFormat.PNG, description: 'Encoding of the result.' })
  format?: ImageFormat | null;
}
