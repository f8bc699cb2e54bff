// Exposure against arithmetic done by hand: the levels of known pictures, the gain's formula and its
// caps, and the brightened copy's values.
import { EXPOSURE_TARGET, exposed, exposureGain, levelsOf, MAX_GAIN, MIN_GAIN, sampleStep } from '../../src/providers/embedded/exposure';

const flat = (value: number, pixels = 50) => ({ data: new Uint8Array(pixels * 3).fill(value), width: pixels, height: 1 });

test('levelsOf: the mean of every channel and the level 99 % of values stay under, sampled', () => {
  expect(levelsOf(flat(40))).toEqual({ mean: 40, bright: 40 });
  // Red 0, green 90, blue 210 in every pixel: the sample takes each channel alike (7 is prime to 3).
  const striped = { data: Uint8Array.from({ length: 300 * 3 }, (_, i) => [0, 90, 210][i % 3]!), width: 300, height: 1 };
  expect(levelsOf(striped).mean).toBeCloseTo(100, 0);
  expect(levelsOf(striped).bright).toBe(210);
  expect(levelsOf({ data: new Uint8Array(0) })).toEqual({ mean: 0, bright: 0 });
  // Every 7th value: values between the samples do not count.
  const spikes = Uint8Array.from({ length: 70 }, (_, i) => (i % 7 === 0 ? 70 : 0));
  expect(levelsOf({ data: spikes })).toEqual({ mean: 70, bright: 70 });
  // 200 samples: 197 at 10, then 20, 30 and 250. The first 1 % (2 samples) at the top do not count.
  const values = [...Array.from({ length: 197 }, () => 10), 20, 30, 250];
  const sampled = new Uint8Array(values.length * 7);
  values.forEach((v, k) => (sampled[k * 7] = v));
  expect(levelsOf({ data: sampled }).bright).toBe(20);
  expect(levelsOf({ data: sampled }).mean).toBeCloseTo((197 * 10 + 20 + 30 + 250) / 200, 10);
  // All at 255: the bright level is 255.
  expect(levelsOf(flat(255)).bright).toBe(255);
});

test('exposureGain: towards the target, the bright level kept at 255 or under, at most MAX_GAIN, none when small', () => {
  expect([EXPOSURE_TARGET, MAX_GAIN, MIN_GAIN]).toEqual([100, 4, 1.1]);
  expect(exposureGain({ mean: 100, bright: 120 })).toBe(1);
  expect(exposureGain({ mean: 180, bright: 250 })).toBe(1);
  expect(exposureGain({ mean: 0, bright: 0 })).toBe(1);
  expect(exposureGain({ mean: 50, bright: 60 })).toBe(2);
  expect(exposureGain({ mean: 25, bright: 40 })).toBe(4);
  expect(exposureGain({ mean: 10, bright: 30 })).toBe(4);
  // A bright face on a dark background: the bright level limits the gain.
  expect(exposureGain({ mean: 40, bright: 170 })).toBeCloseTo(1.5, 10);
  // Gains under MIN_GAIN are not worth it.
  expect(exposureGain({ mean: 92, bright: 100 })).toBe(1);
  expect(exposureGain({ mean: 40, bright: 240 })).toBe(1);
  expect(exposureGain({ mean: 90, bright: 100 })).toBeCloseTo(1.1111, 4);
  // MIN_GAIN itself is worth it.
  expect(exposureGain({ mean: 100 / 1.1, bright: 10 })).toBe(1.1);
  // Nothing to go by: a mean of 0, or 99 % of the picture black (a few bright points would take the gain).
  expect(exposureGain({ mean: 0, bright: 50 })).toBe(1);
  expect(exposureGain({ mean: 2, bright: 0 })).toBe(1);
  // Just under the target: brightened, if by enough.
  expect(exposureGain({ mean: 99, bright: 10 })).toBe(1);
  expect(exposureGain({ mean: 100, bright: 10 })).toBe(1);
});

test('exposed: a bright picture is itself; a dim one a brightened copy, held to 255, the original untouched', () => {
  const bright = flat(120);
  expect(exposed(bright)).toBe(bright);
  const dim = { ...flat(50), scale: 2, maxFaces: 7 };
  dim.data[1] = 140; // between the samples: the levels stay 50
  const seen = exposed(dim);
  expect(seen).not.toBe(dim);
  // Twice every value; 140 would be 280, held to 255.
  expect(seen.data[2]).toBe(100);
  expect(seen.data[1]).toBe(255);
  expect(dim.data[2]).toBe(50);
  // Everything else about the picture is kept.
  expect([seen.width, seen.height, seen.scale, seen.maxFaces]).toEqual([50, 1, 2, 7]);
  // Rounded, not truncated: 33 x (100 / 33) is 100, 34 x (100 / 33) is 103.03.
  const third = flat(33);
  third.data[3] = 34; // between the samples
  expect(Array.from(exposed(third).data.subarray(0, 4))).toEqual([100, 100, 100, 103]);
});

test('sampleStep: every 7th value of a small picture, about 60 000 samples of a large one, never a multiple of 3', () => {
  expect(sampleStep(300)).toBe(7);
  expect(sampleStep(420_000)).toBe(7);
  expect(sampleStep(420_001)).toBe(8);
  // 1280 x 720 x 3 values: 46.08, so 47.
  expect(sampleStep(1280 * 720 * 3)).toBe(47);
  // 1920 x 1080 x 3: 103.68 -> 104; 3000 x 2000 x 3: 300 -> 301 (300 is a multiple of 3).
  expect(sampleStep(1920 * 1080 * 3)).toBe(104);
  expect(sampleStep(3000 * 2000 * 3)).toBe(301);
  // A large striped picture is still read across its channels.
  const striped = { data: Uint8Array.from({ length: 1280 * 720 * 3 }, (_, i) => [0, 90, 210][i % 3]!) };
  expect(levelsOf(striped).mean).toBeCloseTo(100, 0);
});
