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
 * The image region under a side x side crop (with a margin for the bilinear taps), and how many
 * times to halve it so that at most 1.5 image pixels fall on a crop pixel; its sides are a multiple
 * of 2^halvings, so that every halving is exact.
 */
function regionUnder(image: PixelImage, crop: Similarity, side: number) {
  const pixelsPerOutput = Math.hypot(crop.a.x, crop.a.y);
  const halvings = Math.max(0, Math.min(MAX_HALVINGS, Math.floor(Math.log2(pixelsPerOutput / 1.5)) + 1));
  const unit = 2 ** halvings;
  const under = squareFootprint(crop, side);
  const x0 = clamp(Math.floor(under.x) - unit, 0, image.width - 1);
  const y0 = clamp(Math.floor(under.y) - unit, 0, image.height - 1);
  const x1 = clamp(Math.ceil(under.x + under.width) + 2 * unit, x0 + 1, image.width);
  const y1 = clamp(Math.ceil(under.y + under.height) + 2 * unit, y0 + 1, image.height);
  const width = Math.min(Math.max(unit, x1 - x0 - ((x1 - x0) % unit)), image.width - x0);
  const height = Math.min(Math.max(unit, y1 - y0 - ((y1 - y0) % unit)), image.height - y0);
  return { x0, y0, width, height, halvings };
}

/**
 * Writes the side x side crop whose pixel p shows the image at crop(p) into `out` at `offset`, as RGB
 * in [0, 1]: sampled bilinearly (taps outside the image read 0) from the image region under it, first
 * halved until at most 1.5 image pixels fall on a crop pixel, so that shrinking a large face does not alias.
 */
export function sampleCrop(image: PixelImage, crop: Similarity, side: number, out: Float32Array, offset: number): void {
  const { x0, y0, width, height, halvings } = regionUnder(image, crop, side);
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

// ITU-R BT.601 luma weights: the grey of an RGB value.
const [RED, GREEN, BLUE] = [0.299, 0.587, 0.114];

/**
 * As sampleCrop, but one grey level a crop pixel (BT.601 luma, in [0, 1]), from a mipmap of grey
 * levels: the grey of sampleCrop's colours (every step is linear), for a third of the work, which
 * matters for the refiner's crop of a large face (an 800 px region for its 160 px crop).
 */
export function sampleGreyCrop(image: PixelImage, crop: Similarity, side: number, out: Float32Array): void {
  const { x0, y0, width, height, halvings } = regionUnder(image, crop, side);
  let level = greyRegion(image, x0, y0, width, height, halvings > 0 && width >= 2 && height >= 2);
  for (let n = 1; n < halvings && level.width >= 2 && level.height >= 2; n++) level = halveGrey(level);
  // Crop pixel (u, v) -> image pixel a p + b -> level pixel (q - origin + 0.5) / k - 0.5.
  const { a, b } = crop;
  const { k } = level;
  sampleGreyLevel(level, { a: { x: a.x / k, y: a.y / k }, b: { x: (b.x - x0 + 0.5) / k - 0.5, y: (b.y - y0 + 0.5) / k - 0.5 } }, side, out);
}

function sampleGreyLevel({ values, width: w, height: h }: GreyLevel, { a, b }: Similarity, side: number, out: Float32Array): void {
  for (let v = 0; v < side; v++) {
    // A step along a crop row is a step of `a` on the level.
    let x = b.x - a.y * v;
    let y = b.y + a.x * v;
    for (let u = 0; u < side; u++, x += a.x, y += a.y) {
      const xf = Math.floor(x);
      const yf = Math.floor(y);
      const fx = x - xf;
      const fy = y - yf;
      const i = yf * w + xf;
      const value =
        xf >= 0 && yf >= 0 && xf + 1 < w && yf + 1 < h
          ? (values[i]! * (1 - fx) + values[i + 1]! * fx) * (1 - fy) + (values[i + w]! * (1 - fx) + values[i + w + 1]! * fx) * fy
          : // Outside the level reads 0.
            (greyTap(values, w, h, xf, yf) * (1 - fx) + greyTap(values, w, h, xf + 1, yf) * fx) * (1 - fy) +
            (greyTap(values, w, h, xf, yf + 1) * (1 - fx) + greyTap(values, w, h, xf + 1, yf + 1) * fx) * fy;
      out[v * side + u] = value / 255;
    }
  }
}

function greyTap(values: Float32Array, w: number, h: number, x: number, y: number): number {
  return x >= 0 && x < w && y >= 0 && y < h ? values[y * w + x]! : 0;
}

interface GreyLevel {
  values: Float32Array;
  width: number;
  height: number;
  /** Image pixels a level pixel. */
  k: number;
}

/** The region's grey levels (0-255), halved once on the way when `halved` (the 2x2 means of the colours' greys). */
function greyRegion(image: PixelImage, x0: number, y0: number, width: number, height: number, halved: boolean): GreyLevel {
  const { data } = image;
  const rowValues = image.width * 3;
  if (!halved) {
    const values = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      let at = (y0 + y) * rowValues + x0 * 3;
      for (let x = 0; x < width; x++, at += 3) values[y * width + x] = RED * data[at]! + GREEN * data[at + 1]! + BLUE * data[at + 2]!;
    }
    return { values, width, height, k: 1 };
  }
  const [w, h] = [width >> 1, height >> 1];
  const values = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let top = (y0 + 2 * y) * rowValues + x0 * 3;
    for (let x = 0; x < w; x++, top += 6) {
      const bottom = top + rowValues;
      const red = data[top]! + data[top + 3]! + data[bottom]! + data[bottom + 3]!;
      const green = data[top + 1]! + data[top + 4]! + data[bottom + 1]! + data[bottom + 4]!;
      const blue = data[top + 2]! + data[top + 5]! + data[bottom + 2]! + data[bottom + 5]!;
      values[y * w + x] = (RED * red + GREEN * green + BLUE * blue) * 0.25;
    }
  }
  return { values, width: w, height: h, k: 2 };
}

function halveGrey({ values, width, height, k }: GreyLevel): GreyLevel {
  const [w, h] = [width >> 1, height >> 1];
  const half = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const top = 2 * y * width + 2 * x;
      half[y * w + x] = (values[top]! + values[top + 1]! + values[top + width]! + values[top + width + 1]!) * 0.25;
    }
  }
  return { values: half, width: w, height: h, k: 2 * k };
}
