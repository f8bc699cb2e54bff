/**
 * The parts of the iBUG 300-W 68-point scheme. Left and right are the image's (MXFace's convention):
 * points 17-21 and 36-41 are the brow and eye nearer the image's left edge.
 */
export enum LandmarkPart {
  LEFT_EYE = 'LEFT_EYE',
  RIGHT_EYE = 'RIGHT_EYE',
  NOSE_TIP = 'NOSE_TIP',
  MOUTH_LEFT = 'MOUTH_LEFT',
  MOUTH_RIGHT = 'MOUTH_RIGHT',
  JAW_CONTOUR = 'JAW_CONTOUR',
  LEFT_BROW = 'LEFT_BROW',
  RIGHT_BROW = 'RIGHT_BROW',
  NOSE_BRIDGE = 'NOSE_BRIDGE',
  NOSTRILS = 'NOSTRILS',
  LEFT_EYE_CONTOUR = 'LEFT_EYE_CONTOUR',
  RIGHT_EYE_CONTOUR = 'RIGHT_EYE_CONTOUR',
  OUTER_LIPS = 'OUTER_LIPS',
  INNER_LIPS = 'INNER_LIPS',
  LEFT_PUPIL = 'LEFT_PUPIL',
  RIGHT_PUPIL = 'RIGHT_PUPIL',
  LEFT_IRIS = 'LEFT_IRIS',
  RIGHT_IRIS = 'RIGHT_IRIS',
  MESH = 'MESH',
}

/** The part of the face a landmark belongs to. */
export enum FaceRegion {
  JAW = 'JAW',
  BROWS = 'BROWS',
  NOSE = 'NOSE',
  EYES = 'EYES',
  LIPS = 'LIPS',
  FACE = 'FACE',
}

export interface PartInfo {
  part: LandmarkPart;
  region: FaceRegion;
}

/** Index ranges (first and last, inclusive) of the iBUG 300-W scheme: the one table of them. */
export const IBUG68_RANGES = {
  jaw: [0, 16],
  leftBrow: [17, 21],
  rightBrow: [22, 26],
  noseBridge: [27, 29],
  nostrils: [31, 35],
  nose: [27, 35],
  leftEye: [36, 41],
  rightEye: [42, 47],
  eyes: [36, 47],
  outerLips: [48, 59],
  innerLips: [60, 67],
  mouth: [48, 67],
} as const satisfies Record<string, readonly [number, number]>;

export const IBUG68_NOSE_TIP = 30;
export const IBUG68_MOUTH_LEFT = 48;
export const IBUG68_MOUTH_RIGHT = 54;

/** The points of one range of a 68-point list. */
export function ibug68Range<T>(points: readonly T[], [first, last]: readonly [number, number]): T[] {
  return points.slice(first, last + 1);
}

const within = (index: number, [first, last]: readonly [number, number]) => index >= first && index <= last;

/** What point `index` (0-67) of the iBUG 300-W scheme marks. */
export function ibug68Part(index: number): PartInfo {
  const r = IBUG68_RANGES;
  if (within(index, r.jaw)) return { part: LandmarkPart.JAW_CONTOUR, region: FaceRegion.JAW };
  if (within(index, r.leftBrow)) return { part: LandmarkPart.LEFT_BROW, region: FaceRegion.BROWS };
  if (within(index, r.rightBrow)) return { part: LandmarkPart.RIGHT_BROW, region: FaceRegion.BROWS };
  if (within(index, r.noseBridge)) return { part: LandmarkPart.NOSE_BRIDGE, region: FaceRegion.NOSE };
  if (index === IBUG68_NOSE_TIP) return { part: LandmarkPart.NOSE_TIP, region: FaceRegion.NOSE };
  if (within(index, r.nostrils)) return { part: LandmarkPart.NOSTRILS, region: FaceRegion.NOSE };
  if (within(index, r.leftEye)) return { part: LandmarkPart.LEFT_EYE_CONTOUR, region: FaceRegion.EYES };
  if (within(index, r.rightEye)) return { part: LandmarkPart.RIGHT_EYE_CONTOUR, region: FaceRegion.EYES };
  if (index === IBUG68_MOUTH_LEFT) return { part: LandmarkPart.MOUTH_LEFT, region: FaceRegion.LIPS };
  if (index === IBUG68_MOUTH_RIGHT) return { part: LandmarkPart.MOUTH_RIGHT, region: FaceRegion.LIPS };
  if (within(index, r.outerLips)) return { part: LandmarkPart.OUTER_LIPS, region: FaceRegion.LIPS };
  if (within(index, r.innerLips)) return { part: LandmarkPart.INNER_LIPS, region: FaceRegion.LIPS };
  throw new RangeError(`iBUG 68 has no point ${index}`);
}

/** The five-point scheme, in its index order 0-4. */
export const FIVE_POINT_PARTS: ReadonlyArray<PartInfo & { key: 'leftEye' | 'rightEye' | 'noseTip' | 'mouthLeft' | 'mouthRight' }> = [
  { key: 'leftEye', part: LandmarkPart.LEFT_EYE, region: FaceRegion.EYES },
  { key: 'rightEye', part: LandmarkPart.RIGHT_EYE, region: FaceRegion.EYES },
  { key: 'noseTip', part: LandmarkPart.NOSE_TIP, region: FaceRegion.NOSE },
  { key: 'mouthLeft', part: LandmarkPart.MOUTH_LEFT, region: FaceRegion.LIPS },
  { key: 'mouthRight', part: LandmarkPart.MOUTH_RIGHT, region: FaceRegion.LIPS },
];
