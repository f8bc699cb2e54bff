import { GraphQLError } from 'graphql';
import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { detectionPayload } from '../../src/detection/detection-payload';
import type { GraphQLContext } from '../../src/graphql/context';
import { DetectionOptions } from './detection-options.input';
import { ImageInput } from './image.input';
import { DetectLandmarksPayload } from './detect-landmarks.payload';
import { DetectLandmarksArgs } from './detect-landmarks.args';

const DETECT = 'Finds every face in one image with its box, five landmark points and quality.';

@Resolver()
export class DetectLandmarksResolver {
  @Mutation(() => DetectLandmarksPayload, { description: DETECT })
  detectLandmarks(@Args(() => DetectLandmarksArgs) { image, options }: DetectLandmarksArgs, @Ctx() ctx: GraphQLContext): Promise<DetectLandmarksPayload> {
    return detectOne(ctx, image, options ?? null);
  }

  // The same work as a query, so that clients can use useQuery, Suspense and cache reads; detection
  // changes nothing on the server, and the mutation stays for existing clients.
  @Query(() => DetectLandmarksPayload, {
    name: 'detectLandmarks',
    description: `${DETECT} The query twin of the mutation of the same name, for client caches (useQuery, Suspense).`,
  })
  detectLandmarksQuery(@Args(() => DetectLandmarksArgs) { image, options }: DetectLandmarksArgs, @Ctx() ctx: GraphQLContext): Promise<DetectLandmarksPayload> {
    return detectOne(ctx, image, options ?? null);
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
    const { maxBatchSize } = ctx.config.limits;
    if (images.length > maxBatchSize) {
      throw new GraphQLError(`A batch holds at most ${maxBatchSize} images (got ${images.length}).`, {
        extensions: { code: 'BATCH_TOO_LARGE', maxBatchSize },
      });
    }
    return Promise.all(images.map((image, i) => detectOne(ctx, image, options, ['images', String(i)])));
  }
}

function detectOne(ctx: GraphQLContext, image: ImageInput, options: DetectionOptions | null, field = ['image']): Promise<DetectLandmarksPayload> {
  return detectionPayload(ctx.loaders, { request: ctx.record, providers: ctx.providers, image, options, field, reading: ctx.imageReading });
}
