import { centroid, type Point } from './geometry';
import { IBUG68_MOUTH_LEFT, IBUG68_MOUTH_RIGHT, IBUG68_NOSE_TIP, IBUG68_RANGES, ibug68Range } from './ibug68';

/**
 * The five MXFace points. "Left" and "right" are the image's left and right (MXFace's convention),
 * so LEFT_EYE is the subject's right eye.
 */
export interface FivePoints {
  leftEye: Point;
  rightEye: Point;
  noseTip: Point;
  /** Some providers (MXFace backends) omit the mouth corners. */
  mouthLeft?: Point;
  mouthRight?: Point;
}

/** Applies `fn` to every point present. */
export function mapFivePoints(points: FivePoints, fn: (p: Point) => Point): FivePoints {
  return {
    leftEye: fn(points.leftEye),
    rightEye: fn(points.rightEye),
    noseTip: fn(points.noseTip),
    ...(points.mouthLeft ? { mouthLeft: fn(points.mouthLeft) } : {}),
    ...(points.mouthRight ? { mouthRight: fn(points.mouthRight) } : {}),
  };
}

/** Number of points in the iBUG 300-W 68-point scheme. */
export const IBUG_68_COUNT = 68;

/**
 * Derives the five points from the iBUG 300-W 68: eye centre = mean of the eye contour
 * (36-41 image-left, 42-47 image-right), nose tip = 30, mouth corners = 48 and 54.
 */
export function fivePointsFrom68(points: readonly Point[]): FivePoints {
  if (points.length !== IBUG_68_COUNT) throw new Error(`expected 68 points, got ${points.length}`);
  return {
    leftEye: centroid(ibug68Range(points, IBUG68_RANGES.leftEye)),
    rightEye: centroid(ibug68Range(points, IBUG68_RANGES.rightEye)),
    noseTip: points[IBUG68_NOSE_TIP] as Point,
    mouthLeft: points[IBUG68_MOUTH_LEFT] as Point,
    mouthRight: points[IBUG68_MOUTH_RIGHT] as Point,
  };
}
