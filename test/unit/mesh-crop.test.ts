import { sampleCrop, sampleGreyCrop } from '../../src/providers/embedded/mediapipe/mesh-crop';
import { applySimilarity, type Similarity } from '../../src/geometry/similarity';

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

// The reference: a mipmap of the whole image (each level the 2x2 means of the one above, a pixel
// lost at an odd edge), sampled bilinearly with 0 outside, by the definition in sampleCrop's
// comment. It agrees with the crop wherever the crop's region starts at the image's corner, which
// a crop around the whole image does.
function referenceCrop(img: { data: ArrayLike<number>; width: number; height: number }, crop: Similarity, side: number): number[] {
  const perOutput = Math.hypot(crop.a.x, crop.a.y);
  const halvings = Math.min(4, Math.max(0, Math.floor(Math.log2(perOutput / 1.5)) + 1));
  let level = { width: img.width, height: img.height, at: (x: number, y: number, c: number) => img.data[(y * img.width + x) * 3 + c]! };
  let k = 1;
  for (let n = 0; n < halvings && level.width >= 2 && level.height >= 2; n++) {
    const above = level;
    const values: number[][][] = [];
    for (let y = 0; y < above.height >> 1; y++) {
      values.push([]);
      for (let x = 0; x < above.width >> 1; x++) {
        values[y]!.push(
          [0, 1, 2].map(
            (c) => (above.at(2 * x, 2 * y, c) + above.at(2 * x + 1, 2 * y, c) + above.at(2 * x, 2 * y + 1, c) + above.at(2 * x + 1, 2 * y + 1, c)) / 4,
          ),
        );
      }
    }
    level = { width: above.width >> 1, height: above.height >> 1, at: (x, y, c) => values[y]![x]![c]! };
    k *= 2;
  }
  const { width, height, at } = level;
  const tap = (x: number, y: number, c: number) => (x >= 0 && y >= 0 && x < width && y < height ? at(x, y, c) : 0);
  const result: number[] = [];
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++) {
      const q = applySimilarity(crop, { x: u, y: v });
      const [x, y] = [(q.x + 0.5) / k - 0.5, (q.y + 0.5) / k - 0.5];
      const [x0, y0] = [Math.floor(x), Math.floor(y)];
      const [fx, fy] = [x - x0, y - y0];
      for (let c = 0; c < 3; c++) {
        const top = tap(x0, y0, c) * (1 - fx) + tap(x0 + 1, y0, c) * fx;
        const bottom = tap(x0, y0 + 1, c) * (1 - fx) + tap(x0 + 1, y0 + 1, c) * fx;
        result.push((top * (1 - fy) + bottom * fy) / 255);
      }
    }
  }
  return result;
}

// Bytes without structure (a linear congruential sequence) on odd sides, so that every tap and
// every halving's edge shows.
const noisy = { width: 37, height: 29, data: Uint8Array.from({ length: 37 * 29 * 3 }, (_, i) => (i * 2654435761) >>> 24) };

/** A crop showing the whole image (and around it, turned by `angle`) at `perOutput` image pixels a crop pixel, and its side. */
function aroundTheImage(perOutput: number, angle: number): { crop: Similarity; side: number } {
  const side = Math.max(4, Math.ceil((1.1 * Math.hypot(noisy.width, noisy.height)) / perOutput));
  const a = { x: perOutput * Math.cos(angle), y: perOutput * Math.sin(angle) };
  const centre = (side - 1) / 2;
  return { side, crop: { a, b: { x: noisy.width / 2 - (a.x * centre - a.y * centre), y: noisy.height / 2 - (a.y * centre + a.x * centre) } } };
}

test.each([
  [1, 0],
  [0.8, 0.4],
  [1.2, -1.1],
  [1.6, 0],
  [2.5, 0.7],
  [3.2, -0.3],
  [5, 2],
  [7, 0.2],
  [13, -0.9],
  [40, 0.5],
])('at %p image pixels a crop pixel, turned %p rad: the bilinear sample of the right mipmap level', (perOutput, angle) => {
  const { crop, side } = aroundTheImage(perOutput, angle);
  const out = new Float32Array(5 + side * side * 3 + 5).fill(-1);
  sampleCrop(noisy, crop, side, out, 5);
  const expected = referenceCrop(noisy, crop, side);
  const worst = Math.max(...Array.from(out.subarray(5, 5 + side * side * 3), (value, i) => Math.abs(value - expected[i]!)));
  // Float32 levels and output against doubles: a few 1e-8 apart.
  expect(worst).toBeLessThan(1e-6);
  // Nothing written outside the crop's place.
  expect([...out.subarray(0, 5), ...out.subarray(5 + side * side * 3)]).toEqual(new Array(10).fill(-1));
});

