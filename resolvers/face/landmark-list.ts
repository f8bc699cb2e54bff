import type { Point } from '../../src/geometry/geometry';
import type { FivePoints } from '../../src/geometry/landmarks';
import { FIVE_POINT_PARTS, ibug68Part, type FaceRegion, type LandmarkPart } from '../../src/geometry/ibug68';
import { meshPart } from '../../src/providers/embedded/mediapipe/face-mesh';
import type { Landmark } from './landmark.type';

/** The five points in index order; a mouth corner the provider did not report is left out. */
export function fivePointLandmarks(points: FivePoints): Landmark[] {
  return FIVE_POINT_PARTS.flatMap(({ key, part, region }, index) => {
    const point = points[key];
    return point ? [landmark(part, region, index, point)] : [];
  });
}

export function ibug68Landmarks(points: readonly Point[]): Landmark[] {
  return points.map((point, index) => {
    const { part, region } = ibug68Part(index);
    return landmark(part, region, index, point);
  });
}

export function meshLandmarks(points: ReadonlyArray<Point & { z?: number }>): Landmark[] {
  return points.map((point, index) => {
    const { part, region } = meshPart(index);
    return landmark(part, region, index, point);
  });
}

function landmark(type: LandmarkPart, region: FaceRegion, index: number, point: Point & { z?: number }): Landmark {
  return { type, region, index, point: { x: point.x, y: point.y, z: point.z ?? null } };
}
