import { boundingBox, type Box, type Point } from './geometry';
import { at } from '../checked';

/**
 * A similarity transform (rotation, uniform scale, translation) as complex arithmetic:
 * z' = a z + b with z = x + iy.
 */
export interface Similarity {
  a: Point; // x = real part, y = imaginary part
  b: Point;
}

/** The standard ArcFace 112x112 template for the five points (image-left eye first). */
export const ARCFACE_TEMPLATE_112: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

const mul = (p: Point, q: Point): Point => ({ x: p.x * q.x - p.y * q.y, y: p.x * q.y + p.y * q.x });

/** Least-squares similarity mapping `from` onto `to` (Umeyama's closed form, in 2-D). */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const mean = (ps: readonly Point[]) => ({ x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length });
  const mf = mean(from);
  const mt = mean(to);
  let num = { x: 0, y: 0 };
  let den = 0;
  from.forEach((p, i) => {
    const f = { x: p.x - mf.x, y: p.y - mf.y };
    const target = at(to, i);
    const t = { x: target.x - mt.x, y: target.y - mt.y };
    num = { x: num.x + t.x * f.x + t.y * f.y, y: num.y + t.y * f.x - t.x * f.y }; // t * conj(f)
    den += f.x * f.x + f.y * f.y;
  });
  const a = { x: num.x / den, y: num.y / den };
  const am = mul(a, mf);
  return { a, b: { x: mt.x - am.x, y: mt.y - am.y } };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  const ap = mul(t.a, p);
  return { x: ap.x + t.b.x, y: ap.y + t.b.y };
}

/** The rotation by `angle` radians (clockwise on screen, y down) about `centre`. */
export function rotationAbout(centre: Point, angle: number): Similarity {
  const a = { x: Math.cos(angle), y: Math.sin(angle) };
  const ac = mul(a, centre);
  return { a, b: { x: centre.x - ac.x, y: centre.y - ac.y } };
}

/** first, then second. */
export function composeSimilarities(first: Similarity, second: Similarity): Similarity {
  return { a: mul(second.a, first.a), b: applySimilarity(second, first.b) };
}

/**
 * The similarity as the six coefficients of an affine map (x, y) -> (m0 x + m1 y + m2, m3 x + m4 y + m5),
 * the form image warps take.
 */
export function warpMatrixOf({ a, b }: Similarity): [number, number, number, number, number, number] {
  return [a.x, -a.y, b.x, a.y, a.x, b.y];
}

/** The box a size x size square of pixels covers where `toImage` maps it (continuous coordinates). */
export function squareFootprint(toImage: Similarity, size: number): Box {
  const corners = [
    { x: -0.5, y: -0.5 },
    { x: size - 0.5, y: -0.5 },
    { x: -0.5, y: size - 0.5 },
    { x: size - 0.5, y: size - 0.5 },
  ];
  return boundingBox(corners.map((c) => applySimilarity(toImage, c)));
}

export function invertSimilarity(t: Similarity): Similarity {
  const norm = t.a.x * t.a.x + t.a.y * t.a.y;
  const inv = { x: t.a.x / norm, y: -t.a.y / norm };
  const ib = mul(inv, t.b);
  return { a: inv, b: { x: -ib.x, y: -ib.y } };
}
