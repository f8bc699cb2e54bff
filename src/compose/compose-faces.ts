// Face averages and morphs: each input's largest face found through the request's loaders (so the
// photo API's limits, rate limit and URL rules apply), the faces' meshes planned into one shape
// (geometry/composition-plan.ts), and the pictures warped onto it and averaged by the engine's workers.
import { CropFormat, encodePixels } from '../crops/face-crops';
import type { DetectionLoaders } from '../detection/detection-loaders';
import type { UserErrorData } from '../detection/detection-payload';
import { resolveDetectionSettings } from '../detection/detection-options';
import type { DetectionRequest } from '../detection/detection-request';
import type { DetectedFace } from '../detection/detection-runner';
import { ErrorCode, UserFacingError } from '../errors';
import { planComposition } from '../geometry/composition-plan';
import type { Box, Point } from '../geometry/geometry';
import type { Point3 } from '../geometry/head-pose';
import { readImageInput, type ImageReading, type ImageSource } from '../image/image-input';
import { describeError, log } from '../logger';
import type { DetectionSettings, FaceAnalyser } from '../providers/provider';
import type { Providers } from '../providers/providers';

/** What composing needs of the request it serves. */
export interface ComposeContext {
  request: DetectionRequest;
  providers: Providers;
  loaders: DetectionLoaders;
  reading: ImageReading;
}

export interface ComposeOptionsInput {
  width?: number | null;
  height?: number | null;
  format?: CropFormat | null;
}

export interface ComposedFaceData {
  image: { dataUrl: string; width: number; height: number };
  /** The composed face's refined mesh (478 points) in output pixels (MEDIAPIPE_478). */
  mesh: Point3[];
  /** Its 68 points in output pixels (IBUG_68, and FIVE_POINT from them): the inputs' own, warped with their pictures. */
  points68: Point[];
  /** Per input, in input order, the face it contributed. */
  sources: Array<{ index: number; faceId: string; rectangle: Box }>;
}

/** A payload as the photo API's: the face on success, typed user errors (every input's) otherwise, never both. */
export interface ComposePayload {
  face: ComposedFaceData | null;
  userErrors: UserErrorData[];
}

/** Output sides accepted, in pixels. */
export const COMPOSE_SIDE = { min: 64, max: 1024, default: 512 } as const;
/** Morph amounts accepted: 0 is `from`, 1 is `to`, beyond them a caricature. */
export const MORPH_AMOUNT = { min: -1, max: 2 } as const;

interface Input {
  image: ImageSource;
  /** Where the input sits in the request, for `UserError.field`. */
  field: string[];
}

interface Output {
  width: number;
  height: number;
  format: CropFormat;
}

/** The average of the largest face of each image. */
export function averageFaces(
  ctx: ComposeContext,
  images: readonly ImageSource[],
  options: ComposeOptionsInput | null,
  maxImages: number,
): Promise<ComposePayload> {
  return asPayload(ctx, async () => {
    if (images.length === 0) throw new UserFacingError(ErrorCode.INVALID_INPUT, 'An average needs at least one image.', ['images']);
    if (images.length > maxImages) {
      throw new UserFacingError(ErrorCode.TOO_MANY_IMAGES, `An average takes at most ${maxImages} images (got ${images.length}).`, ['images']);
    }
    const output = outputOf(options);
    return compose(
      ctx,
      images.map((image, i) => ({ image, field: ['images', String(i)] })),
      images.map(() => 1 / images.length),
      output,
    );
  });
}

/** The face `amount` of the way from `from`'s largest face to `to`'s, in shape and texture. */
export function morphFaces(
  ctx: ComposeContext,
  from: ImageSource,
  to: ImageSource,
  amount: number,
  options: ComposeOptionsInput | null,
): Promise<ComposePayload> {
  return asPayload(ctx, async () => {
    if (!Number.isFinite(amount) || amount < MORPH_AMOUNT.min || amount > MORPH_AMOUNT.max) {
      throw new UserFacingError(ErrorCode.INVALID_OPTION, `amount must be between ${MORPH_AMOUNT.min} and ${MORPH_AMOUNT.max} (got ${amount}).`, ['amount']);
    }
    const output = outputOf(options);
    return compose(
      ctx,
      [
        { image: from, field: ['from'] },
        { image: to, field: ['to'] },
      ],
      [1 - amount, amount],
      output,
    );
  });
}

