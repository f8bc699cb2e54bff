import { faceQuality } from '../../src/providers/embedded/face-quality';

// The expected values are worked out by hand: a Laplacian (4 neighbours minus 4 times the pixel) of
// stripes alternating between grey levels g and g + d is +-2d (+-4d on a checkerboard), so its
// standard deviation is 2d (4d); sharpness = 1 - exp(-std / 12); resolution = shorter side / 80.
const sharpness = (std: number) => 1 - Math.exp(-std / 12);

/** A width x height picture whose pixel (x, y) is `grey(x, y)`, with R and G spread around it (their mean is that grey). */
function picture(width: number, height: number, grey: (x: number, y: number) => number) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([grey(x, y) + 3, grey(x, y) - 3, grey(x, y)], (y * width + x) * 3);
  }
  return { data, width, height };
}
const columns = (x: number) => (x % 2 === 0 ? 100 : 106);
const rows = (_: number, y: number) => (y % 2 === 0 ? 100 : 106);
const checkerboard = (x: number, y: number) => ((x + y) % 2 === 0 ? 100 : 106);
const box = (x: number, y: number, side: number) => ({ x, y, width: side, height: side });

test('sharpness from the Laplacian contrast of the grey face, times resolution from the box side', () => {
  // A 64 px box is read pixel for pixel: stripes 6 levels apart give std 12, at 64/80 resolution.
  expect(faceQuality(picture(64, 64, columns), box(0, 0, 64), 1)).toBeCloseTo(0.8 * sharpness(12), 9);
  expect(faceQuality(picture(64, 64, rows), box(0, 0, 64), 1)).toBeCloseTo(0.8 * sharpness(12), 9);
  expect(faceQuality(picture(64, 64, checkerboard), box(0, 0, 64), 1)).toBeCloseTo(0.8 * sharpness(24), 9);
  expect(
    faceQuality(
      picture(64, 64, () => 90),
      box(0, 0, 64),
      1,
    ),
  ).toBe(0);
});

test('resolution counts upright-image pixels (the scale), and is full from 80 of them', () => {
  const stripes = picture(64, 64, columns);
  expect(faceQuality(stripes, box(0, 0, 64), 1.25)).toBeCloseTo(sharpness(12), 9);
  expect(faceQuality(stripes, box(0, 0, 64), 2)).toBeCloseTo(sharpness(12), 9);
  expect(faceQuality(stripes, box(0, 0, 64), 0.5)).toBeCloseTo(0.4 * sharpness(12), 9);
  // The shorter side decides.
  expect(faceQuality(stripes, { x: 0, y: 0, width: 64, height: 40 }, 1)).toBeCloseTo(0.5 * faceQuality(stripes, { x: 0, y: 0, width: 64, height: 40 }, 2), 9);
});

test('the face is read where the box is', () => {
  // Flat grey with a striped 64 px square at (50, 70).
  const image = picture(200, 160, (x, y) => (x >= 50 && x < 114 && y >= 70 && y < 134 ? columns(x) : 90));
  expect(faceQuality(image, box(50, 70, 64), 1)).toBeCloseTo(0.8 * sharpness(12), 9);
  expect(faceQuality(image, box(120, 0, 64), 1)).toBe(0);
  expect(faceQuality(image, box(300, 0, 64), 1)).toBe(0);
});

test('a larger face is resized with its corners aligned: 127 px fall on every other pixel, the last one included', () => {
  // 63 steps of exactly 2 pixels from the first column: every sample is a 100 (or, one pixel on, a
  // 106) column, so the resized face is flat.
  const stripes = picture(140, 140, columns);
  expect(faceQuality(stripes, box(0, 0, 127), 1)).toBe(0);
  expect(faceQuality(stripes, box(1, 0, 127), 1)).toBe(0);
  expect(faceQuality(picture(140, 140, rows), box(0, 1, 127), 1)).toBe(0);
  // Flat but for a bright last column (or row): only the last sample reads it, 60 levels up, so one
  // of the 62 Laplacian columns is 60 and the rest 0.
  const std = 60 * Math.sqrt((1 / 62) * (61 / 62));
  expect(
    faceQuality(
      picture(127, 127, (x) => (x === 126 ? 160 : 100)),
      box(0, 0, 127),
      1,
    ),
  ).toBeCloseTo(sharpness(std), 9);
  expect(
    faceQuality(
      picture(127, 127, (_, y) => (y === 126 ? 160 : 100)),
      box(0, 0, 127),
      1,
    ),
  ).toBeCloseTo(sharpness(std), 9);
});

test('a linear ramp stays linear when resized, so it has no Laplacian contrast', () => {
  // Bilinear samples between two pixels of a ramp lie on it; a nearest-pixel or mis-weighted resize would not.
  expect(
    faceQuality(
      picture(120, 120, (x, y) => 10 + x + y),
      box(0, 0, 100),
      1,
    ),
  ).toBeCloseTo(0, 9);
});
