// Shapes (lists of corresponding points) brought to one frame by similarity transforms, and their mean:
// generalised Procrustes analysis, as face averaging does it (WebMorph, Psychomorph), then the mean
// placed in an output picture with the eyes level and centred.
import { applySimilarity, fitSimilarity, type Similarity } from './similarity';
import type { Point } from './geometry';

export interface ProcrustesMean {
  /** The mean shape, centred on 0, 0 with a root-mean-square distance of 1 from its centre. */
  mean: Point[];
  /** Per shape, the similarity taking it onto the mean. */
  toMean: Similarity[];
}

const centreOf = (shape: readonly Point[]): Point => ({
  x: shape.reduce((s, p) => s + p.x, 0) / shape.length,
  y: shape.reduce((s, p) => s + p.y, 0) / shape.length,
});

/** The shape moved to centre 0, 0 and scaled to a root-mean-square radius of 1. */
export function normalisedShape(shape: readonly Point[]): Point[] {
  const c = centreOf(shape);
  const radius = Math.sqrt(shape.reduce((s, p) => s + (p.x - c.x) ** 2 + (p.y - c.y) ** 2, 0) / shape.length);
  return shape.map((p) => ({ x: (p.x - c.x) / radius, y: (p.y - c.y) / radius }));
}

/** The weighted mean of shapes already in one frame (weights summing to 1; a morph's are 1 - t and t). */
export function blendShapes(shapes: ReadonlyArray<readonly Point[]>, weights: readonly number[]): Point[] {
  return shapes[0]!.map((_, k) => ({
    x: shapes.reduce((s, shape, i) => s + weights[i]! * shape[k]!.x, 0),
    y: shapes.reduce((s, shape, i) => s + weights[i]! * shape[k]!.y, 0),
  }));
}

/**
 * Generalised Procrustes analysis: each shape aligned by a least-squares similarity onto the current
 * mean, the mean recomputed from the aligned shapes (and held to the first shape's orientation), until
 * it moves less than `tolerance`.
 */
export function procrustesMean(shapes: ReadonlyArray<readonly Point[]>, maxIterations = 20, tolerance = 1e-10): ProcrustesMean {
  if (shapes.length === 0) throw new Error('procrustesMean needs at least one shape');
  const size = shapes[0]!.length;
  if (size < 2 || shapes.some((s) => s.length !== size))
    throw new Error(`every shape needs the same number of points, at least 2 (got ${shapes.map((s) => s.length).join(', ')})`);
  let mean = normalisedShape(shapes[0]!);
  for (let i = 0; i < maxIterations; i++) {
    const aligned = shapes.map((shape) => {
      const toMean = fitSimilarity(shape, mean);
      return shape.map((p) => applySimilarity(toMean, p));
    });
    const averaged = blendShapes(
      aligned,
      shapes.map(() => 1 / shapes.length),
    );
    // Without holding it, the mean's rotation and scale are free: align it back onto the last mean.
    const held = fitSimilarity(averaged, mean);
    const next = normalisedShape(averaged.map((p) => applySimilarity(held, p)));
    const moved = next.reduce((s, p, k) => s + (p.x - mean[k]!.x) ** 2 + (p.y - mean[k]!.y) ** 2, 0);
    mean = next;
    if (moved < tolerance) break;
  }
  return { mean, toMean: shapes.map((shape) => fitSimilarity(shape, mean)) };
}

/** Where a composed face sits in its picture: eye line and eye distance as shares of the height and width. */
export const FACE_PLACEMENT = { eyeLine: 0.4, eyeDistance: 0.3 };

/**
 * The similarity placing a shape in a width x height picture: the eye centres (the means of the points
 * at `leftEye` and `rightEye`) level, their midpoint on the vertical centre line at FACE_PLACEMENT.eyeLine
 * of the height, and FACE_PLACEMENT.eyeDistance of the width apart. Output coordinates are pixel-index
 * ones (pixel i's centre at i), so the centre line is x = (width - 1) / 2 and the picture's mirror
 * image mirrors the face about it.
 */
export function placement(shape: readonly Point[], leftEye: readonly number[], rightEye: readonly number[], width: number, height: number): Similarity {
  const eye = (indices: readonly number[]) => centreOf(indices.map((k) => shape[k]!));
  const from = [eye(leftEye), eye(rightEye)];
  const half = (FACE_PLACEMENT.eyeDistance * width) / 2;
  const y = FACE_PLACEMENT.eyeLine * height - 0.5;
  const centre = (width - 1) / 2;
  return fitSimilarity(from, [
    { x: centre - half, y },
    { x: centre + half, y },
  ]);
}
