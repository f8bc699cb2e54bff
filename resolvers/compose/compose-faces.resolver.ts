import { Arg, Ctx, Float, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { averageFaces, morphFaces, type ComposeContext } from '../../src/compose/compose-faces';
import type { GraphQLContext } from '../../src/graphql/context';
import { fivePointsFrom68 } from '../../src/geometry/landmarks';
import { ImageInput } from '../detection/image.input';
import { Landmark } from '../face/landmark.type';
import { fivePointLandmarks, ibug68Landmarks, meshLandmarks } from '../face/landmark-list';
import { LandmarkScheme } from '../face/landmark-scheme.enum';
import { ComposeFacesPayload } from './compose-faces.payload';
import { ComposedFace } from './composed-face.type';
import { ComposeOptions } from './compose-options.input';

const OPTIONS = { nullable: true, description: 'The picture to draw in; defaults apply when omitted.' } as const;

@Resolver()
export class ComposeFacesResolver {
  @Mutation(() => ComposeFacesPayload, {
    description:
      "The average of faces: the largest face of each image, their shapes aligned (generalised Procrustes) and averaged, each picture warped onto the mean shape through the face mesh's triangles and the pictures averaged. Every image counts against the rate limit; the photo API's image limits and URL rules apply.",
  })
  averageFaces(
    @Arg('images', () => [ImageInput], { description: 'The photos, at most `serviceInfo.limits.maxComposeImages`; each contributes its largest face.' })
    images: ImageInput[],
    @Arg('options', () => ComposeOptions, OPTIONS) options: ComposeOptions | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ComposeFacesPayload> {
    return averageFaces(composeContext(ctx), images, options, ctx.config.limits.maxComposeImages);
  }

  @Mutation(() => ComposeFacesPayload, {
    description: 'A face between two others: the largest face of each photo, shape and texture blended by `amount`, drawn as `averageFaces` draws.',
  })
  morphFaces(
    @Arg('from', () => ImageInput, { description: 'The photo at amount 0.' }) from: ImageInput,
    @Arg('to', () => ImageInput, { description: 'The photo at amount 1.' }) to: ImageInput,
    @Arg('amount', () => Float, {
      description: 'How far from `from` towards `to`: 0 is `from`, 1 is `to`; -1 to 2, outside 0..1 exaggerates the difference (a caricature).',
    })
    amount: number,
    @Arg('options', () => ComposeOptions, OPTIONS) options: ComposeOptions | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ComposeFacesPayload> {
    return morphFaces(composeContext(ctx), from, to, amount, options);
  }
}

@Resolver(() => ComposedFace)
export class ComposedFaceResolver {
  @FieldResolver(() => [Landmark], { description: 'The landmarks of the face drawn, in output pixels: the 68 iBUG points by default.' })
  landmarks(
    @Root() face: ComposedFace,
    @Arg('scheme', () => LandmarkScheme, {
      defaultValue: LandmarkScheme.IBUG_68,
      description: 'Which points: the five, the 68 of iBUG 300-W, or the 478-point mesh.',
    })
    scheme: LandmarkScheme,
  ): Landmark[] {
    if (scheme === LandmarkScheme.MEDIAPIPE_478) return meshLandmarks(face.mesh);
    return scheme === LandmarkScheme.FIVE_POINT ? fivePointLandmarks(fivePointsFrom68(face.points68)) : ibug68Landmarks(face.points68);
  }
}

const composeContext = (ctx: GraphQLContext): ComposeContext => ({
  request: ctx.record,
  providers: ctx.providers,
  loaders: ctx.loaders,
  reading: ctx.imageReading,
});
