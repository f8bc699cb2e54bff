// The refinement's parts against arithmetic done by hand: where the crop puts the eyes, which
// orientation bin a known gradient lands in, a block's normalisation, how a stage's weights move the
// points, and the committed weights' form. Its accuracy is `npm run accuracy`'s (human annotations).
import {
  ORIENTATION_BINS,
  REFINER_OUTPUTS,
  REFINER_SIDE,
  REFINER_UNIT,
  featuresPerPoint,
  gradientAngle,
  greyCrop,
  orientationIntegrals,
  pointFeatures,
  refineInCrop,
  refineLandmarks,
  refinerCrop,
  shapeContext,
  stageColumns,
  stageStep,
  type RefinerStage,
} from '../../src/providers/embedded/mediapipe/landmark-refiner';
import { decodeRefiner, encodeRefiner, fittedRefiner } from '../../src/providers/embedded/mediapipe/refiner-weights';
import { applySimilarity } from '../../src/geometry/similarity';
import type { Point } from '../../src/geometry/geometry';

/** 68 points whose eye contours (36-41, 42-47) are centred on the given eyes; the rest at the nose. */
function faceWithEyes(left: Point, right: Point): Point[] {
  const points = Array.from({ length: 68 }, () => ({ x: (left.x + right.x) / 2, y: (left.y + right.y) / 2 + 30 }));
  const ring = [-3, -1, 1, 3, 1, -1].map((dx, i) => ({ dx, dy: i < 3 ? -1 : 1 }));
  ring.forEach(({ dx, dy }, i) => {
    points[36 + i] = { x: left.x + dx, y: left.y + dy };
    points[42 + i] = { x: right.x + dx, y: right.y + dy };
  });
  return points;
}

const close = (p: Point, q: Point, digits = 9) => {
  expect(p.x).toBeCloseTo(q.x, digits);
  expect(p.y).toBeCloseTo(q.y, digits);
};

test('refinerCrop: the eye centres land REFINER_UNIT apart, level, either side of the centre column at row 56', () => {
  expect([REFINER_SIDE, REFINER_UNIT]).toEqual([160, 40]);
  const centre = (REFINER_SIDE - 1) / 2;
  // Level eyes 80 px apart: two image pixels a crop pixel.
  const level = refinerCrop(faceWithEyes({ x: 100, y: 50 }, { x: 180, y: 50 }));
  close(applySimilarity(level, { x: centre - 20, y: 56 }), { x: 100, y: 50 });
  close(applySimilarity(level, { x: centre + 20, y: 56 }), { x: 180, y: 50 });
  close(applySimilarity(level, { x: centre, y: 66 }), { x: 140, y: 70 });
  // Eyes on a line turned 90 degrees (the right one below the left), 20 px apart: crop x runs down the image.
  const turned = refinerCrop(faceWithEyes({ x: 10, y: 10 }, { x: 10, y: 30 }));
  close(applySimilarity(turned, { x: centre - 20, y: 56 }), { x: 10, y: 10 });
  close(applySimilarity(turned, { x: centre + 20, y: 56 }), { x: 10, y: 30 });
  // Crop y (down the face) runs to image -x when the eye line points down.
  close(applySimilarity(turned, { x: centre, y: 56 + 40 }), { x: -10, y: 20 });
  expect(() => refinerCrop(faceWithEyes({ x: 5, y: 5 }, { x: 5, y: 5 }))).toThrow(RangeError);
});

/** A side x side grey picture from a formula. */
const picture = (side: number, level: (x: number, y: number) => number) =>
  Float32Array.from({ length: side * side }, (_, i) => level(i % side, Math.floor(i / side)));

/** The sum of a bin's table over pixels [x0, x1) x [y0, y1). */
function binSum(tables: Float64Array, side: number, bin: number, [x0, y0, x1, y1]: number[]): number {
  const at = (x: number, y: number) => tables[(y * (side + 1) + x) * ORIENTATION_BINS + bin]!;
  return at(x1!, y1!) - at(x1!, y0!) - at(x0!, y1!) + at(x0!, y0!);
}

