import { GraphQLError } from 'graphql';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { detectionPayload } from '../../src/detection/detection-payload';
import type { GraphQLContext } from '../../src/graphql/context';
import { DetectionOptions } from './detection-options.input';
import { ImageInput } from './image.input';
import { DetectLandmarksPayload } from './detect-landmarks.payload';

@Resolver()
export class DetectLandmarksResolver {
  @Mutation(() => DetectLandmarksPayload, { description: 'Finds every face in one image with its box, five landmark points and quality.' })
  detectLandmarks(
    @Arg('image', () => ImageInput, { description: 'The image file.' }) image: ImageInput,
    @Arg('options', () => DetectionOptions, { nullable: true, description: 'Detection tuning; defaults apply when omitted.' })
    options: DetectionOptions | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DetectLandmarksPayload> {
    return detectionPayload(ctx.loaders, {
      request: ctx.record,
      providers: ctx.providers,
      image,
      options,
      field: ['image'],
      maxImageBytes: ctx.config.limits.maxImageBytes,
    });
  }

  @Mutation(() => [DetectLandmarksPayload], {
    description:
      "Finds faces in many images in one call: one payload per image, in input order. One image's failure never fails the others; identical images are processed once.",
  })
  detectLandmarksBatch(
    @Arg('images', () => [ImageInput], { description: 'The image files, at most `serviceInfo.limits.maxBatchSize`.' }) images: ImageInput[],
    @Arg('options', () => DetectionOptions, { nullable: true, description: 'Detection tuning for every image; defaults apply when omitted.' })
    options: DetectionOptions | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DetectLandmarksPayload[]> {
    const { maxBatchSize, maxImageBytes } = ctx.config.limits;
    if (images.length > maxBatchSize) {
      throw new GraphQLError(`A batch holds at most ${maxBatchSize} images (got ${images.length}).`, {
        extensions: { code: 'BATCH_TOO_LARGE', maxBatchSize },
      });
    }
    return Promise.all(
      images.map((image, i) =>
        detectionPayload(ctx.loaders, { request: ctx.record, providers: ctx.providers, image, options, field: ['images', String(i)], maxImageBytes }),
      ),
    );
  }
}
