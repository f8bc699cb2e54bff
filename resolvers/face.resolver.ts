import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Point } from '../src/geometry/geometry';
import { estimateHeadPose } from '../src/geometry/head-pose';
import { FIVE_POINT_PARTS, ibug68Part } from '../src/geometry/ibug68';
import type { GraphQLContext } from '../src/graphql/context';
import type { DetectedFace } from '../src/detection/landmark-detector';
import { rankExpressions, type ExpressionName } from '../src/detection/expressions';
import { Expression } from './enums/expression.enum';
import { FaceRegion } from './enums/face-region.enum';
import { LandmarkScheme } from './enums/landmark-scheme.enum';
import { landmarkTypeOf } from './enums/landmark-type.enum';
import { ExpressionScore } from './types/expression-score.type';
import { Face } from './types/face.type';
import { HeadPose } from './types/head-pose.type';
import { Landmark } from './types/landmark.type';

@Resolver(() => Face)
export class FaceResolver {
  @FieldResolver(() => [Landmark], {
    description:
      'The landmark points of the scheme asked for, in index order. FIVE_POINT leaves out a mouth corner the provider did not report (MXFace may omit them).',
  })
  async landmarks(
    @Root() face: DetectedFace,
    @Arg('scheme', () => LandmarkScheme, { defaultValue: LandmarkScheme.FIVE_POINT, description: 'Which points: the five (default) or the 68 of iBUG 300-W.' })
    scheme: LandmarkScheme,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Landmark[]> {
    if (scheme === LandmarkScheme.FIVE_POINT) {
      return FIVE_POINT_PARTS.flatMap(({ key, part, region }, index) => {
        const point = face.fivePoints[key];
        return point ? [landmark(part, region, index, point)] : [];
      });
    }
    const points = await ctx.loaders.landmarks68.load(face);
    return (points ?? []).map((point, index) => {
      const { part, region } = ibug68Part(index);
      return landmark(part, region, index, point);
    });
  }

  @FieldResolver(() => [ExpressionScore], {
    nullable: true,
    description:
      'The seven expression probabilities, most likely first, from the embedded expression model (also for MXFace faces, on MXFace\'s box). Null when the embedded engine is disabled. Computed only when selected; all faces of a request go to one batched inference.',
  })
  async expressions(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<ExpressionScore[] | null> {
    const probabilities = await ctx.loaders.expressions.load(face);
    return probabilities && rankExpressions(probabilities).map(({ expression, probability }) => ({ expression: expressionOf(expression), probability }));
  }

  @FieldResolver(() => Expression, { nullable: true, description: 'The most likely expression; null when `expressions` is null.' })
  async dominantExpression(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<Expression | null> {
    const probabilities = await ctx.loaders.expressions.load(face);
    return probabilities && expressionOf(rankExpressions(probabilities)[0].expression);
  }

  @FieldResolver(() => HeadPose, { description: 'Head orientation (yaw, pitch, roll) in degrees, from the five points.' })
  pose(@Root() face: DetectedFace): HeadPose {
    return estimateHeadPose(face.fivePoints);
  }
}

const expressionOf = (name: ExpressionName) => Expression[name.toUpperCase() as keyof typeof Expression];

function landmark(part: Parameters<typeof landmarkTypeOf>[0], region: string, index: number, point: Point): Landmark {
  return { type: landmarkTypeOf(part), region: region as FaceRegion, index, point };
}
