// Piecewise-affine warps, as face averaging and morphing use them (Psychomorph, WebMorph): a picture
// cut into triangles over corresponding points, each triangle mapped by its own affine transform.
// Coordinates are pixel-index ones: pixel (i, j) has its centre at x = i, y = j.
import Delaunator from 'delaunator';
import type { Point } from './geometry';

/** Packed 8-bit RGB pixels, row-major (as engine-protocol's PixelImage). */
export interface RgbPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Delaunay triangles over the points: vertex indices, three per triangle. */
export function delaunayTriangles(points: readonly Point[]): Uint32Array {
  return Delaunator.from(
    points as Point[],
    (p) => p.x,
    (p) => p.y,
  ).triangles;
}

/**
 * `perSide` points spaced evenly along each side of a width x height picture, on its outer pixel
 * edges (x from -0.5 to width - 0.5) so that every pixel centre lies inside; corners included once.
 */
export function borderPoints(width: number, height: number, perSide: number): Point[] {
  const [left, top, right, bottom] = [-0.5, -0.5, width - 0.5, height - 0.5];
  const points: Point[] = [];
  for (let k = 0; k < perSide; k++) {
    const t = k / perSide;
    points.push({ x: left + t * (right - left), y: top });
    points.push({ x: right, y: top + t * (bottom - top) });
    points.push({ x: right - t * (right - left), y: bottom });
    points.push({ x: left, y: bottom - t * (bottom - top) });
  }
  return points;
}

/**
 * The triangle holding each pixel centre of a width x height picture (row-major), -1 where none does.
 * A centre on an edge two triangles share goes to the first of them. Each triangle is filled row by
 * row over the span its edges cut from the row, so large triangles cost their area, not their box.
 */
export function triangleMap(points: readonly Point[], triangles: Uint32Array, width: number, height: number): Int32Array {
  const map = new Int32Array(width * height).fill(-1);
  for (let t = 0; t < triangles.length / 3; t++) {
    const corners = [points[triangles[3 * t]!]!, points[triangles[3 * t + 1]!]!, points[triangles[3 * t + 2]!]!];
    const [a, b, c] = corners as [Point, Point, Point];
    if ((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) === 0) continue;
    const y0 = Math.max(0, Math.ceil(Math.min(a.y, b.y, c.y)));
    const y1 = Math.min(height - 1, Math.floor(Math.max(a.y, b.y, c.y)));
    for (let y = y0; y <= y1; y++) {
      // Where the row meets each edge that spans it (both ends of an edge that lies along it).
      let left = Infinity;
      let right = -Infinity;
      for (let k = 0; k < 3; k++) {
        const p = corners[k]!;
        const q = corners[(k + 1) % 3]!;
        if (y < Math.min(p.y, q.y) || y > Math.max(p.y, q.y)) continue;
        const xs = p.y === q.y ? [p.x, q.x] : [p.x + ((y - p.y) * (q.x - p.x)) / (q.y - p.y)];
        for (const x of xs) [left, right] = [Math.min(left, x), Math.max(right, x)];
      }
      // A small tolerance keeps centres that lie on an edge, whichever way rounding went.
      const x0 = Math.max(0, Math.ceil(left - 1e-9));
      const x1 = Math.min(width - 1, Math.floor(right + 1e-9));
      for (let x = x0, p = y * width + x0; x <= x1; x++, p++) if (map[p] === -1) map[p] = t;
    }
  }
  return map;
}

/**
 * The affine transform taking triangle `from` onto triangle `to`, as [m0..m5] with
 * x' = m0 x + m1 y + m2, y' = m3 x + m4 y + m5; undefined when `from` has no area.
 */
export function triangleAffine(from: readonly [Point, Point, Point], to: readonly [Point, Point, Point]): number[] | undefined {
  const [a, b, c] = from;
  const det = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y);
  if (det === 0) return undefined;
  // Solve for each output coordinate: the linear part from the edge vectors, then the offset at a.
  const solve = (ua: number, ub: number, uc: number) => {
    const px = ((ub - ua) * (c.y - a.y) - (uc - ua) * (b.y - a.y)) / det;
    const py = ((uc - ua) * (b.x - a.x) - (ub - ua) * (c.x - a.x)) / det;
    return [px, py, ua - px * a.x - py * a.y];
  };
  return [...solve(to[0].x, to[1].x, to[2].x), ...solve(to[0].y, to[1].y, to[2].y)];
}

