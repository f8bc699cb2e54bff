// headTurn picks the turned faces the dim-light recall test and bench use: checked on synthetic heads
// whose turn is known, and on the shared sets' own most turned faces.
import { annotatedFaces, headTurn, NEAR_PROFILE } from '../../tools/annotations';
import type { Point } from '../../src/geometry/geometry';

/** 68 points at the origin but for the jaw ends (0 and 16) and the nose tip (30). */
function head(jawLeft: number, jawRight: number, nose: number): Point[] {
  const points = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
  points[0] = { x: jawLeft, y: 50 };
  points[16] = { x: jawRight, y: 50 };
  points[30] = { x: nose, y: 60 };
  return points;
}

test.each([
  ['frontal', 0, head(100, 200, 150)],
  ['a quarter of the way from the middle, to the right', 0.25, head(100, 200, 175)],
  ['over the left jaw end', 0.5, head(100, 200, 100)],
  ['past the right jaw end', 0.6, head(100, 200, 210)],
  ['the same turn at another size and place', 0.25, head(-40, 0, -30)],
])('%s: %d', (_, turn, points) => {
  expect(headTurn(points)).toBeCloseTo(turn, 10);
});

test('the shared sets hold 25 faces turned near profile: 9 in helen-dev, the same 9 in helen-small, 7 in dlib-faces', () => {
  const sets = ['helen-dev', 'helen-small', 'dlib-faces'];
  const turned = annotatedFaces(sets, (face) => headTurn(face.points68) >= NEAR_PROFILE);
  const bySet = Object.fromEntries(sets.map((set) => [set, turned.filter((f) => f.name.startsWith(`${set}/`)).length]));
  expect(bySet).toEqual({ 'helen-dev': 9, 'helen-small': 9, 'dlib-faces': 7 });
  expect(turned.every((f) => f.points68.length === 68)).toBe(true);
});
