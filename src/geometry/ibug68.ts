/**
 * The parts of the iBUG 300-W 68-point scheme. Left and right are the image's (MXFace's convention):
 * points 17-21 and 36-41 are the brow and eye nearer the image's left edge.
 */
export type LandmarkPart =
  | 'JAW_CONTOUR'
  | 'LEFT_BROW'
  | 'RIGHT_BROW'
  | 'NOSE_BRIDGE'
  | 'NOSE_TIP'
  | 'NOSTRILS'
  | 'LEFT_EYE'
  | 'RIGHT_EYE'
  | 'LEFT_EYE_CONTOUR'
  | 'RIGHT_EYE_CONTOUR'
  | 'MOUTH_LEFT'
  | 'MOUTH_RIGHT'
  | 'OUTER_LIPS'
  | 'INNER_LIPS'
  | 'LEFT_PUPIL'
  | 'RIGHT_PUPIL'
  | 'LEFT_IRIS'
  | 'RIGHT_IRIS'
  | 'MESH';

export type FaceRegionName = 'JAW' | 'BROWS' | 'NOSE' | 'EYES' | 'LIPS' | 'FACE';

export interface PartInfo {
  part: LandmarkPart;
  region: FaceRegionName;
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
  if (within(index, r.jaw)) return { part: 'JAW_CONTOUR', region: 'JAW' };
  if (within(index, r.leftBrow)) return { part: 'LEFT_BROW', region: 'BROWS' };
  if (within(index, r.rightBrow)) return { part: 'RIGHT_BROW', region: 'BROWS' };
  if (within(index, r.noseBridge)) return { part: 'NOSE_BRIDGE', region: 'NOSE' };
  if (index === IBUG68_NOSE_TIP) return { part: 'NOSE_TIP', region: 'NOSE' };
  if (within(index, r.nostrils)) return { part: 'NOSTRILS', region: 'NOSE' };
  if (within(index, r.leftEye)) return { part: 'LEFT_EYE_CONTOUR', region: 'EYES' };
  if (within(index, r.rightEye)) return { part: 'RIGHT_EYE_CONTOUR', region: 'EYES' };
  if (index === IBUG68_MOUTH_LEFT) return { part: 'MOUTH_LEFT', region: 'LIPS' };
  if (index === IBUG68_MOUTH_RIGHT) return { part: 'MOUTH_RIGHT', region: 'LIPS' };
  if (within(index, r.outerLips)) return { part: 'OUTER_LIPS', region: 'LIPS' };
  if (within(index, r.innerLips)) return { part: 'INNER_LIPS', region: 'LIPS' };
  throw new RangeError(`iBUG 68 has no point ${index}`);
}

/** The five-point scheme, in its index order 0-4. */
export const FIVE_POINT_PARTS: ReadonlyArray<PartInfo & { key: 'leftEye' | 'rightEye' | 'noseTip' | 'mouthLeft' | 'mouthRight' }> = [
  { key: 'leftEye', part: 'LEFT_EYE', region: 'EYES' },
  { key: 'rightEye', part: 'RIGHT_EYE', region: 'EYES' },
  { key: 'noseTip', part: 'NOSE_TIP', region: 'NOSE' },
  { key: 'mouthLeft', part: 'MOUTH_LEFT', region: 'LIPS' },
  { key: 'mouthRight', part: 'MOUTH_RIGHT', region: 'LIPS' },
];
