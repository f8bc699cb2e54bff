// The mesh's input crops, sampled in JavaScript straight from the image's bytes: through tfjs
// (region tensors, halvings, a transform, a read back) they cost more than the mesh inference itself.
import { squareFootprint, type Similarity } from '../../../geometry/similarity';
import type { PixelImage } from '../engine-protocol';

// Large faces are halved at most this many times before their crop is sampled (antialiasing).
export const MAX_HALVINGS = 4;

/** A width x height rectangle of RGB values at (x0, y0) of rows `rowValues` long: the image's bytes, or a halved level. */
interface Level {
  values: ArrayLike<number>;
  rowValues: number;
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/**
 * A rectangle of the image, halved `halvings` times by exact 2x2 averages (a mipmap), k image
 * pixels a level pixel. Unhalved, it is the image's bytes where they are: copying a region to
 * floats first cost a pass and an allocation per face.
 */
function halvedRegion(image: PixelImage, x0: number, y0: number, width: number, height: number, halvings: number): Level & { k: number } {
  let level: Level = { values: image.data, rowValues: image.width * 3, x0, y0, width, height };
  let k = 1;
  for (let n = 0; n < halvings && level.width >= 2 && level.height >= 2; n++) {
    level = halve(level);
    k *= 2;
  }
  return { ...level, k };
}

/** 2x2 averages of a level, the channels written out (as in sampleCrop's common case). */
function halve({ values, rowValues, x0, y0, width, height }: Level): Level {
  const w = width >> 1;
  const h = height >> 1;
  const half = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    let top = (y0 + 2 * y) * rowValues + x0 * 3;
    let at = y * w * 3;
    for (let x = 0; x < w; x++, top += 6, at += 3) {
      const bottom = top + rowValues;
      // Quarter of the sum: exact in floats, as a division by 4 is.
      half[at] = (values[top]! + values[top + 3]! + values[bottom]! + values[bottom + 3]!) * 0.25;
      half[at + 1] = (values[top + 1]! + values[top + 4]! + values[bottom + 1]! + values[bottom + 4]!) * 0.25;
      half[at + 2] = (values[top + 2]! + values[top + 5]! + values[bottom + 2]! + values[bottom + 5]!) * 0.25;
    }
  }
  return { values: half, rowValues: w * 3, x0: 0, y0: 0, width: w, height: h };
}

/**
 * Writes the side x side crop whose pixel p shows the image at crop(p) into `out` at `offset`, as RGB
 * in [0, 1]: sampled bilinearly (taps outside the image read 0) from the image region under it, first
 * halved until at most 1.5 image pixels fall on a crop pixel, so that shrinking a large face does not alias.
 */
export function sampleCrop(image: PixelImage, crop: Similarity, side: number, out: Float32Array, offset: number): void {
  const pixelsPerOutput = Math.hypot(crop.a.x, crop.a.y);
  const halvings = Math.max(0, Math.min(MAX_HALVINGS, Math.floor(Math.log2(pixelsPerOutput / 1.5)) + 1));
  const unit = 2 ** halvings;
  // The image region under the crop (with a margin for the bilinear taps), its sides a multiple of
  // `unit` so that every halving is exact.
  const under = squareFootprint(crop, side);
  const x0 = clamp(Math.floor(under.x) - unit, 0, image.width - 1);
  const y0 = clamp(Math.floor(under.y) - unit, 0, image.height - 1);
  const x1 = clamp(Math.ceil(under.x + under.width) + 2 * unit, x0 + 1, image.width);
  const y1 = clamp(Math.ceil(under.y + under.height) + 2 * unit, y0 + 1, image.height);
  const width = Math.min(Math.max(unit, x1 - x0 - ((x1 - x0) % unit)), image.width - x0);
  const height = Math.min(Math.max(unit, y1 - y0 - ((y1 - y0) % unit)), image.height - y0);
  const level = halvedRegion(image, x0, y0, width, height, halvings);
  const { values, rowValues, width: w, height: h, k } = level;
  // Value index of the level's pixel (x, y): start + y * rowValues + x * 3.
  const start = level.y0 * rowValues + level.x0 * 3;
  // Crop pixel (u, v) -> image pixel a p + b -> level pixel (q - origin + 0.5) / k - 0.5.
  const { a, b } = crop;
  const [ax, ay] = [a.x / k, a.y / k];
  const bx = (b.x - x0 + 0.5) / k - 0.5;
  const by = (b.y - y0 + 0.5) / k - 0.5;
  const tap = (x: number, y: number, c: number) => (x >= 0 && x < w && y >= 0 && y < h ? values[start + y * rowValues + x * 3 + c]! : 0);
  for (let v = 0; v < side; v++) {
    const turnedX = ay * v;
    const turnedY = ax * v;
    for (let u = 0; u < side; u++) {
      const x = ax * u - turnedX + bx;
      const y = ay * u + turnedY + by;
      const xf = Math.floor(x);
      const yf = Math.floor(y);
      const fx = x - xf;
      const fy = y - yf;
      const gx = 1 - fx;
      const gy = 1 - fy;
      const target = offset + (v * side + u) * 3;
      if (xf >= 0 && yf >= 0 && xf + 1 < w && yf + 1 < h) {
        // All four taps inside: the common case, read directly, the channels written out.
        const i = start + yf * rowValues + xf * 3;
        const j = i + rowValues;
        out[target] = ((values[i]! * gx + values[i + 3]! * fx) * gy + (values[j]! * gx + values[j + 3]! * fx) * fy) / 255;
        out[target + 1] = ((values[i + 1]! * gx + values[i + 4]! * fx) * gy + (values[j + 1]! * gx + values[j + 4]! * fx) * fy) / 255;
        out[target + 2] = ((values[i + 2]! * gx + values[i + 5]! * fx) * gy + (values[j + 2]! * gx + values[j + 5]! * fx) * fy) / 255;
        continue;
      }
      for (let c = 0; c < 3; c++) {
        const top = tap(xf, yf, c) * gx + tap(xf + 1, yf, c) * fx;
        const bottom = tap(xf, yf + 1, c) * gx + tap(xf + 1, yf + 1, c) * fx;
        out[target + c] = (top * gy + bottom * fy) / 255;
      }
    }
  }
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