/**
 * Weighted sums of warped pictures, per output pixel: `covered` adds only samples that fall inside
 * their picture, `clamped` adds every sample (read at the nearest edge when outside). RGB then weight.
 */
export interface CompositeSums {
  width: number;
  height: number;
  covered: Float32Array;
  clamped: Float32Array;
}

export function emptySums(width: number, height: number): CompositeSums {
  return { width, height, covered: new Float32Array(width * height * 4), clamped: new Float32Array(width * height * 4) };
}

/** Adds `more` into `sums` (partial sums from several workers). */
export function addSums(sums: CompositeSums, more: CompositeSums): void {
  for (let i = 0; i < sums.covered.length; i++) {
    sums.covered[i]! += more.covered[i]!;
    sums.clamped[i]! += more.clamped[i]!;
  }
}

/**
 * Adds one picture, warped piecewise-affinely, with `weight`: the triangle of each output pixel
 * (`map`, over `target`) is mapped onto the same triangle over `source` (points in the picture's
 * pixels), and the picture is read there bilinearly.
 */
export function addWarped(
  sums: CompositeSums,
  map: Int32Array,
  triangles: Uint32Array,
  target: readonly Point[],
  source: readonly Point[],
  picture: RgbPixels,
  weight: number,
): void {
  const affines = Array.from({ length: triangles.length / 3 }, (_, t) => {
    const corners = (points: readonly Point[]) => [0, 1, 2].map((k) => points[triangles[3 * t + k]!]!) as [Point, Point, Point];
    return triangleAffine(corners(target), corners(source));
  });
  const { width, height } = sums;
  const { data, width: w, height: h } = picture;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const m = affines[map[p]!];
      if (!m) continue;
      const sx = m[0]! * x + m[1]! * y + m[2]!;
      const sy = m[3]! * x + m[4]! * y + m[5]!;
      const inside = sx >= -0.5 && sx <= w - 0.5 && sy >= -0.5 && sy <= h - 0.5;
      // Bilinear, with the neighbours clamped to the picture.
      const cx = Math.min(Math.max(sx, 0), w - 1);
      const cy = Math.min(Math.max(sy, 0), h - 1);
      const x0 = Math.floor(cx);
      const y0 = Math.floor(cy);
      const x1 = Math.min(x0 + 1, w - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      const fx = cx - x0;
      const fy = cy - y0;
      for (let ch = 0; ch < 3; ch++) {
        const top = data[(y0 * w + x0) * 3 + ch]! * (1 - fx) + data[(y0 * w + x1) * 3 + ch]! * fx;
        const bottom = data[(y1 * w + x0) * 3 + ch]! * (1 - fx) + data[(y1 * w + x1) * 3 + ch]! * fx;
        const value = weight * (top * (1 - fy) + bottom * fy);
        sums.clamped[4 * p + ch]! += value;
        if (inside) sums.covered[4 * p + ch]! += value;
      }
      sums.clamped[4 * p + 3]! += weight;
      if (inside) sums.covered[4 * p + 3]! += weight;
    }
  }
}

/**
 * The composite's RGB bytes. A pixel that at least half the total weight covers averages the
 * pictures that cover it, so a picture's edge does not smear into the others; elsewhere the edges
 * of all of them stand in. Values are rounded and held to 0..255 (a morph past its ends extrapolates).
 */
export function finishSums({ width, height, covered, clamped }: CompositeSums): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const total = clamped[4 * p + 3]!;
    const useCovered = total !== 0 && covered[4 * p + 3]! / total >= 0.5;
    const sums = useCovered ? covered : clamped;
    const weight = sums[4 * p + 3]!;
    for (let ch = 0; ch < 3; ch++) {
      rgb[3 * p + ch] = weight === 0 ? 0 : Math.min(255, Math.max(0, Math.round(sums[4 * p + ch]! / weight)));
    }
  }
  return rgb;
}