test('gradientAngle is Math.atan2(gy, gx) to within 1e-7 rad: every octant, the axes, tiny gradients', () => {
  const cases: Array<[number, number]> = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [1, 1],
    [-1, -1],
    [3e-9, -2e-9],
  ];
  for (let k = 0; k < 2000; k++) cases.push([Math.cos(k * 2.39996) * (1 + (k % 13)), Math.sin(k * 2.39996) * (1 + (k % 7))]);
  for (const [gx, gy] of cases) expect(Math.abs(gradientAngle(gx, gy) - Math.atan2(gy, gx))).toBeLessThan(1e-7);
});

test('orientationIntegrals: a gradient lands in the bin of its direction (8 over the whole turn, from -180 degrees), split linearly between two', () => {
  expect(ORIENTATION_BINS).toBe(8);
  const side = 12;
  const everywhere = [0, 0, side, side];
  // Brighter to the right by 0.01 a pixel: central differences of 0.02, pointing at 0 degrees, bin 4; the border has none.
  const right = orientationIntegrals(
    picture(side, (x) => 0.01 * x),
    side,
  );
  expect(binSum(right, side, 4, everywhere)).toBeCloseTo(10 * 10 * 0.02, 6);
  for (const bin of [0, 1, 2, 3, 5, 6, 7]) expect(binSum(right, side, bin, everywhere)).toBeCloseTo(0, 9);
  expect(binSum(right, side, 4, [2, 3, 5, 7])).toBeCloseTo(3 * 4 * 0.02, 6);
  expect(binSum(right, side, 4, [0, 0, 1, side])).toBe(0);
  // Brighter downwards: 90 degrees, bin 6. Brighter to the left: 180 degrees, the last bin's edge, bin 0.
  const down = orientationIntegrals(
    picture(side, (_, y) => 0.01 * y),
    side,
  );
  expect(binSum(down, side, 6, everywhere)).toBeCloseTo(100 * 0.02, 6);
  const left = orientationIntegrals(
    picture(side, (x) => 1 - 0.01 * x),
    side,
  );
  expect(binSum(left, side, 0, everywhere)).toBeCloseTo(100 * 0.02, 6);
  // At 22.5 degrees (halfway between bins 4 and 5): shared half and half, the magnitude kept.
  const t = Math.tan(Math.PI / 8);
  const between = orientationIntegrals(
    picture(side, (x, y) => 0.01 * (x + t * y)),
    side,
  );
  const magnitude = 0.02 * Math.hypot(1, t);
  expect(binSum(between, side, 4, everywhere)).toBeCloseTo(50 * magnitude, 6);
  expect(binSum(between, side, 5, everywhere)).toBeCloseTo(50 * magnitude, 6);
  // A quarter of the way from bin 6 to 7 (101.25 degrees).
  const angle = Math.PI / 2 + Math.PI / 16;
  const quarter = orientationIntegrals(
    picture(side, (x, y) => 0.01 * (x * Math.cos(angle) + y * Math.sin(angle))),
    side,
  );
  expect(binSum(quarter, side, 6, everywhere)).toBeCloseTo(100 * 0.02 * 0.75, 6);
  expect(binSum(quarter, side, 7, everywhere)).toBeCloseTo(100 * 0.02 * 0.25, 6);
  // Written into a used buffer, the tables are the same as fresh ones.
  const used = new Float64Array(right.length).fill(7);
  const grey = picture(side, (x, y) => 0.01 * (x + t * y));
  expect(orientationIntegrals(grey, side, used)).toEqual(orientationIntegrals(grey, side));
});

