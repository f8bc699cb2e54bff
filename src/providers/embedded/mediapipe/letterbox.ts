// The detector's input, made in JavaScript straight from the image's bytes: converting a whole
// picture to a float tensor first cost more than the resize itself.
import type { PixelImage } from '../engine-protocol';

export interface Letterbox {
  /** side x side x 3 values in [-1, 1]; the padding right and bottom is 0 (mid-grey). */
  values: Float32Array;
  /** Image pixels per input pixel, along each axis (each side rounds on its own). */
  scaleX: number;
  scaleY: number;
}

/**
 * The picture scaled (bilinear, pixel centres aligned) so that its longer side fills `side`, then
 * padded right and bottom to a square, normalised to [-1, 1].
 */
export function letterbox(image: PixelImage, side: number): Letterbox {
  const fit = side / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * fit));
  const height = Math.max(1, Math.round(image.height * fit));
  const scaleX = image.width / width;
  const scaleY = image.height / height;
  const values = new Float32Array(side * side * 3);
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
      const { low, high, frac } = columns[x];
      const out = (y * side + x) * 3;
      for (let c = 0; c < 3; c++) {
        const upper = data[top + low * 3 + c] * (1 - frac) + data[top + high * 3 + c] * frac;
        const lower = data[bottom + low * 3 + c] * (1 - frac) + data[bottom + high * 3 + c] * frac;
        values[out + c] = (upper * (1 - row.frac) + lower * row.frac) / 127.5 - 1;
      }
    }
  }
  return { values, scaleX, scaleY };
}
