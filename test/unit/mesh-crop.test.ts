import { sampleCrop } from '../../src/providers/embedded/mediapipe/mesh-crop';

// An 8x8 image whose pixel (x, y) has channels (x, y, x + y) * 10.
const image = {
  width: 8,
  height: 8,
  data: Uint8Array.from(Array.from({ length: 64 }, (_, p) => [p % 8, Math.floor(p / 8), (p % 8) + Math.floor(p / 8)].map((c) => c * 10)).flat()),
};
const pixel = (out: Float32Array, side: number, u: number, v: number) => Array.from(out.subarray((v * side + u) * 3, (v * side + u) * 3 + 3), (c) => c * 255);

test('one image pixel per crop pixel: the crop is the image, in [0, 1], written at the offset', () => {
  const out = new Float32Array(10 + 4 * 4 * 3);
  sampleCrop(image, { a: { x: 1, y: 0 }, b: { x: 2, y: 3 } }, 4, out, 10);
  const crop = out.subarray(10);
  expect(pixel(crop, 4, 0, 0).map((c) => Math.round(c))).toEqual([20, 30, 50]);
  expect(pixel(crop, 4, 3, 1).map((c) => Math.round(c))).toEqual([50, 40, 90]);
  expect(Array.from(out.subarray(0, 10))).toEqual(new Array(10).fill(0));
});

test('half-pixel positions are bilinear; taps outside the image read 0', () => {
  const out = new Float32Array(2 * 2 * 3);
  sampleCrop(image, { a: { x: 1, y: 0 }, b: { x: 6.5, y: 0.5 } }, 2, out, 0);
  // (6.5, 0.5): the mean of x 6-7, y 0-1.
  expect(pixel(out, 2, 0, 0).map((c) => Math.round(c * 10) / 10)).toEqual([65, 5, 70]);
  // (7.5, 0.5): half its taps are outside the 8 px image.
  expect(pixel(out, 2, 1, 0).map((c) => Math.round(c * 10) / 10)).toEqual([35, 2.5, 37.5]);
});

test('a shrinking crop reads 2x2 averages (no aliasing): 2 image pixels per crop pixel', () => {
  const out = new Float32Array(4 * 4 * 3);
  // Crop pixel p centre -> image (2p + 0.5): the centre of the 2x2 block at 2p.
  sampleCrop(image, { a: { x: 2, y: 0 }, b: { x: 0.5, y: 0.5 } }, 4, out, 0);
  expect(pixel(out, 4, 1, 2).map((c) => Math.round(c * 10) / 10)).toEqual([25, 45, 70]);
});
