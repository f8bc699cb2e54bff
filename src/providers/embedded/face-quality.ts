// A face's quality score, read straight from the image's bytes. Pure: no tfjs (it was four tfjs-wasm
// ops on a float copy of the whole face, about 1.5 ms of an engine worker's 16 ms per photo).
import { pixelRegion, type Box } from '../../geometry/geometry';
import type { PixelImage } from './engine-protocol';

/** The side of the grey face whose Laplacian contrast measures sharpness. */
const SIDE = 64;
// Laplacian standard deviation (grey levels) at which sharpness reaches 1 - 1/e.
const SHARPNESS_SCALE = 12;
// The shorter box side, in upright-image pixels, from which resolution counts fully.
const FULL_RESOLUTION_SIDE = 80;

/**
 * 0..1: sharpness (Laplacian contrast of the face resized to 64x64 grey) times resolution (1 from
 * a shorter box side of 80 upright-image pixels). `scale` = upright-image pixels per pixel of `image`.
 */
export function faceQuality(image: PixelImage, box: Box, scale: number): number {
  const region = pixelRegion(box, image.width, image.height);
  if (!region) return 0;
  const laplacianStd = Math.sqrt(variance(laplacian(greyFace(image, region))));
  const sharpness = 1 - Math.exp(-laplacianStd / SHARPNESS_SCALE);
  const resolution = Math.min(1, (Math.min(box.width, box.height) * scale) / FULL_RESOLUTION_SIDE);
  return sharpness * resolution;
}

/**
 * The region resized to SIDE x SIDE, bilinear with corners aligned (the first and last samples on
 * the first and last pixels), as the mean of R, G and B.
 */
function greyFace(image: PixelImage, region: Box): Float64Array {
  const { data, width } = image;
  const grey = (x: number, y: number) => {
    const i = ((region.y + y) * width + region.x + x) * 3;
    return (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
  };
  const taps = (out: number, size: number) => {
    const at = (out * (size - 1)) / (SIDE - 1);
    const low = Math.floor(at);
    return { low, high: Math.min(size - 1, low + 1), frac: at - low };
  };
  const columns = Array.from({ length: SIDE }, (_, x) => taps(x, region.width));
  const face = new Float64Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    const row = taps(y, region.height);
    for (let x = 0; x < SIDE; x++) {
      const { low, high, frac } = columns[x]!;
      const top = grey(low, row.low) * (1 - frac) + grey(high, row.low) * frac;
      const bottom = grey(low, row.high) * (1 - frac) + grey(high, row.high) * frac;
      face[y * SIDE + x] = top * (1 - row.frac) + bottom * row.frac;
    }
  }
  return face;
}

/** The 4-neighbour Laplacian of a SIDE x SIDE picture, where all four neighbours exist. */
function laplacian(face: Float64Array): Float64Array {
  const inner = SIDE - 2;
  const out = new Float64Array(inner * inner);
  for (let y = 1; y <= inner; y++) {
    for (let x = 1; x <= inner; x++) {
      const i = y * SIDE + x;
      out[(y - 1) * inner + x - 1] = face[i - SIDE]! + face[i - 1]! + face[i + 1]! + face[i + SIDE]! - 4 * face[i]!;
    }
  }
  return out;
}

// Indexed loops: for-of boxed each value (0.7 MB of garbage a 6-face photo).
function variance(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return squares / values.length;
}
