// Detector inputs, made in JavaScript straight from the image's bytes: converting a whole picture
// to a float tensor first cost more than the resize itself.
import type { PixelImage } from '../engine-protocol';

/** The picture resized, interleaved RGB values 0..255, and the image pixels per output pixel on each axis. */
export interface Resized {
  values: Float32Array;
  width: number;
  height: number;
  scaleX: number;
  scaleY: number;
}

/** The picture scaled by `fit` (each side rounded), bilinear with pixel centres aligned (tfjs' half-pixel rule). */
export function resizeBilinear(image: PixelImage, fit: number): Resized {
  const { width, height } = fitted(image, fit);
  return resizeTo(image, width, height);
}

const fitted = (image: PixelImage, fit: number) => ({ width: Math.max(1, Math.round(image.width * fit)), height: Math.max(1, Math.round(image.height * fit)) });

/** The picture resized to width x height, bilinear with pixel centres aligned. */
export function resizeTo(image: PixelImage, width: number, height: number): Resized {
  const values = new Float32Array(width * height * 3);
  resizeInto(image, width, height, { values, rowValues: width * 3, divisor: 1, offset: 0 });
  return { values, width, height, scaleX: image.width / width, scaleY: image.height / height };
}

/**
 * BlazeFace's input: the picture scaled so its longer side fills `side`, padded right and bottom to
 * a square, normalised to [-1, 1]; the padding is 0 there (mid-grey). Resized straight into the
 * square: a resized copy first cost a second pass and half a MB an image.
 */
export function letterbox(image: PixelImage, side: number): Resized {
  const { width, height } = fitted(image, side / Math.max(image.width, image.height));
  const values = new Float32Array(side * side * 3);
  resizeInto(image, width, height, { values, rowValues: side * 3, divisor: 127.5, offset: -1 });
  return { values, width: side, height: side, scaleX: image.width / width, scaleY: image.height / height };
}

/** Resizes to width x height into `values` (rows `rowValues` apart), each value v (as a float32) written as v / divisor + offset. */
function resizeInto(image: PixelImage, width: number, height: number, out: { values: Float32Array; rowValues: number; divisor: number; offset: number }): void {
  const { values, rowValues, divisor, offset } = out;
  const taps = (outIndex: number, scale: number, size: number) => {
    const at = Math.min(size - 1, Math.max(0, (outIndex + 0.5) * scale - 0.5));
    const low = Math.floor(at);
    return { low, high: Math.min(size - 1, low + 1), frac: at - low };
  };
  const columns = Array.from({ length: width }, (_, x) => taps(x, image.width / width, image.width));
  const { data } = image;
  for (let y = 0; y < height; y++) {
    const row = taps(y, image.height / height, image.height);
    const top = row.low * image.width * 3;
    const bottom = row.high * image.width * 3;
    for (let x = 0; x < width; x++) {
      // The hottest loop of a detection: indexes come from the sizes above, so `!` rather than at().
      const { low, high, frac } = columns[x]!;
      const target = y * rowValues + x * 3;
      for (let c = 0; c < 3; c++) {
        const upper = data[top + low * 3 + c]! * (1 - frac) + data[top + high * 3 + c]! * frac;
        const lower = data[bottom + low * 3 + c]! * (1 - frac) + data[bottom + high * 3 + c]! * frac;
        values[target + c] = Math.fround(upper * (1 - row.frac) + lower * row.frac) / divisor + offset;
      }
    }
  }
}