test.each([
  [0.8, 0.4],
  [1.6, 0],
  [2.5, 0.7],
  [5, 2],
  [13, -0.9],
  [40, 0.5],
])('sampleGreyCrop at %p image pixels a crop pixel, turned %p rad: the BT.601 grey of the colour crop', (perOutput, angle) => {
  const { crop, side } = aroundTheImage(perOutput, angle);
  const expected = referenceCrop(noisy, crop, side);
  const out = new Float32Array(side * side).fill(-1);
  sampleGreyCrop(noisy, crop, side, out);
  const worst = Math.max(
    ...Array.from(out, (value, i) => Math.abs(value - (0.299 * expected[3 * i]! + 0.587 * expected[3 * i + 1]! + 0.114 * expected[3 * i + 2]!))),
  );
  expect(worst).toBeLessThan(1e-6);
});

test('the image bytes may come as a Buffer, a Uint8Array or floats alike', () => {
  const { crop, side } = aroundTheImage(2.5, 0.3);
  const outs = [Buffer.from(noisy.data), noisy.data, Float32Array.from(noisy.data)].map((data) => {
    const out = new Float32Array(side * side * 3);
    sampleCrop({ ...noisy, data: data as Uint8Array }, crop, side, out, 0);
    return Array.from(out);
  });
  expect(outs[1]).toEqual(outs[0]);
  expect(outs[2]).toEqual(outs[0]);
});

// A picture whose channels are linear in x and y: 2x-by-2 means of it, whatever their grid, and
// bilinear samples of those are the same linear function, so a crop reads it back exactly where its
// taps lie well inside the picture, wherever the crop is cut and however it is turned.
const rampAt = (x: number, y: number) => [2 * x + 3 * y, 250 - 2 * x - 2 * y, 5 * y];
const ramp = { width: 61, height: 43, data: Uint8Array.from(Array.from({ length: 61 * 43 }, (_, p) => rampAt(p % 61, Math.floor(p / 61))).flat()) };

test.each([
  // per output pixel, angle, crop centre (near each edge and corner too)
  [0.7, 0.3, 30, 20],
  [1.7, -0.4, 31, 21],
  [2.3, 0.9, 50, 35],
  [3.1, 0, 55.5, 38.2],
  [4.4, 1.3, 9, 7],
  [6.5, -2.2, 40, 30],
  [9, 0.1, 33, 22],
])('at %p image pixels a crop pixel, turned %p rad, centred at (%p, %p): the picture read back where its taps lie inside', (perOutput, angle, cx, cy) => {
  const side = 24;
  const a = { x: perOutput * Math.cos(angle), y: perOutput * Math.sin(angle) };
  const centre = (side - 1) / 2;
  const crop = { a, b: { x: cx - (a.x * centre - a.y * centre), y: cy - (a.y * centre + a.x * centre) } };
  const out = new Float32Array(side * side * 3);
  sampleCrop(ramp, crop, side, out, 0);
  // A level pixel spans up to 16 image pixels (4 halvings) and a grid may start 16 in, so taps this far from the edges are inside.
  const margin = 2 * Math.min(16, 2 ** Math.max(0, Math.floor(Math.log2(perOutput / 1.5)) + 1)) + 1;
  let checked = 0;
  for (let v = 0; v < side; v++) {
    for (let u = 0; u < side; u++) {
      const q = applySimilarity(crop, { x: u, y: v });
      if (q.x < margin || q.y < margin || q.x > ramp.width - 1 - margin || q.y > ramp.height - 1 - margin) continue;
      checked++;
      const got = Array.from(out.subarray((v * side + u) * 3, (v * side + u) * 3 + 3), (c) => c * 255);
      rampAt(q.x, q.y).forEach((want, c) => expect(got[c]).toBeCloseTo(want, 3));
    }
  }
  expect(checked).toBeGreaterThan(0);
});
