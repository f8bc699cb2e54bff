// Piecewise-affine warps against what plain arithmetic says they must give: triangles that tile the
// picture, affine maps that hit their corners, and warps of pictures whose values are linear in x and
// y (bilinear sampling reproduces those exactly), so each expected pixel is a formula, not a rerun.
import type { Point } from '../../src/geometry/geometry';
import {
  addSums,
  addWarped,
  borderPoints,
  delaunayTriangles,
  emptySums,
  finishSums,
  triangleAffine,
  triangleMap,
  type RgbPixels,
} from '../../src/geometry/piecewise-affine';

const W = 40;
const H = 30;
// The border, and a few inner points in no special arrangement.
const INNER: Point[] = [
  { x: 10.3, y: 8.1 },
  { x: 25.7, y: 6.4 },
  { x: 31.2, y: 20.9 },
  { x: 14.8, y: 22.5 },
  { x: 20.1, y: 14.6 },
];
const POINTS = [...INNER, ...borderPoints(W, H, 3)];

/** A picture whose red grows by 2 per pixel to the right, green by 3 per pixel down, blue fixed at 40. */
function gradient(width: number, height: number): RgbPixels {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([2 * x + 10, 3 * y + 5, 40], (y * width + x) * 3);
  return { data, width, height };
}

const inTriangle = (p: Point, [a, b, c]: Point[]) => {
  const side = (u: Point, v: Point) => (v.x - u.x) * (p.y - u.y) - (v.y - u.y) * (p.x - u.x);
  const s = [side(a!, b!), side(b!, c!), side(c!, a!)];
  return s.every((v) => v >= -1e-9) || s.every((v) => v <= 1e-9);
};

test('borderPoints: perSide per side on the outer pixel edges, each corner once', () => {
  const border = borderPoints(W, H, 3);
  expect(border).toHaveLength(12);
  for (const p of border) expect(p.x === -0.5 || p.x === W - 0.5 || p.y === -0.5 || p.y === H - 0.5).toBe(true);
  for (const corner of [
    { x: -0.5, y: -0.5 },
    { x: W - 0.5, y: -0.5 },
    { x: W - 0.5, y: H - 0.5 },
    { x: -0.5, y: H - 0.5 },
  ])
    expect(border.filter((p) => p.x === corner.x && p.y === corner.y)).toHaveLength(1);
  // Evenly spaced: the top side's points a third of the width apart.
  // Each side's points a third of its length apart, both corners included.
  const along = (onSide: (p: Point) => boolean, coordinate: (p: Point) => number) =>
    border
      .filter(onSide)
      .map(coordinate)
      .sort((a, b) => a - b);
  const thirds = (length: number) => [-0.5, -0.5 + length / 3, -0.5 + (2 * length) / 3, length - 0.5];
  const expectClose = (found: number[], expected: number[]) => {
    expect(found).toHaveLength(expected.length);
    expected.forEach((v, k) => expect(found[k]).toBeCloseTo(v, 9));
  };
  expectClose(
    along(
      (p) => p.y === -0.5,
      (p) => p.x,
    ),
    thirds(W),
  );
  expectClose(
    along(
      (p) => p.y === H - 0.5,
      (p) => p.x,
    ),
    thirds(W),
  );
  expectClose(
    along(
      (p) => p.x === -0.5,
      (p) => p.y,
    ),
    thirds(H),
  );
  expectClose(
    along(
      (p) => p.x === W - 0.5,
      (p) => p.y,
    ),
    thirds(H),
  );
  expect(new Set(border.map((p) => `${p.x},${p.y}`)).size).toBe(12);
});

test('triangleMap: the Delaunay triangles over the border tile the picture, each pixel in the triangle named for it', () => {
  const triangles = delaunayTriangles(POINTS);
  expect(triangles.length % 3).toBe(0);
  const map = triangleMap(POINTS, triangles, W, H);
  const corners = (t: number) => [0, 1, 2].map((k) => POINTS[triangles[3 * t + k]!]!);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const t = map[y * W + x]!;
      expect(t).toBeGreaterThanOrEqual(0);
      expect(inTriangle({ x, y }, corners(t))).toBe(true);
    }
  // Every triangle owns some pixels' worth of its area: about W x H in all.
  const owned = new Map<number, number>();
  map.forEach((t) => owned.set(t, (owned.get(t) ?? 0) + 1));
  expect(owned.size).toBeGreaterThan(triangles.length / 3 - 3);
});

