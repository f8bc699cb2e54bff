import { Field, Int, ObjectType } from 'type-graphql';
import { ImageFileFormat } from './image-file-format.enum';

@ObjectType({ description: 'What the service read from the submitted image file.' })
export class ImageInfo {
  @Field(() => Int, { description: 'Width of the upright image (EXIF orientation applied) in pixels; coordinates refer to this.' })
  width!: number;

  @Field(() => Int, { description: 'Height of the upright image (EXIF orientation applied) in pixels.' })
  height!: number;

  @Field(() => ImageFileFormat, { description: 'The file format, detected from its bytes.' })
  format!: ImageFileFormat;

  @Field(() => Int, { description: 'The EXIF orientation tag found in the file (1-8); 1 when the file has none. Already applied to all coordinates.' })
  orientation!: number;

  @Field(() => Int, { description: 'Size of the image file in bytes (after base64 decoding).' })
  byteLength!: number;

  @Field(() => String, { description: 'SHA-256 of the file bytes, hex: identical files have identical hashes and are processed once per request.' })
  sha256!: string;
}
