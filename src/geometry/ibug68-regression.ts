// The iBUG 300-W 68 points as regressions on the face mesh, fitted on human annotations
// (tools/ibug68-fit). Each point is a linear function of its nearest mesh vertices, in a frame set
// by the two outer eye corners, so that it holds at any position, size and roll of the face.
import type { Point } from './geometry';
import type { Point3 } from './head-pose';
import { at } from '../checked';

/** The fitted table: per iBUG point, its mesh vertices and the weights of their (x, y, z), then a constant. */
export interface Ibug68Regression {
  nearestVertices: number;
  lambda: number;
  trainingFaces: number;
  points: Array<{ vertices: number[]; x: number[]; y: number[] }>;
}

// Mesh vertices of the image-left and image-right outer eye corners.
const LEFT_EYE_CORNER = 33;
const RIGHT_EYE_CORNER = 263;

/** Origin between the outer eye corners, x along them, one unit = their distance. */
export interface MeshFrame {
  origin: Point;
  /** Unit x axis (image-left to image-right eye corner), in image pixels. */
  axis: Point;
  unit: number;
}

export function meshFrame(mesh: readonly Point3[]): MeshFrame {
  const left = at(mesh, LEFT_EYE_CORNER);
  const right = at(mesh, RIGHT_EYE_CORNER);
  const unit = Math.hypot(right.x - left.x, right.y - left.y);
  if (!(unit > 0)) throw new RangeError('the mesh has both eye corners at one place');
  return { origin: { x: (left.x + right.x) / 2, y: (left.y + right.y) / 2 }, axis: { x: (right.x - left.x) / unit, y: (right.y - left.y) / unit }, unit };
}

/** Image pixels -> frame units (y is x turned a quarter clockwise, as image y is to image x). */
export function toFrame(frame: MeshFrame, p: Point3): Point3 {
  const dx = p.x - frame.origin.x;
  const dy = p.y - frame.origin.y;
  const { axis, unit } = frame;
  return { x: (dx * axis.x + dy * axis.y) / unit, y: (-dx * axis.y + dy * axis.x) / unit, z: p.z / unit };
}

export function fromFrame(frame: MeshFrame, q: Point): Point {
  const { axis, unit, origin } = frame;
  return { x: origin.x + unit * (q.x * axis.x - q.y * axis.y), y: origin.y + unit * (q.x * axis.y + q.y * axis.x) };
}

/** The 68 points of a mesh (image pixels in, image pixels out). */
export function ibug68ByRegression(mesh: readonly Point3[], regression: Ibug68Regression): Point[] {
  const frame = meshFrame(mesh);
  // Every vertex in the frame, as x, y, z at 3v: plain numbers, where a memo of objects was a
  // third of a photo's garbage.
  const framed = new Float64Array(mesh.length * 3);
  mesh.forEach((p, v) => {
    const q = toFrame(frame, p);
    framed[3 * v] = q.x;
    framed[3 * v + 1] = q.y;
    framed[3 * v + 2] = q.z;
  });
  return regression.points.map(({ vertices, x, y }) => {
    const apply = (weights: readonly number[]) => {
      let sum = at(weights, 3 * vertices.length);
      for (let k = 0; k < vertices.length; k++) {
        const v = 3 * at(vertices, k);
        if (v >= framed.length) throw new RangeError(`the mesh has no vertex ${v / 3}`);
        // Reading the constant (at 3 K) above showed that every weight read here exists.
        sum = sum + weights[3 * k]! * framed[v]! + weights[3 * k + 1]! * framed[v + 1]! + weights[3 * k + 2]! * framed[v + 2]!;
      }
      return sum;
    };
    return fromFrame(frame, { x: apply(x), y: apply(y) });
  });
}
