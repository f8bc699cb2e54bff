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

/** What point `index` (0-67) of the iBUG 300-W scheme marks. */
export function ibug68Part(index: number): PartInfo {
  if (index <= 16) return { part: 'JAW_CONTOUR', region: 'JAW' };
  if (index <= 21) return { part: 'LEFT_BROW', region: 'BROWS' };
  if (index <= 26) return { part: 'RIGHT_BROW', region: 'BROWS' };
  if (index <= 29) return { part: 'NOSE_BRIDGE', region: 'NOSE' };
  if (index === 30) return { part: 'NOSE_TIP', region: 'NOSE' };
  if (index <= 35) return { part: 'NOSTRILS', region: 'NOSE' };
  if (index <= 41) return { part: 'LEFT_EYE_CONTOUR', region: 'EYES' };
  if (index <= 47) return { part: 'RIGHT_EYE_CONTOUR', region: 'EYES' };
  if (index === 48) return { part: 'MOUTH_LEFT', region: 'LIPS' };
  if (index === 54) return { part: 'MOUTH_RIGHT', region: 'LIPS' };
  if (index <= 59) return { part: 'OUTER_LIPS', region: 'LIPS' };
  if (index <= 67) return { part: 'INNER_LIPS', region: 'LIPS' };
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