test('pointFeatures: cells around each point, a block scaled to length 1, no value past 0.2 before the second scaling', () => {
  const side = 40;
  const stage = { cell: 4, grid: 2 };
  expect(featuresPerPoint(stage)).toBe(32);
  // Brighter to the right: every cell has bin 4 only, so every block is four equal values, 0.5 each.
  const ramp = orientationIntegrals(
    picture(side, (x) => 0.01 * x),
    side,
  );
  const out = new Float32Array(2 * 32);
  pointFeatures(
    ramp,
    side,
    [
      { x: 20, y: 20 },
      { x: 10.4, y: 30.2 },
    ],
    stage,
    out,
  );
  for (let p = 0; p < 2; p++)
    for (let cell = 0; cell < 4; cell++) for (let bin = 0; bin < 8; bin++) expect(out[p * 32 + cell * 8 + bin]).toBeCloseTo(bin === 4 ? 0.5 : 0, 6);
  // A vertical edge at x = 20 (dark left, light right): only the cells touching it see a gradient.
  const edge = orientationIntegrals(
    picture(side, (x) => (x >= 20 ? 1 : 0)),
    side,
  );
  const one = new Float32Array(32);
  // The block spans x 12..20 (left cells) and 20..28 (right cells): columns 19 and 20 differ by 1 across x = 19 and 20.
  pointFeatures(edge, side, [{ x: 20, y: 20 }], stage, one);
  // Left cells hold column 19 (difference 1), right cells column 20 (difference 1): all four equal, 0.5.
  expect([0, 1, 2, 3].map((c) => one[c * 8 + 4])).toEqual([0.5, 0.5, 0.5, 0.5].map((v) => expect.closeTo(v, 6)));
  // Moved 4 px left, only the right cells (x 16..24) reach the edge: two values, 1/sqrt(2) each after the clamp and rescaling.
  pointFeatures(edge, side, [{ x: 16, y: 20 }], stage, one);
  expect([0, 1, 2, 3].map((c) => one[c * 8 + 4])).toEqual([0, Math.SQRT1_2, 0, Math.SQRT1_2].map((v) => expect.closeTo(v, 6)));
  // One strong and three weak cells: the strong one is cut to 0.2 before the rescaling.
  const strong = orientationIntegrals(
    picture(side, (x, y) => (y < 20 && x < 20 ? 0.1 * x : 0.001 * x)),
    side,
  );
  pointFeatures(strong, side, [{ x: 10, y: 16 }], { cell: 4, grid: 2 }, one);
  const block = [0, 1, 2, 3].map((c) => one[c * 8 + 4]!);
  expect(Math.hypot(...one)).toBeCloseTo(1, 6);
  // Without the clamp the strong cells would hold nearly all of the length.
  expect(Math.max(...block)).toBeLessThan(0.75);
  // Far outside the crop: clamped to its edge, an all-zero block stays all zero (no division by zero).
  pointFeatures(ramp, side, [{ x: -100, y: -100 }], stage, one);
  expect([...one].every((v) => v === 0)).toBe(true);
});

test('stageStep: each point moves by weights on its own features, on where every point is (in eye distances from the eye midpoint), and a constant', () => {
  const centre = (REFINER_SIDE - 1) / 2;
  expect([
    ...shapeContext([
      { x: centre + 40, y: 56 - 20 },
      { x: centre, y: 56 + 60 },
    ]),
  ]).toEqual([1, -0.5, 0, 1.5]);
  // Grid 1 x 1: 8 features a point, then 136 context weights, then the constant: 145 a row.
  const stage: RefinerStage = { cell: 1, grid: 1, weights: new Float32Array(REFINER_OUTPUTS * 145) };
  expect(stageColumns(stage)).toBe(145);
  const points = Array.from({ length: 68 }, (_, k) => ({ x: centre + k, y: 56 + 2 * k }));
  const features = Float32Array.from({ length: 68 * 8 }, (_, i) => i);
  const row = (r: number) => stage.weights.subarray(r * 145, (r + 1) * 145);
  // Point 0's x: twice its own first feature (0) plus the constant 0.5.
  row(0)[0] = 2;
  row(0)[144] = 0.5;
  // Point 3's x reads its own features (24..31), not point 0's: 1 x feature 24 + 0.5 x feature 31.
  row(6)[0] = 1;
  row(6)[7] = 0.5;
  // Point 3's y: minus point 5's context y ((56 + 10 - 56) / 40 = 0.25) times 4.
  row(7)[8 + 11] = -4;
  // Point 67's y: the last context value (point 67's y: 134 / 40) times 40.
  row(135)[143] = 40;
  const moved = stageStep(stage, features, points);
  expect(moved[0]).toEqual({ x: centre + 0.5, y: 56 });
  expect(moved[3]).toEqual({ x: centre + 3 + 24 + 15.5, y: 56 + 6 - 1 });
  expect(moved[67]!.y).toBeCloseTo(56 + 134 + 134, 4);
  expect(moved.filter((p, k) => p.x !== points[k]!.x || p.y !== points[k]!.y)).toHaveLength(3);
});

