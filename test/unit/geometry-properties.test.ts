// Properties of the geometry that must hold for any input, checked on many generated ones (fast-check).
import fc from 'fast-check';
import { iou } from '../../src/geometry/geometry';
import { applySimilarity, composeSimilarities, fitSimilarity, invertSimilarity, type Similarity } from '../../src/geometry/similarity';
import { fromFrame, meshFrame, toFrame } from '../../src/geometry/ibug68-regression';

const coordinate = fc.double({ min: -2000, max: 2000, noNaN: true });
const point = fc.record({ x: coordinate, y: coordinate });
// A similarity: scale 0.05-20, any angle, any shift.
const similarity: fc.Arbitrary<Similarity> = fc
  .record({ scale: fc.double({ min: 0.05, max: 20, noNaN: true }), angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), b: point })
  .map(({ scale, angle, b }) => ({ a: { x: scale * Math.cos(angle), y: scale * Math.sin(angle) }, b }));
const box = fc.record({
  x: coordinate,
  y: coordinate,
  width: fc.double({ min: 0.5, max: 500, noNaN: true }),
  height: fc.double({ min: 0.5, max: 500, noNaN: true }),
});

const close = (p: { x: number; y: number }, q: { x: number; y: number }, tolerance: number) => Math.hypot(p.x - q.x, p.y - q.y) <= tolerance;
const spread = (points: Array<{ x: number; y: number }>) => Math.max(...points.map((p) => Math.hypot(p.x - points[0]!.x, p.y - points[0]!.y)));

test('fitting a similarity to points it moved recovers it', () => {
  fc.assert(
    fc.property(similarity, fc.array(point, { minLength: 2, maxLength: 12 }), (t, points) => {
      fc.pre(spread(points) > 1);
      const fitted = fitSimilarity(
        points,
        points.map((p) => applySimilarity(t, p)),
      );
      return points.every((p) => close(applySimilarity(fitted, p), applySimilarity(t, p), 1e-6 * (1 + Math.hypot(p.x, p.y)) * Math.hypot(t.a.x, t.a.y)));
    }),
  );
});

test('inverting then applying gives the point back', () => {
  fc.assert(
    fc.property(similarity, point, (t, p) =>
      close(applySimilarity(invertSimilarity(t), applySimilarity(t, p)), p, 1e-7 * (1 + Math.hypot(p.x, p.y) + Math.hypot(t.b.x, t.b.y))),
    ),
  );
});

test('composing is applying one after the other', () => {
  fc.assert(
    fc.property(similarity, similarity, point, (first, second, p) =>
      close(
        applySimilarity(composeSimilarities(first, second), p),
        applySimilarity(second, applySimilarity(first, p)),
        1e-6 * (1 + Math.hypot(p.x, p.y)) * 400,
      ),
    ),
  );
});

test('IoU is symmetric, within [0, 1], and 1 for a box with itself', () => {
  fc.assert(
    fc.property(box, box, (a, b) => {
      const ab = iou(a, b);
      return ab === iou(b, a) && ab >= 0 && ab <= 1 && Math.abs(iou(a, a) - 1) < 1e-12;
    }),
  );
});

test('the mesh frame: into it and back out is the identity, and the eye corners land at (-0.5, 0) and (0.5, 0)', () => {
  fc.assert(
    fc.property(point, point, point, (left, right, p) => {
      fc.pre(Math.hypot(right.x - left.x, right.y - left.y) > 1);
      const mesh = Array.from({ length: 478 }, () => ({ x: 0, y: 0, z: 0 }));
      mesh[33] = { ...left, z: 0 };
      mesh[263] = { ...right, z: 0 };
      const frame = meshFrame(mesh);
      const tolerance = 1e-9 * (1 + Math.hypot(p.x, p.y) + Math.hypot(left.x, left.y));
      const l = toFrame(frame, mesh[33]);
      const r = toFrame(frame, mesh[263]);
      return (
        close(fromFrame(frame, toFrame(frame, { ...p, z: 0 })), p, tolerance * 100) && close(l, { x: -0.5, y: 0 }, 1e-9) && close(r, { x: 0.5, y: 0 }, 1e-9)
      );
    }),
  );
});
