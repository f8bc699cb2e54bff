// The One Euro filter against values worked out by hand from its definition, and the two properties
// it exists for: less jitter on a still value, little lag on a moving one.
import { OneEuroFilter, smoothingFactor } from '../../src/video/one-euro-filter';

// A cut-off of 1 / (2 pi) Hz is a time constant of 1 s: with samples 1 s apart the factor is 1 / 2.
const ONE_SECOND = 1 / (2 * Math.PI);

test('the smoothing factor: 1 / (1 + tau / dt)', () => {
  expect(smoothingFactor(ONE_SECOND, 1)).toBeCloseTo(0.5, 12);
  expect(smoothingFactor(ONE_SECOND, 3)).toBeCloseTo(0.75, 12);
  expect(smoothingFactor(2 * ONE_SECOND, 1)).toBeCloseTo(2 / 3, 12);
});

test('with beta 0 it is an exponential filter: a step from 0 to 1 gives 0, 1/2, 3/4, 7/8', () => {
  const filter = new OneEuroFilter({ minCutoff: ONE_SECOND, beta: 0, derivativeCutoff: 1 });
  expect([0, 1, 1, 1].map((v, t) => filter.filter(v, t))).toEqual([0, 0.5, 0.75, 0.875]);
});

test('the speed raises the cut-off: beta 1 and a speed estimate of 1/2 per s give a factor 1 / (1 + 1 / (1 + pi))', () => {
  const filter = new OneEuroFilter({ minCutoff: ONE_SECOND, beta: 1, derivativeCutoff: ONE_SECOND });
  filter.filter(0, 0);
  // raw speed 1/s, its estimate 0 + 1/2 (1 - 0) = 1/2; cut-off 1/(2 pi) + 1/2 Hz; tau = 1 / (1 + pi).
  expect(filter.filter(1, 1)).toBeCloseTo(1 / (1 + 1 / (1 + Math.PI)), 12);
});

test('speed counts in units of the scale: twice the pixels on a face twice the size is filtered alike', () => {
  const parameters = { minCutoff: ONE_SECOND, beta: 1, derivativeCutoff: ONE_SECOND };
  const large = new OneEuroFilter(parameters);
  const small = new OneEuroFilter(parameters);
  const unscaled = new OneEuroFilter(parameters);
  [large, small, unscaled].forEach((f) => f.filter(0, 0));
  const smallFace = small.filter(1, 1, 1);
  expect(large.filter(2, 1, 2) / 2).toBeCloseTo(smallFace, 12);
  // Without the scale, twice the pixels is twice the speed: a higher cut-off, less smoothing.
  expect(unscaled.filter(2, 1) / 2).toBeGreaterThan(smallFace + 0.01);
});

test('the first sample, and a sample at a time that does not move forward, pass unchanged', () => {
  const filter = new OneEuroFilter({ minCutoff: 1, beta: 0, derivativeCutoff: 1 });
  expect(filter.filter(5, 1)).toBe(5);
  expect(filter.filter(9, 1)).toBe(9);
  expect(filter.filter(3, 0.5)).toBe(3);
});

/** Deterministic noise in [-1, 1]. */
const noise = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453) - 0.5;
const spread = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);

test('a still point with 1 px of jitter at 30 frames/s: the smoothed point moves less than a third as much', () => {
  const filter = new OneEuroFilter({ minCutoff: 1, beta: 0.5, derivativeCutoff: 1 });
  const raw = Array.from({ length: 300 }, (_, i) => 100 + 2 * noise(i));
  const smoothed = raw.map((v, i) => filter.filter(v, i / 30));
  const steps = (xs: number[]) => xs.slice(61).map((x, i) => x - xs[60 + i]!);
  expect(spread(steps(smoothed))).toBeLessThan(spread(steps(raw)) / 3);
});

test('a point moving at a face size per second: beta keeps the lag small where a plain low-pass lags', () => {
  const face = 100;
  const moving = Array.from({ length: 90 }, (_, i) => (i / 30) * face);
  const lag = (beta: number) => {
    const filter = new OneEuroFilter({ minCutoff: 1, beta, derivativeCutoff: 1 });
    const out = moving.map((v, i) => filter.filter(v, i / 30, face));
    return moving[89]! - out[89]!;
  };
  expect(lag(0)).toBeGreaterThan(0.1 * face);
  expect(lag(5)).toBeLessThan(lag(0) / 4);
});