test('refineLandmarks: a cascade of constants moves every point by them in crop pixels; none keeps the points', () => {
  const points = faceWithEyes({ x: 100, y: 50 }, { x: 180, y: 50 });
  const image = { data: new Uint8Array(300 * 200 * 3).fill(90), width: 300, height: 200 };
  const shift = (dx: number, dy: number): RefinerStage => {
    const weights = new Float32Array(REFINER_OUTPUTS * 145);
    for (let k = 0; k < 68; k++) {
      weights[2 * k * 145 + 144] = dx;
      weights[(2 * k + 1) * 145 + 144] = dy;
    }
    return { cell: 2, grid: 1, weights };
  };
  const kept = refineLandmarks({ stages: [] }, image, points);
  kept.forEach((p, k) => close(p, points[k]!));
  // 1 crop pixel = 2 image pixels here; two stages add up.
  const moved = refineLandmarks({ stages: [shift(1, 0), shift(0.5, -2)] }, image, points);
  moved.forEach((p, k) => close(p, { x: points[k]!.x + 3, y: points[k]!.y - 4 }));
  const tables = orientationIntegrals(greyCrop(image, refinerCrop(points)), REFINER_SIDE);
  expect(refineInCrop({ stages: [shift(1, 1)] }, tables, [{ x: 5, y: 6 }])).toEqual([{ x: 6, y: 7 }]);
});

test('greyCrop: the crop of a flat picture is its grey level, in [0, 1]', () => {
  const image = { data: Uint8Array.from({ length: 200 * 200 * 3 }, (_, i) => [255, 0, 0][i % 3]!), width: 200, height: 200 };
  const grey = greyCrop(image, { a: { x: 0.5, y: 0 }, b: { x: 60, y: 60 } });
  expect(grey).toHaveLength(REFINER_SIDE * REFINER_SIDE);
  expect(grey[0]).toBeCloseTo(0.299, 5);
  expect(grey[REFINER_SIDE * REFINER_SIDE - 1]).toBeCloseTo(0.299, 5);
});

test("the weights go through their committed form to within 1/32767 of each row's largest", () => {
  const columns = 145;
  const weights = Float32Array.from({ length: REFINER_OUTPUTS * columns }, (_, i) => Math.sin(i) * (1 + (i % 7)));
  weights.fill(0, 0, columns);
  const stored = JSON.parse(encodeRefiner({ stages: [{ cell: 6, grid: 1, weights }] }, 42)) as Parameters<typeof decodeRefiner>[0];
  expect(stored.trainingFaces).toBe(42);
  const [stage] = decodeRefiner(stored).stages;
  expect(stage).toMatchObject({ cell: 6, grid: 1 });
  for (let row = 0; row < REFINER_OUTPUTS; row++) {
    const values = weights.subarray(row * columns, (row + 1) * columns);
    const largest = Math.max(...values.map(Math.abs));
    values.forEach((w, j) => expect(Math.abs(stage!.weights[row * columns + j]! - w)).toBeLessThanOrEqual(largest / 32767 + 1e-7));
  }
  expect(() => decodeRefiner({ ...stored, stages: [{ ...stored.stages[0]!, grid: 2 }] })).toThrow(RangeError);
});

test('the committed cascade: stages of 136 moves, coarse cells first', () => {
  const { stages } = fittedRefiner();
  expect(stages.length).toBeGreaterThanOrEqual(2);
  for (const stage of stages) expect(stage.weights).toHaveLength(REFINER_OUTPUTS * stageColumns(stage));
  expect(stages[0]!.cell).toBeGreaterThan(stages.at(-1)!.cell);
});