test('triangleMap: pixels outside every triangle stay -1, and a centre on a shared edge goes to the first triangle', () => {
  // Two triangles sharing the diagonal of the square 0..4 x 0..4, inside a 6 x 6 picture.
  const points = [
    { x: 0, y: 0 },
    { x: 4, y: 0 },
    { x: 4, y: 4 },
    { x: 0, y: 4 },
  ];
  const map = triangleMap(points, Uint32Array.from([0, 1, 2, 0, 2, 3]), 6, 6);
  expect(map[2 * 6 + 2]).toBe(0); // (2, 2) on the diagonal
  expect(map[1 * 6 + 3]).toBe(0); // above the diagonal
  expect(map[3 * 6 + 1]).toBe(1); // below it
  expect(map[0]).toBe(0); // the corner (0, 0), a vertex of both
  expect(map[5 * 6 + 5]).toBe(-1);
  expect(map[2 * 6 + 5]).toBe(-1);
  expect(Array.from(map).filter((t) => t >= 0)).toHaveLength(25);
  // A triangle without area owns nothing, whichever way its line runs.
  for (const flat of [
    [points[0]!, points[1]!, { x: 2, y: 0 }],
    [
      { x: 0, y: 0 },
      { x: 2, y: 2 },
      { x: 4, y: 4 },
    ],
  ])
    expect(Array.from(triangleMap(flat, Uint32Array.from([0, 1, 2]), 6, 6)).every((t) => t === -1)).toBe(true);
  // A triangle past the picture's right edge fills only its own rows, up to that edge.
  const wide = triangleMap(
    [
      { x: 2, y: 1 },
      { x: 40, y: 1 },
      { x: 2, y: 2 },
    ],
    Uint32Array.from([0, 1, 2]),
    6,
    6,
  );
  expect(Array.from(wide.subarray(6, 12))).toEqual([-1, -1, 0, 0, 0, 0]);
  expect(Array.from(wide.subarray(12, 18))).toEqual([-1, -1, 0, -1, -1, -1]);
  expect(Array.from(wide.subarray(18)).every((t) => t === -1)).toBe(true);
});

test('triangleAffine: the corners land on the corners, and a flat triangle has no map', () => {
  const from: [Point, Point, Point] = [
    { x: 1, y: 2 },
    { x: 7, y: 3 },
    { x: 2, y: 9 },
  ];
  const to: [Point, Point, Point] = [
    { x: -4, y: 11 },
    { x: 5, y: 0.5 },
    { x: 3, y: 20 },
  ];
  const m = triangleAffine(from, to)!;
  from.forEach((p, k) => {
    expect(m[0]! * p.x + m[1]! * p.y + m[2]!).toBeCloseTo(to[k]!.x, 9);
    expect(m[3]! * p.x + m[4]! * p.y + m[5]!).toBeCloseTo(to[k]!.y, 9);
  });
  // Its centroid goes to theirs (an affine map keeps barycentres).
  const c = { x: (1 + 7 + 2) / 3, y: (2 + 3 + 9) / 3 };
  expect(m[0]! * c.x + m[1]! * c.y + m[2]!).toBeCloseTo((-4 + 5 + 3) / 3, 9);
  expect(m[3]! * c.x + m[4]! * c.y + m[5]!).toBeCloseTo((11 + 0.5 + 20) / 3, 9);
  expect(triangleAffine([from[0], from[1], { x: 13, y: 4 }], to)).toBeUndefined();
});

test('a warp whose points all move by one affine map reads every pixel where that map sends it', () => {
  const picture = gradient(60, 50);
  // Output (x, y) reads the picture at (0.8 x + 0.1 y + 6, -0.05 x + 0.9 y + 9): inside the picture throughout.
  const affine = (p: Point) => ({ x: 0.8 * p.x + 0.1 * p.y + 6, y: -0.05 * p.x + 0.9 * p.y + 9 });
  const triangles = delaunayTriangles(POINTS);
  const sums = emptySums(W, H);
  addWarped(sums, triangleMap(POINTS, triangles, W, H), triangles, POINTS, POINTS.map(affine), picture, 1);
  const rgb = finishSums(sums);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const s = affine({ x, y });
      const at = (y * W + x) * 3;
      expect(Math.abs(rgb[at]! - (2 * s.x + 10))).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(Math.abs(rgb[at + 1]! - (3 * s.y + 5))).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(rgb[at + 2]).toBe(40);
    }
});

