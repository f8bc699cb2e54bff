// The one NME metric every accuracy figure uses, on cases whose answer is known without it.
import { landmarkErrors } from '../../src/geometry/landmark-error';

// A face-like set of 68 points: a 10 x 7 grid, the eyes' six points each around a centre 60 px apart.
const truth = Array.from({ length: 68 }, (_, i) => ({ x: 100 + (i % 10) * 12, y: 200 + Math.floor(i / 10) * 15 }));
const eye = (cx: number, cy: number) =>
  Array.from({ length: 6 }, (_, k) => ({ x: cx + 8 * Math.cos((k * Math.PI) / 3), y: cy + 4 * Math.sin((k * Math.PI) / 3) }));
truth.splice(36, 12, ...eye(150, 180), ...eye(210, 180));
const EYE_DISTANCE = 60;

test('identical points give 0 on every figure', () => {
  expect(landmarkErrors(truth, truth)).toEqual({ five: 0, all68: 0, inner51: 0 });
});

test('a uniform shift of d px gives 100 d / the eye distance on every figure', () => {
  const shifted = truth.map((p) => ({ x: p.x + 3, y: p.y - 4 })); // d = 5
  const errors = landmarkErrors(truth, shifted);
  for (const value of Object.values(errors)) expect(value).toBeCloseTo((100 * 5) / EYE_DISTANCE, 9);
});

test('moving the jaw alone changes the 68-point figure, not the 51 inner points nor the five', () => {
  const moved = truth.map((p, i) => (i < 17 ? { x: p.x + 17, y: p.y } : p));
  const errors = landmarkErrors(truth, moved);
  expect(errors.inner51).toBe(0);
  expect(errors.five).toBe(0);
  expect(errors.all68).toBeCloseTo(((100 * 17) / EYE_DISTANCE) * (17 / 68), 9);
});

test('the figures are relative to the true eyes, whichever points are predicted', () => {
  const far = truth.map((p) => ({ x: p.x * 2, y: p.y * 2 }));
  const near = landmarkErrors(
    truth,
    truth.map((p) => ({ x: p.x + 1, y: p.y })),
  );
  const big = landmarkErrors(
    far,
    far.map((p) => ({ x: p.x + 2, y: p.y })),
  );
  expect(big.all68).toBeCloseTo(near.all68, 9);
});
