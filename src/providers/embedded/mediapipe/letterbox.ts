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
  return resizeTo(image, Math.max(1, Math.round(image.width * fit)), Math.max(1, Math.round(image.height * fit)));
}

/** The picture resized to width x height, bilinear with pixel centres aligned. */
export function resizeTo(image: PixelImage, width: number, height: number): Resized {
  const scaleX = image.width / width;
  const scaleY = image.height / height;
  const values = new Float32Array(width * height * 3);
  const taps = (outIndex: number, scale: number, size: number) => {
    const at = Math.min(size - 1, Math.max(0, (outIndex + 0.5) * scale - 0.5));
    const low = Math.floor(at);
    return { low, high: Math.min(size - 1, low + 1), frac: at - low };
  };
  const columns = Array.from({ length: width }, (_, x) => taps(x, scaleX, image.width));
  const { data } = image;
  for (let y = 0; y < height; y++) {
    const row = taps(y, scaleY, image.height);
    const top = row.low * image.width * 3;
    const bottom = row.high * image.width * 3;
    for (let x = 0; x < width; x++) {
      // The hottest loop of a detection: indexes come from the sizes above, so `!` rather than at().
      const { low, high, frac } = columns[x]!;
      const out = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const upper = data[top + low * 3 + c]! * (1 - frac) + data[top + high * 3 + c]! * frac;
        const lower = data[bottom + low * 3 + c]! * (1 - frac) + data[bottom + high * 3 + c]! * frac;
        values[out + c] = upper * (1 - row.frac) + lower * row.frac;
      }
    }
  }
  return { values, width, height, scaleX, scaleY };
}

/**
 * BlazeFace's input: the picture scaled so its longer side fills `side`, padded right and bottom to
 * a square, normalised to [-1, 1]; the padding is 0 there (mid-grey).
 */
export function letterbox(image: PixelImage, side: number): Resized {
  const resized = resizeBilinear(image, side / Math.max(image.width, image.height));
  const values = new Float32Array(side * side * 3);
  const rowValues = resized.width * 3;
  for (let y = 0; y < resized.height; y++) {
    for (let i = 0; i < rowValues; i++) values[y * side * 3 + i] = resized.values[y * rowValues + i]! / 127.5 - 1;
  }
  return { ...resized, values, width: side, height: side };
}
