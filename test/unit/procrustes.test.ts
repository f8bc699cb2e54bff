// Procrustes means on shapes made by known transforms, checked against what those transforms imply.
import type { Point } from '../../src/geometry/geometry';
import { applySimilarity, fitSimilarity, rotationAbout } from '../../src/geometry/similarity';
import { blendShapes, FACE_PLACEMENT, normalisedShape, placement, procrustesMean } from '../../src/geometry/procrustes';

// A face-like shape: two eyes (points 0-1 and 2-3), a nose (4) and a mouth (5-6), not symmetric.
const BASE: Point[] = [
  { x: 30, y: 40 },
  { x: 42, y: 41 },
  { x: 58, y: 39 },
  { x: 71, y: 42 },
  { x: 52, y: 62 },
  { x: 38, y: 80 },
  { x: 66, y: 78 },
];

/** The shape turned by `angle` radians about 0, 0, scaled by `scale` and moved by dx, dy. */
const moved = (shape: readonly Point[], angle: number, scale: number, dx: number, dy: number) =>
  shape.map((p) => {
    const r = applySimilarity(rotationAbout({ x: 0, y: 0 }, angle), p);
    return { x: r.x * scale + dx, y: r.y * scale + dy };
  });

const rms = (a: readonly Point[], b: readonly Point[]) => Math.sqrt(a.reduce((s, p, k) => s + (p.x - b[k]!.x) ** 2 + (p.y - b[k]!.y) ** 2, 0) / a.length);

test('normalisedShape: centre 0, 0 and a root-mean-square radius of 1, the shape kept', () => {
  const n = normalisedShape(moved(BASE, 0.3, 2.5, 100, -40));
  expect(n.reduce((s, p) => s + p.x, 0)).toBeCloseTo(0, 10);
  expect(n.reduce((s, p) => s + p.y, 0)).toBeCloseTo(0, 10);
  expect(Math.sqrt(n.reduce((s, p) => s + p.x ** 2 + p.y ** 2, 0) / n.length)).toBeCloseTo(1, 10);
  // Normalising a turned copy gives the turned normalised base.
  expect(rms(n, moved(normalisedShape(BASE), 0.3, 1, 0, 0))).toBeLessThan(1e-9);
});

test('copies of one shape under similarity transforms: the mean is that shape, and each copy maps onto it exactly', () => {
  const copies = [BASE, moved(BASE, 0.4, 1.7, 200, 10), moved(BASE, -0.9, 0.5, -30, 75), moved(BASE, 2.5, 3, 0, 0)];
  const { mean, toMean } = procrustesMean(copies);
  // The base, normalised, in the first shape's orientation.
  expect(rms(mean, normalisedShape(BASE))).toBeLessThan(1e-6);
  copies.forEach((shape, i) =>
    expect(
      rms(
        shape.map((p) => applySimilarity(toMean[i]!, p)),
        mean,
      ),
    ).toBeLessThan(1e-6),
  );
});

test('two different shapes of any placement: the mean lies halfway between them once aligned', () => {
  const other = BASE.map((p, k) => ({ x: p.x + (k % 2 ? 3 : -2), y: p.y + (k === 4 ? 6 : 0) }));
  const { mean, toMean } = procrustesMean([moved(BASE, 0.2, 2, 50, 50), moved(other, -0.5, 0.7, -20, 0)]);
  const a = moved(BASE, 0.2, 2, 50, 50).map((p) => applySimilarity(toMean[0]!, p));
  const b = moved(other, -0.5, 0.7, -20, 0).map((p) => applySimilarity(toMean[1]!, p));
  expect(rms(a, mean)).toBeCloseTo(rms(b, mean), 3);
  expect(rms(a, mean)).toBeGreaterThan(0.01);
  // The mean is the midpoint of the aligned shapes, normalised.
  expect(rms(mean, normalisedShape(blendShapes([a, b], [0.5, 0.5])))).toBeLessThan(1e-6);
});

test('a shape and its mirror image average to a symmetric shape', () => {
  // Mirror x -> -x; the mirrored face's points swap sides: eyes 0-1 <-> 3-2, mouth 5 <-> 6, nose stays.
  const order = [3, 2, 1, 0, 4, 6, 5];
  const mirrored = order.map((k) => ({ x: 200 - BASE[k]!.x, y: BASE[k]!.y }));
  const { mean } = procrustesMean([BASE, mirrored]);
  // Symmetric: the mean mirrored (the same point swap) is the mean itself, up to a similarity.
  const meanMirrored = order.map((k) => ({ x: -mean[k]!.x, y: mean[k]!.y }));
  const back = fitSimilarity(meanMirrored, mean);
  expect(
    rms(
      meanMirrored.map((p) => applySimilarity(back, p)),
      mean,
    ),
  ).toBeLessThan(1e-6);
  // The base alone is not: the same check fails for it.
  const baseMirrored = order.map((k) => ({ x: -BASE[k]!.x, y: BASE[k]!.y }));
  expect(
    rms(
      baseMirrored.map((p) => applySimilarity(fitSimilarity(baseMirrored, BASE), p)),
      BASE,
    ),
  ).toBeGreaterThan(0.5);
});

test('blendShapes weighs each shape', () => {
  const a = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
  ];
  const b = [
    { x: 10, y: 10 },
    { x: 20, y: 30 },
  ];
  expect(blendShapes([a, b], [0.75, 0.25])).toEqual([
    { x: 2.5, y: 2.5 },
    { x: 12.5, y: 7.5 },
  ]);
  expect(blendShapes([a, b], [-0.5, 1.5])).toEqual([
    { x: 15, y: 15 },
    { x: 25, y: 45 },
  ]);
});

test('refuses shapes it cannot average', () => {
  expect(() => procrustesMean([])).toThrow(/at least one shape/);
  expect(() => procrustesMean([[{ x: 0, y: 0 }]])).toThrow(/at least 2/);
  expect(() => procrustesMean([BASE, BASE.slice(1)])).toThrow('every shape needs the same number of points, at least 2 (got 7, 6)');
  // Two points are enough: a segment's mean is that segment.
  const segment = [
    { x: 0, y: 0 },
    { x: 3, y: 4 },
  ];
  expect(rms(procrustesMean([segment, moved(segment, 1, 2, 5, 5)]).mean, normalisedShape(segment))).toBeLessThan(1e-9);
});

test('placement: eyes level, their midpoint on the centre line at the eye line, the documented distance apart', () => {
  const turned = moved(BASE, 0.35, 4, 300, 100);
  const place = placement(turned, [0, 1], [2, 3], 512, 400);
  const placed = turned.map((p) => applySimilarity(place, p));
  const eye = (a: number, b: number) => ({ x: (placed[a]!.x + placed[b]!.x) / 2, y: (placed[a]!.y + placed[b]!.y) / 2 });
  const [left, right] = [eye(0, 1), eye(2, 3)];
  expect(FACE_PLACEMENT).toEqual({ eyeLine: 0.4, eyeDistance: 0.3 });
  // Pixel-index coordinates: the picture's edges at -0.5 and 511.5 across, -0.5 and 399.5 down.
  expect(left.y).toBeCloseTo(159.5, 6);
  expect(right.y).toBeCloseTo(159.5, 6);
  expect((left.x + right.x) / 2).toBeCloseTo(255.5, 6);
  expect(right.x - left.x).toBeCloseTo(153.6, 6);
  // The mouth below the eyes, as in the shape.
  expect(placed[5]!.y).toBeGreaterThan(left.y);
});
