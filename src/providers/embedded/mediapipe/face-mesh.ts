// MediaPipe face mesh with attention ("facemesh-attention"): merging its refinement heads into the
// 478-point mesh. Pure: no tfjs. The index maps are MediaPipe's (face_landmarks_refinement).
import type { Point3 } from '../../../geometry/head-pose';
import { FaceRegion, LandmarkPart, type PartInfo } from '../../../geometry/ibug68';
import { at } from '../../../checked';
import { boundingBox, type Box, type Point } from '../../../geometry/geometry';

/** The model's square input side. */
export const MESH_INPUT = 192;
export const MESH_POINTS = 468;
export const REFINED_MESH_POINTS = 478;

/** A mesh point; z is depth on the x/y scale, smaller = nearer the camera. */
export type MeshPoint = Point3;

/** Mesh indices that the lip head's 80 points replace. */
const LIPS = [
  61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409, 78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82,
  13, 312, 311, 310, 415, 76, 77, 90, 180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408, 62, 96, 89, 179, 86, 15, 316, 403, 319,
  325, 292, 183, 42, 41, 38, 12, 268, 271, 272, 407,
];
/** Mesh indices that the first eye head's 71 points replace (the image-left eye of a frontal face). */
const EYE_IMAGE_LEFT = [
  33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25, 110, 24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31,
  228, 229, 230, 231, 232, 233, 244, 113, 225, 224, 223, 222, 221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120, 121, 128, 245, 156, 70, 63, 105,
  66, 107, 55, 193,
];
/** The same for the other eye. */
const EYE_IMAGE_RIGHT = [
  263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255, 339, 254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286,
  414, 446, 261, 448, 449, 450, 451, 452, 453, 464, 342, 445, 444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295, 372, 340, 346, 347, 348, 349, 350, 357,
  465, 383, 300, 293, 334, 296, 336, 285, 417,
];
// The eye contour (the first 16 of each eye map): the iris takes its mean depth.
const EYE_CONTOUR = 16;

/** Mesh index of each pupil (the iris centre): 468 image-left, 473 image-right. */
export const LEFT_PUPIL_INDEX = 468;
export const RIGHT_PUPIL_INDEX = 473;

/** A seed (a FaceSeed) from a mesh: the extent of its 468 surface points, and its pupils as the eyes. */
export function seedFromMesh(mesh: readonly MeshPoint[]): { box: Box; leftEye: Point; rightEye: Point } {
  return { box: boundingBox(mesh.slice(0, MESH_POINTS)), leftEye: at(mesh, LEFT_PUPIL_INDEX), rightEye: at(mesh, RIGHT_PUPIL_INDEX) };
}

const EYE_CONTOURS = new Set([...EYE_IMAGE_LEFT.slice(0, EYE_CONTOUR), ...EYE_IMAGE_RIGHT.slice(0, EYE_CONTOUR)]);
// The lip head's first 40 points are the outer and inner lip contours.
const LIP_CONTOURS = new Set(LIPS.slice(0, 40));

/** What point `index` (0-477) of the refined mesh marks. */
export function meshPart(index: number): PartInfo {
  if (index === LEFT_PUPIL_INDEX) return { part: LandmarkPart.LEFT_PUPIL, region: FaceRegion.EYES };
  if (index === RIGHT_PUPIL_INDEX) return { part: LandmarkPart.RIGHT_PUPIL, region: FaceRegion.EYES };
  if (index > LEFT_PUPIL_INDEX && index < RIGHT_PUPIL_INDEX) return { part: LandmarkPart.LEFT_IRIS, region: FaceRegion.EYES };
  if (index > RIGHT_PUPIL_INDEX && index < REFINED_MESH_POINTS) return { part: LandmarkPart.RIGHT_IRIS, region: FaceRegion.EYES };
  if (index < 0 || index >= REFINED_MESH_POINTS) throw new RangeError(`the mesh has no point ${index}`);
  if (EYE_CONTOURS.has(index)) return { part: LandmarkPart.MESH, region: FaceRegion.EYES };
  if (LIP_CONTOURS.has(index)) return { part: LandmarkPart.MESH, region: FaceRegion.LIPS };
  return { part: LandmarkPart.MESH, region: FaceRegion.FACE };
}

/**
 * A mesh as x, y, z triples in one array: what crosses between threads (a copy of one buffer,
 * not hundreds of objects to clone and collect) and what a face keeps until someone asks for it.
 */
export type PackedMesh = Float32Array;

export function packMesh(points: readonly MeshPoint[]): PackedMesh {
  const packed = new Float32Array(points.length * 3);
  points.forEach((p, i) => {
    packed[3 * i] = p.x;
    packed[3 * i + 1] = p.y;
    packed[3 * i + 2] = p.z;
  });
  return packed;
}

export function unpackMesh(packed: PackedMesh): MeshPoint[] {
  return Array.from({ length: packed.length / 3 }, (_, i) => ({ x: at(packed, 3 * i), y: at(packed, 3 * i + 1), z: at(packed, 3 * i + 2) }));
}

/** The model's raw outputs for one face, all in crop pixels. */
export interface MeshHeads {
  /** 468 x (x, y, z). */
  mesh: ArrayLike<number>;
  /** 80 x (x, y). */
  lips: ArrayLike<number>;
  /** 71 x (x, y) each. */
  eyeLeft: ArrayLike<number>;
  eyeRight: ArrayLike<number>;
  /** 5 x (x, y) each: centre, then four points on the iris edge. */
  irisLeft: ArrayLike<number>;
  irisRight: ArrayLike<number>;
}

/** The 478-point refined mesh: the base mesh with lips and eyes replaced by their heads, plus the irises. */
export function refineMesh(heads: MeshHeads): MeshPoint[] {
  if (heads.mesh.length !== MESH_POINTS * 3) throw new Error(`mesh has ${heads.mesh.length} values, expected ${MESH_POINTS * 3}`);
  const points: MeshPoint[] = Array.from({ length: MESH_POINTS }, (_, i) => ({
    x: at(heads.mesh, 3 * i),
    y: at(heads.mesh, 3 * i + 1),
    z: at(heads.mesh, 3 * i + 2),
  }));
  const replace = (indexes: readonly number[], xy: ArrayLike<number>) => {
    if (xy.length !== indexes.length * 2) throw new Error(`refinement head has ${xy.length} values, expected ${indexes.length * 2}`);
    indexes.forEach((index, k) => (points[index] = { x: at(xy, 2 * k), y: at(xy, 2 * k + 1), z: at(points, index).z }));
  };
  // Iris depth comes from the base mesh's eye contour, before the eye heads move it in x/y only.
  const irisDepth = (eye: readonly number[]) => eye.slice(0, EYE_CONTOUR).reduce((sum, i) => sum + at(points, i).z, 0) / EYE_CONTOUR;
  const depthLeft = irisDepth(EYE_IMAGE_LEFT);
  const depthRight = irisDepth(EYE_IMAGE_RIGHT);
  replace(LIPS, heads.lips);
  replace(EYE_IMAGE_LEFT, heads.eyeLeft);
  replace(EYE_IMAGE_RIGHT, heads.eyeRight);
  const iris = (xy: ArrayLike<number>, z: number) => {
    if (xy.length !== 10) throw new Error(`iris head has ${xy.length} values, expected 10`);
    return Array.from({ length: 5 }, (_, k) => ({ x: at(xy, 2 * k), y: at(xy, 2 * k + 1), z }));
  };
  return [...points, ...iris(heads.irisLeft, depthLeft), ...iris(heads.irisRight, depthRight)];
}
