// A face's points over time, smoothed in two parts. Where the face is (its centre, size and roll) is
// filtered lightly, so that a moving face is followed with little lag; its shape, in the face's own
// frame, is filtered hard: moving the face does not change its shape, so the shape's filter removes
// the points' jitter without making them trail the motion.
import { OneEuroFilter, type OneEuroParameters } from './one-euro-filter';

type Point = { x: number; y: number };

interface Placement {
  centre: Point;
  /** Root-mean-square distance of the points from their centre, pixels. */
  size: number;
  /** Roll against the face's first shape, radians. */
  angle: number;
}

export interface FaceSmoothing {
  /** For the centre (speed per face size), the size (per face size) and the roll (per radian). */
  placement: OneEuroParameters;
  /** For each point of the shape (in face sizes). */
  shape: OneEuroParameters;
}

export class FaceSmoother {
  private reference?: Point[];
  private placement: OneEuroFilter[] = [];
  private shape: OneEuroFilter[] = [];

  constructor(private readonly parameters: FaceSmoothing) {}

  /** The points at `time` (seconds, increasing); the first sample, and the first of another layout, pass unchanged. */
  smooth(points: readonly Point[], time: number): Point[] {
    if (!this.reference || this.reference.length !== points.length) {
      this.reference = normalised(points, placementOf(points));
      this.placement = Array.from({ length: 4 }, () => new OneEuroFilter(this.parameters.placement));
      this.shape = Array.from({ length: points.length * 2 }, () => new OneEuroFilter(this.parameters.shape));
    }
    const raw = placementOf(points, this.reference);
    const shape = normalised(points, raw).map((q, i) => ({ x: this.shape[2 * i]!.filter(q.x, time), y: this.shape[2 * i + 1]!.filter(q.y, time) }));
    const [cx, cy, size, angle] = [raw.centre.x, raw.centre.y, raw.size, raw.angle].map((v, i) => this.placement[i]!.filter(v, time, i < 3 ? raw.size : 1));
    return placed(shape, { centre: { x: cx!, y: cy! }, size: size!, angle: angle! });
  }
}

/** The points' centre and size, and (given a reference shape) their roll against it by least squares. */
export function placementOf(points: readonly Point[], reference?: readonly Point[]): Placement {
  const n = points.length;
  const centre = { x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n };
  const size = Math.sqrt(points.reduce((s, p) => s + (p.x - centre.x) ** 2 + (p.y - centre.y) ** 2, 0) / n) || 1;
  if (!reference) return { centre, size, angle: 0 };
  let [dot, cross] = [0, 0];
  points.forEach((p, i) => {
    const [x, y, r] = [p.x - centre.x, p.y - centre.y, reference[i]!];
    dot += r.x * x + r.y * y;
    cross += r.x * y - r.y * x;
  });
  return { centre, size, angle: Math.atan2(cross, dot) };
}

/** The points in the frame of a placement: centred, in units of its size, turned back by its roll. */
export function normalised(points: readonly Point[], { centre, size, angle }: Placement): Point[] {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return points.map((p) => {
    const [x, y] = [(p.x - centre.x) / size, (p.y - centre.y) / size];
    return { x: c * x + s * y, y: -s * x + c * y };
  });
}

/** The inverse of `normalised`. */
export function placed(shape: readonly Point[], { centre, size, angle }: Placement): Point[] {
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  return shape.map((q) => ({ x: centre.x + size * (c * q.x - s * q.y), y: centre.y + size * (s * q.x + c * q.y) }));
}