function outputOf(options: ComposeOptionsInput | null): Output {
  const side = (name: 'width' | 'height') => {
    const value = options?.[name] ?? COMPOSE_SIDE.default;
    if (!Number.isInteger(value) || value < COMPOSE_SIDE.min || value > COMPOSE_SIDE.max) {
      throw new UserFacingError(ErrorCode.INVALID_OPTION, `${name} must be an integer from ${COMPOSE_SIDE.min} to ${COMPOSE_SIDE.max} (got ${value}).`, [
        'options',
        name,
      ]);
    }
    return value;
  };
  return { width: side('width'), height: side('height'), format: options?.format ?? CropFormat.PNG };
}

/** Expected failures as the payload's user errors, each noted on the request; bugs still throw. */
async function asPayload(ctx: ComposeContext, work: () => Promise<ComposePayload>): Promise<ComposePayload> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    return failed(ctx, [error]);
  }
}

function failed(ctx: ComposeContext, errors: readonly UserFacingError[]): ComposePayload {
  for (const error of errors) ctx.request.noteUserError(error.code);
  return { face: null, userErrors: errors.map((e) => ({ code: e.code, message: e.message, field: e.field })) };
}

async function compose(ctx: ComposeContext, inputs: readonly Input[], weights: readonly number[], output: Output): Promise<ComposePayload> {
  const engine = ctx.providers.analyser;
  if (!engine) throw new UserFacingError(ErrorCode.ENGINE_DISABLED, 'Composing faces needs the embedded engine, which this server runs without.');
  const settings = resolveDetectionSettings(null, ctx.providers);
  // Every input is read and detected before any answer, so that the client learns of all bad ones at once.
  const found = await Promise.all(
    inputs.map((input) =>
      largestFace(ctx, input, settings).catch((error: unknown) => {
        if (!(error instanceof UserFacingError)) throw error;
        return new UserFacingError(error.code, error.message, error.field ?? input.field);
      }),
    ),
  );
  const errors = found.filter((f): f is UserFacingError => f instanceof UserFacingError);
  if (errors.length > 0) return failed(ctx, errors);
  const faces = found as Array<{ face: DetectedFace; mesh: Point3[]; points68: Point[] }>;
  const plan = planComposition(
    faces.map((f) => f.mesh),
    weights,
    output.width,
    output.height,
    faces.map((f) => f.points68),
  );
  const picture = await composite(engine, {
    width: plan.width,
    height: plan.height,
    target: plan.target,
    triangles: plan.triangles,
    sources: faces.map(({ face }, i) => ({ image: face.image, vertices: plan.sources[i]!, weight: weights[i]! })),
  });
  return {
    face: {
      image: await encodePixels(picture, output.format),
      mesh: plan.mesh,
      points68: plan.points68,
      sources: faces.map(({ face }, index) => ({ index, faceId: face.id, rectangle: face.rectangle })),
    },
    userErrors: [],
  };
}

/** The input's largest face, its mesh and 68 points, or the input's user error. */
async function largestFace(ctx: ComposeContext, input: Input, settings: DetectionSettings): Promise<{ face: DetectedFace; mesh: Point3[]; points68: Point[] }> {
  await ctx.request.admitImage();
  const image = await readImageInput(input.image, ctx.reading, input.field);
  const { faces } = await ctx.loaders.detect({ image, settings });
  const face = faces.reduce<DetectedFace | undefined>((best, f) => (!best || area(f.rectangle) > area(best.rectangle) ? f : best), undefined);
  if (!face) throw new UserFacingError(ErrorCode.NO_FACE, `No face was found in this image (${input.field.join('.')}).`, input.field);
  try {
    const mesh = await ctx.loaders.mesh.load(face);
    const points68 = await ctx.loaders.landmarks68(face);
    if (mesh && points68) return { face, mesh, points68 };
  } catch {
    // The loader has logged the engine's failure.
  }
  throw new UserFacingError(ErrorCode.ENGINE_FAILURE, 'The face engine failed on this face; retrying may help.', input.field);
}

async function composite(engine: FaceAnalyser, request: Parameters<FaceAnalyser['compose']>[0]) {
  try {
    return await engine.compose(request);
  } catch (error) {
    log.error('the engine failed to compose faces', { faces: request.sources.length, error: describeError(error) });
    throw new UserFacingError(ErrorCode.ENGINE_FAILURE, 'The face engine failed while composing the faces; retrying may help.');
  }
}

const area = (b: Box) => b.width * b.height;