test('an average of two warps is the mean of their readings; weights scale each', () => {
  const picture = gradient(60, 50);
  const triangles = delaunayTriangles(POINTS);
  const map = triangleMap(POINTS, triangles, W, H);
  const shift = (dx: number, dy: number) => POINTS.map((p) => ({ x: p.x + dx, y: p.y + dy }));
  const sums = emptySums(W, H);
  addWarped(sums, map, triangles, POINTS, shift(2, 1), picture, 0.25);
  addWarped(sums, map, triangles, POINTS, shift(10, 13), picture, 0.75);
  const rgb = finishSums(sums);
  // Red: 0.25 (2 (x + 2) + 10) + 0.75 (2 (x + 10) + 10); green likewise with 3 and y.
  for (const [x, y] of [
    [0, 0],
    [17, 12],
    [W - 1, H - 1],
  ]) {
    const at = (y! * W + x!) * 3;
    expect(rgb[at]).toBe(Math.round(0.25 * (2 * (x! + 2) + 10) + 0.75 * (2 * (x! + 10) + 10)));
    expect(rgb[at + 1]).toBe(Math.round(0.25 * (3 * (y! + 1) + 5) + 0.75 * (3 * (y! + 13) + 5)));
  }
});

test('where one picture does not reach, the pictures that do are averaged; where none does, the edges of all', () => {
  const inside = gradient(60, 50);
  const flat = { data: new Uint8Array(10 * 10 * 3).fill(200), width: 10, height: 10 };
  const triangles = delaunayTriangles(POINTS);
  const map = triangleMap(POINTS, triangles, W, H);
  const sums = emptySums(W, H);
  // The flat picture covers output x, y < 10 only (it is read at the same coordinates).
  addWarped(sums, map, triangles, POINTS, POINTS, flat, 0.5);
  addWarped(sums, map, triangles, POINTS, POINTS, inside, 0.5);
  const rgb = finishSums(sums);
  const red = (x: number, y: number) => rgb[(y * W + x) * 3]!;
  expect(red(3, 4)).toBe(Math.round((200 + 2 * 3 + 10) / 2));
  // Outside the flat picture: the gradient alone, not smeared with the flat one's edge.
  expect(red(30, 20)).toBe(2 * 30 + 10);
  expect(rgb[(20 * W + 30) * 3 + 2]).toBe(40);

  // Neither picture reaches: both edges, clamped, averaged.
  const far = emptySums(4, 4);
  const square = [
    { x: -0.5, y: -0.5 },
    { x: 3.5, y: -0.5 },
    { x: 3.5, y: 3.5 },
    { x: -0.5, y: 3.5 },
  ];
  const two = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  const away = square.map((p) => ({ x: p.x + 100, y: p.y }));
  const farMap = triangleMap(square, two, 4, 4);
  addWarped(far, farMap, two, square, away, flat, 0.5);
  addWarped(far, farMap, two, square, away, inside, 0.5);
  // Output (0, 0) reads x = 100: the flat picture's right edge (200) and the gradient's (2 * 59 + 10).
  expect(finishSums(far)[0]).toBe(Math.round((200 + 2 * 59 + 10) / 2));
});

test('a picture is covered from its first pixel edge to its last: outside on any side, the others carry the pixel', () => {
  // Output 5 x 5, read at (x + dx, y + dy) from a flat 3 x 3 picture (100) and at (x, y) from a flat 5 x 5 one (20).
  const square = [
    { x: -0.5, y: -0.5 },
    { x: 4.5, y: -0.5 },
    { x: 4.5, y: 4.5 },
    { x: -0.5, y: 4.5 },
  ];
  const two = Uint32Array.from([0, 1, 2, 0, 2, 3]);
  const map = triangleMap(square, two, 5, 5);
  const flat = (side: number, value: number) => ({ data: new Uint8Array(side * side * 3).fill(value), width: side, height: side });
  const reds = (dx: number, dy: number) => {
    const sums = emptySums(5, 5);
    addWarped(
      sums,
      map,
      two,
      square,
      square.map((p) => ({ x: p.x + dx, y: p.y + dy })),
      flat(3, 100),
      0.5,
    );
    addWarped(sums, map, two, square, square, flat(5, 20), 0.5);
    const rgb = finishSums(sums);
    return Array.from({ length: 5 }, (_, y) => Array.from({ length: 5 }, (_, x) => rgb[(y * 5 + x) * 3]));
  };
  // Shifted by 1: output x in 0..2 reads 1..3, the last one outside (3 > 2.5); y likewise.
  const half = 100 * 0.5 + 20 * 0.5;
  const shifted = reds(1, 1);
  expect(shifted[0]).toEqual([60, 60, 20, 20, 20]);
  expect(shifted[1]).toEqual([60, 60, 20, 20, 20]);
  expect(shifted[2]).toEqual([20, 20, 20, 20, 20]);
  expect(half).toBe(60);
  // Shifted the other way: the first column and row read -1, outside (< -0.5).
  const back = reds(-1, -1);
  expect(back[0]).toEqual([20, 20, 20, 20, 20]);
  expect(back[1]).toEqual([20, 60, 60, 60, 20]);
  expect(back[3]).toEqual([20, 60, 60, 60, 20]);
  // On the edge itself (-0.5, 2.5) a sample still counts.
  const edge = reds(-0.5, -0.5);
  expect(edge[0]).toEqual([60, 60, 60, 60, 20]);
});

