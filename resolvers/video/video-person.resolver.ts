import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { scaleSquare } from '../../src/crops/face-crops';
import type { GraphQLContext } from '../../src/graphql/context';
import { ImageFormat } from '../face/crop-format.enum';
import { checkSize } from '../face/crop-size';
import { ImageCrop } from '../face/image-crop.type';
import { VideoPerson } from './video-person.type';

@Resolver(() => VideoPerson)
export class VideoPersonResolver {
  @FieldResolver(() => ImageCrop, {
    nullable: true,
    description:
      "The person's best face (the largest, most frontal and sharpest of their tracks' chosen frames), eyes level and centred, head and some background included; stored at 192 px from the analysed frame and scaled to `size`. Null when no face of the person was good enough (tiny, blurred or turned away).",
  })
  async thumbnail(
    @Root() person: VideoPerson,
    @Arg('size', () => Int, { defaultValue: 112, description: 'Side of the square result in pixels, 16 to `MAX_CROP_SIZE`.' }) size: number,
    @Arg('format', () => ImageFormat, { defaultValue: ImageFormat.JPEG, description: 'Encoding of the result.' }) format: ImageFormat,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ImageCrop | null> {
    checkSize(size, ctx.config.limits.maxCropSize);
    const thumbnail = person.data.thumbnail;
    // Decoded here, when asked for: reading a job's people or tracks leaves the stored JPEGs as they are.
    return thumbnail ? scaleSquare(Buffer.from(thumbnail.base64, 'base64'), size, format, thumbnail.rectangle) : null;
  }
}
