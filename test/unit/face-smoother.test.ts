// The face smoother against motions the test scripts: a face's placement (centre, size, roll) and its
// shape are filtered apart, so that a rigidly moving face does not trail and a still one stops shaking.
import { FaceSmoother, normalised, placed, placementOf } from '../../src/video/face-smoother';
import type { OneEuroParameters } from '../../src/video/one-euro-filter';

type Point = { x: number; y: number };
// A cut-off of 1 / (2 pi) Hz with samples 1 s apart and beta 0 halves each step (see one-euro-filter.test.ts).
const HALVING: OneEuroParameters = { minCutoff: 1 / (2 * Math.PI), beta: 0, derivativeCutoff: 1 };
const PASSING: OneEuroParameters = { minCutoff: 1e9, beta: 0, derivativeCutoff: 1 };

/** A small face: a triangle and a point off its axis, so that roll is defined. */
const FACE: Point[] = [
  { x: -30, y: -20 },
  { x: 30, y: -20 },
  { x: 0, y: 25 },
  { x: 5, y: 5 },
];
const move = (points: readonly Point[], dx: number, dy: number, scale = 1, degrees = 0): Point[] => {
  const [c, s] = [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  return points.map((p) => ({ x: dx + scale * (c * p.x - s * p.y), y: dy + scale * (s * p.x + c * p.y) }));
};
const close = (actual: readonly Point[], expected: readonly Point[], digits = 9) =>
  actual.forEach((p, i) => {
    expect(p.x).toBeCloseTo(expected[i]!.x, digits);
    expect(p.y).toBeCloseTo(expected[i]!.y, digits);
  });

test('placement: the centroid, the root-mean-square radius, and the roll against a reference by least squares', () => {
  const square = [
    { x: 0, y: 0 },
    { x: 2, y: 0 },
    { x: 2, y: 2 },
    { x: 0, y: 2 },
  ];
  const { centre, size, angle } = placementOf(square);
  expect(centre).toEqual({ x: 1, y: 1 });
  expect(size).toBeCloseTo(Math.SQRT2, 12);
  expect(angle).toBe(0);
  // Turned 30 degrees clockwise on screen (y down), scaled and moved: the roll is +30 degrees, whatever the scale.
  const reference = normalised(FACE, placementOf(FACE));
  const turned = placementOf(move(FACE, 100, 50, 2.5, 30), reference);
  expect((turned.angle * 180) / Math.PI).toBeCloseTo(30, 9);
  expect(turned.centre.x).toBeCloseTo(100 + 2.5 * placementOf(move(FACE, 0, 0, 1, 30)).centre.x, 9);
  expect(turned.size).toBeCloseTo(2.5 * placementOf(FACE).size, 9);
});

test('normalised and placed undo each other, and normalising takes out position, size and roll', () => {
  const reference = normalised(FACE, placementOf(FACE));
  const moved = move(FACE, -40, 70, 0.6, -25);
  const where = placementOf(moved, reference);
  close(normalised(moved, where), reference);
  close(placed(normalised(moved, where), where), moved);
});

test('a face moving rigidly with the shape filter only: no lag at all, however hard the shape is filtered', () => {
  const smoother = new FaceSmoother({ placement: PASSING, shape: HALVING });
  for (let t = 0; t < 10; t++) {
    const face = move(FACE, 20 * t, -7 * t, 1 + 0.05 * t, 3 * t);
    close(smoother.smooth(face, t), face, 6);
  }
});

test('a change of shape is filtered by the shape filter: a point that jumps goes half way, then three quarters', () => {
  const smoother = new FaceSmoother({ placement: PASSING, shape: HALVING });
  smoother.smooth(FACE, 0);
  // Moving one point shifts the centroid too; the placement passes, so the shape decides: compare in the face's frame.
  const changed = FACE.map((p, i) => (i === 3 ? { x: p.x + 8, y: p.y } : p));
  const reference = normalised(FACE, placementOf(FACE));
  const target = normalised(changed, placementOf(changed, reference));
  const first = smoother.smooth(changed, 1);
  const second = smoother.smooth(changed, 2);
  const inFrame = (points: Point[]) => normalised(points, placementOf(changed, reference))[3]!;
  expect(inFrame(first).x).toBeCloseTo((reference[3]!.x + target[3]!.x) / 2, 9);
  expect(inFrame(second).x).toBeCloseTo(reference[3]!.x / 4 + (3 * target[3]!.x) / 4, 9);
});

test('the placement filter: a face that jumps 40 px right comes half way, then three quarters, keeping its shape', () => {
  const smoother = new FaceSmoother({ placement: HALVING, shape: PASSING });
  smoother.smooth(FACE, 0);
  const jumped = move(FACE, 40, 0);
  close(smoother.smooth(jumped, 1), move(FACE, 20, 0));
  close(smoother.smooth(jumped, 2), move(FACE, 30, 0));
});

test('a face with another number of points starts afresh (the first sample passes)', () => {
  const smoother = new FaceSmoother({ placement: HALVING, shape: HALVING });
  smoother.smooth(FACE, 0);
  const other = move(FACE.slice(0, 3), 300, 300);
  close(smoother.smooth(other, 1), other);
});

/** Deterministic noise in [-0.5, 0.5]. */
const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453) - 0.5;

test('a still face with 1 px of jitter on every point at 30 frames/s: the points move less than a third as much', () => {
  const smoother = new FaceSmoother({
    placement: { minCutoff: 0.5, beta: 40, derivativeCutoff: 1 },
    shape: { minCutoff: 0.4, beta: 4, derivativeCutoff: 1 },
  });
  const big = move(FACE, 500, 300, 3);
  const frames = Array.from({ length: 120 }, (_, t) => big.map((p, i) => ({ x: p.x + 2 * noise(t * 8 + 2 * i), y: p.y + 2 * noise(t * 8 + 2 * i + 1) })));
  const out = frames.map((f, t) => smoother.smooth(f, t / 30));
  const movement = (fs: Point[][]) =>
    fs.slice(31).reduce((s, f, k) => s + f.reduce((a, p, i) => a + Math.hypot(p.x - fs[30 + k]![i]!.x, p.y - fs[30 + k]![i]!.y), 0), 0);
  expect(movement(out)).toBeLessThan(movement(frames) / 3);
});