test('where less than half the weight covers a pixel, the edges of all pictures stand in; at half or more, those that cover it', () => {
  const one = [
    { x: -0.5, y: -0.5 },
    { x: 1.5, y: -0.5 },
    { x: -0.5, y: 1.5 },
    { x: 1.5, y: 1.5 },
  ];
  const two = Uint32Array.from([0, 1, 2, 1, 3, 2]);
  const map = triangleMap(one, two, 2, 2);
  const flat = (value: number) => ({ data: new Uint8Array(2 * 2 * 3).fill(value), width: 2, height: 2 });
  const away = one.map((p) => ({ x: p.x + 50, y: p.y }));
  const composite = (coveredWeight: number, awayWeight: number) => {
    const sums = emptySums(2, 2);
    addWarped(sums, map, two, one, one, flat(200), coveredWeight);
    addWarped(sums, map, two, one, away, flat(40), awayWeight);
    return Array.from(finishSums(sums).filter((_, i) => i % 3 === 0));
  };
  // A quarter of the weight covers: the clamped mean, 0.25 x 200 + 0.75 x 40.
  expect(composite(0.25, 0.75)).toEqual([80, 80, 80, 80]);
  // Half: the covering picture alone; weights need not sum to 1.
  expect(composite(1, 1)).toEqual([200, 200, 200, 200]);
  expect(composite(0.3, 0.9)).toEqual([80, 80, 80, 80]);
});

test('pixels no triangle holds add nothing; reads past the last row take that row', () => {
  const points = [
    { x: -0.5, y: -0.5 },
    { x: 2.5, y: -0.5 },
    { x: -0.5, y: 2.5 },
  ];
  const triangle = Uint32Array.from([0, 1, 2]);
  const map = triangleMap(points, triangle, 3, 3);
  expect(map[8]).toBe(-1); // (2, 2): past the diagonal
  const sums = emptySums(3, 3);
  const picture = { data: new Uint8Array(27).fill(90), width: 3, height: 3 };
  addWarped(sums, map, triangle, points, points, picture, 1);
  expect(Array.from(sums.clamped.subarray(32, 36))).toEqual([0, 0, 0, 0]);
  expect(finishSums(sums)[24]).toBe(0);
  expect(finishSums(sums)[0]).toBe(90);
  // Reads below the picture's last row take that row (the clamp), not a row past it.
  const below = emptySums(3, 3);
  const gradientRows = { data: Uint8Array.from({ length: 27 }, (_, i) => 10 * Math.floor(i / 9) + 5), width: 3, height: 3 };
  addWarped(
    below,
    map,
    triangle,
    points,
    points.map((p) => ({ x: p.x, y: p.y + 10 })),
    gradientRows,
    1,
  );
  expect(finishSums(below)[0]).toBe(25);
});

test('finishSums: extrapolation past the ends is held to 0..255, and a pixel no triangle covers is black', () => {
  const one = (value: number) => ({ data: new Uint8Array(3).fill(value), width: 1, height: 1 });
  const point = [
    { x: -0.5, y: -0.5 },
    { x: 0.5, y: -0.5 },
    { x: -0.5, y: 0.5 },
  ];
  const triangle = Uint32Array.from([0, 1, 2]);
  const caricature = (a: number, b: number) => {
    const sums = emptySums(1, 1);
    const map = triangleMap(point, triangle, 1, 1);
    addWarped(sums, map, triangle, point, point, one(a), -0.5);
    addWarped(sums, map, triangle, point, point, one(b), 1.5);
    return finishSums(sums)[0];
  };
  expect(caricature(200, 100)).toBe(50);
  expect(caricature(0, 200)).toBe(255);
  expect(caricature(200, 0)).toBe(0);
  expect(Array.from(finishSums(emptySums(2, 1)))).toEqual([0, 0, 0, 0, 0, 0]);
});

test('addSums adds partial sums element by element', () => {
  const a = emptySums(1, 1);
  const b = emptySums(1, 1);
  a.covered.set([1, 2, 3, 0.5]);
  a.clamped.set([1, 2, 3, 0.5]);
  b.covered.set([4, 0, 0, 0]);
  b.clamped.set([10, 20, 30, 0.5]);
  addSums(a, b);
  expect(Array.from(a.covered)).toEqual([5, 2, 3, 0.5]);
  expect(Array.from(a.clamped)).toEqual([11, 22, 33, 1]);
});
