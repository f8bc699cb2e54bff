import { Arg, Ctx, FieldResolver, Float, Int, Resolver, Root } from 'type-graphql';
import { alignFace, cropImage, partBox } from '../../src/crops/face-crops';
import { estimateHeadPose, headPoseFromMesh } from '../../src/geometry/head-pose';
import type { GraphQLContext } from '../../src/graphql/context';
import type { DetectedFace } from '../../src/detection/detection-runner';
import { rankExpressions } from '../../src/detection/expressions';
import { Expression } from './expression.enum';
import { FacePart } from './face-part.enum';
import { ImageFormat } from './crop-format.enum';
import { LandmarkScheme } from './landmark-scheme.enum';
import { ExpressionScore } from './expression-score.type';
import { Face } from './face.type';
import { HeadPose } from './head-pose.type';
import { Eyes } from './eyes.type';
import { Mouth } from './mouth.type';
import { eyesFromMesh, mouthFromMesh } from '../../src/geometry/eyes-and-mouth';
import { ImageCrop } from './image-crop.type';
import { checkSize } from './crop-size';
import { Landmark } from './landmark.type';
import { fivePointLandmarks, ibug68Landmarks, meshLandmarks } from './landmark-list';

@Resolver(() => Face)
export class FaceResolver {
  @FieldResolver(() => [Landmark], {
    nullable: true,
    description:
      'The landmark points of the scheme asked for, in index order. FIVE_POINT leaves out a mouth corner the provider did not report (MXFace may omit them). IBUG_68 and MEDIAPIPE_478 are computed once per face and request, whichever of the two is asked for. Null only when the engine failed on this face (an ENGINE_FAILURE error names the field).',
  })
  async landmarks(
    @Root() face: DetectedFace,
    @Arg('scheme', () => LandmarkScheme, {
      defaultValue: LandmarkScheme.FIVE_POINT,
      description: "Which points: the five (default), the 68 of iBUG 300-W, or MediaPipe's 478-point mesh.",
    })
    scheme: LandmarkScheme,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Landmark[] | null> {
    if (scheme === LandmarkScheme.FIVE_POINT) return fivePointLandmarks(face.fivePoints);
    if (scheme === LandmarkScheme.MEDIAPIPE_478) return meshLandmarks((await ctx.loaders.mesh.load(face)) ?? []);
    return ibug68Landmarks((await ctx.loaders.landmarks68(face)) ?? []);
  }

  @FieldResolver(() => [ExpressionScore], {
    nullable: true,
    description:
      "The seven expression probabilities, most likely first, from the embedded expression model (also for MXFace faces, on MXFace's box). Null when the embedded engine is disabled. Computed only when selected; all faces of a request go to one batched inference.",
  })
  async expressions(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<ExpressionScore[] | null> {
    const probabilities = await ctx.loaders.expressions.load(face);
    return probabilities && rankExpressions(probabilities);
  }

  @FieldResolver(() => Expression, { nullable: true, description: 'The most likely expression; null when `expressions` is null.' })
  async dominantExpression(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<Expression | null> {
    const probabilities = await ctx.loaders.expressions.load(face);
    return probabilities && (rankExpressions(probabilities)[0]?.expression ?? null);
  }

  @FieldResolver(() => ImageCrop, {
    nullable: true,
    description:
      'A crop of one part of the face, padded, scaled to `size` on its longer side. Null when the part cannot be located (MOUTH of an MXFace face without mouth corners) or lies outside the image.',
  })
  async region(
    @Root() face: DetectedFace,
    @Arg('part', () => FacePart, { description: 'Which part.' }) part: FacePart,
    @Arg('size', () => Int, { defaultValue: 128, description: 'Longer side of the result in pixels, 16 to `MAX_CROP_SIZE` (default 1024).' }) size: number,
    @Arg('format', () => ImageFormat, { defaultValue: ImageFormat.JPEG, description: 'Encoding of the result.' }) format: ImageFormat,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ImageCrop | null> {
    checkSize(size, ctx.config.limits.maxCropSize);
    const points68 = part === FacePart.FACE ? null : await ctx.loaders.landmarks68(face);
    const box = partBox(part, face, points68);
    return (box && (await cropImage(await face.image.upright(), box, size, format))) ?? null;
  }

  @FieldResolver(() => ImageCrop, {
    nullable: true,
    description:
      'The face warped by the similarity transform that maps its five points onto the standard ArcFace 112x112 template (scaled to `size`), ready for recognition models, face swapping and averaging. Sampled bilinearly from the detection-size picture by the embedded engine, all faces of a request in one worker task; null when the engine is disabled.',
  })
  async aligned(
    @Root() face: DetectedFace,
    @Arg('size', () => Int, { defaultValue: 112, description: 'Side of the square result in pixels, 16 to `MAX_CROP_SIZE`.' }) size: number,
    @Arg('format', () => ImageFormat, { defaultValue: ImageFormat.JPEG, description: 'Encoding of the result.' }) format: ImageFormat,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ImageCrop | null> {
    checkSize(size, ctx.config.limits.maxCropSize);
    const chip = await alignFace(face, size, format, (image, toImage, side) => ctx.loaders.warps.load({ image, toImage, size: side }));
    return chip && { dataUrl: chip.dataUrl, width: chip.width, height: chip.height, rectangle: chip.rectangle };
  }

  @FieldResolver(() => [Float], {
    nullable: true,
    description:
      "A 128-dimensional face embedding: face-api's recognition net (a port of dlib's ResNet face model) on the face aligned onto the ArcFace template at 150 px. Compare faces by Euclidean distance: on photos of known people (docs/video.md) different people never measured closer than 0.40, and the same person across different photo shoots measured 0.27-0.53, so under 0.40 is the same person and above it may still be (face-api's usual 0.6 assumes its own alignment and is far too loose here). Null when the embedded engine is disabled; computed only when selected, all faces of a request in one batched inference.",
  })
  descriptor(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<number[] | null> {
    return ctx.loaders.descriptors.load(face);
  }

  @FieldResolver(() => HeadPose, {
    nullable: true,
    description:
      "Head orientation (yaw, pitch, roll) in degrees, from the face's 3-D mesh (the axes from ear to ear and from forehead to chin). From the five points, with average face proportions, when the embedded engine is disabled. Null only when the engine failed on this face (an ENGINE_FAILURE error names the field).",
  })
  async pose(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<HeadPose> {
    const mesh = await ctx.loaders.mesh.load(face);
    return mesh ? headPoseFromMesh(mesh) : estimateHeadPose(face.fivePoints);
  }
  @FieldResolver(() => Eyes, {
    nullable: true,
    description:
      'Eye openness and gaze, from the face mesh (the mesh the request already has; no extra inference). Null when no mesh can be had (the embedded engine is disabled) or the engine failed on this face (an ENGINE_FAILURE error names the field).',
  })
  async eyes(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<Eyes | null> {
    const mesh = await ctx.loaders.mesh.load(face);
    return mesh ? eyesFromMesh(mesh, headPoseFromMesh(mesh)) : null;
  }

  @FieldResolver(() => Mouth, {
    nullable: true,
    description:
      'Mouth openness, from the face mesh. Null when no mesh can be had (the embedded engine is disabled) or the engine failed on this face (an ENGINE_FAILURE error names the field).',
  })
  async mouth(@Root() face: DetectedFace, @Ctx() ctx: GraphQLContext): Promise<Mouth | null> {
    const mesh = await ctx.loaders.mesh.load(face);
    return mesh ? mouthFromMesh(mesh) : null;
  }
}
