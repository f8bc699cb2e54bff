// tfjs helpers shared by the engines: image tensors, face quality and similarity warps.
import * as tf from '@tensorflow/tfjs-core';
import { clipBox, type Box } from '../../geometry/geometry';
import type { PixelImage, WarpMatrix } from './engine-protocol';
import { at } from '../../checked';

// Quality: Laplacian standard deviation of the 64x64 grey face at which sharpness reaches 1 - 1/e.
const SHARPNESS_SCALE = 12;
const FULL_RESOLUTION_SIDE = 80;

/** The image as an int32 [height, width, 3] tensor (the caller disposes it). */
export function imageTensor(image: PixelImage): tf.Tensor3D {
  return tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
}

/**
 * An integer rectangle of the image as a float32 [height, width, 3] tensor. Copied row by row here:
 * tfjs-backend-wasm slices int32 tensors element by element in JavaScript, several ms a face.
 */
export function regionTensor(image: PixelImage, r: Box): tf.Tensor3D {
  const rowValues = r.width * 3;
  const values = new Float32Array(r.height * rowValues);
  for (let y = 0; y < r.height; y++) {
    const start = ((r.y + y) * image.width + r.x) * 3;
    values.set(image.data.subarray(start, start + rowValues), y * rowValues);
  }
  return tf.tensor3d(values, [r.height, r.width, 3], 'float32');
}

/** The image as a float32 batch of one, [1, height, width, 3]. */
export function imageBatch(image: PixelImage): tf.Tensor4D {
  return tf.tidy(() => tf.expandDims(tf.cast(imageTensor(image), 'float32'), 0) as tf.Tensor4D);
}

/**
 * 0..1: sharpness (Laplacian contrast of the face at 64x64) times resolution (1 from a shorter box
 * side of 80 upright-image pixels). `scale` = upright-image pixels per pixel of `input`.
 */
export function faceQuality(image: PixelImage, box: Box, scale: number): number {
  const region = pixelRegion(box, image.width, image.height);
  if (!region) return 0;
  const laplacianStd = tf.tidy(() => {
    const face = tf.expandDims(tf.image.resizeBilinear(regionTensor(image, region), [64, 64], true), 0) as tf.Tensor4D;
    const grey = tf.mean(face, 3, true) as tf.Tensor4D;
    const kernel = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]);
    const laplacian = tf.conv2d(grey, kernel, 1, 'valid');
    return Math.sqrt(at(tf.moments(laplacian).variance.dataSync(), 0));
  });
  const sharpness = 1 - Math.exp(-laplacianStd / SHARPNESS_SCALE);
  const resolution = Math.min(1, (Math.min(box.width, box.height) * scale) / FULL_RESOLUTION_SIDE);
  return sharpness * resolution;
}

/** Bilinear squares of `size` from one image (batch of 1), one per output-to-input matrix. */
export function warpSquares(batch: tf.Tensor4D, matrices: readonly WarpMatrix[], size: number): tf.Tensor4D {
  // One transform per square: tiling the whole picture per face would copy it each time.
  const squares = matrices.map((m) => tf.image.transform(batch, tf.tensor2d([[...m, 0, 0]]), 'bilinear', 'constant', 0, [size, size]));
  return squares.length === 1 ? at(squares, 0) : (tf.concat(squares) as tf.Tensor4D);
}

/** Packed RGB bytes of one warped square. */
export function warpToBytes(image: PixelImage, matrix: WarpMatrix, size: number): Uint8Array {
  // Read outside tidy: tidy walks what its function returns, element by element for a typed array.
  const square = tf.tidy(() => tf.clipByValue(tf.round(warpSquares(imageBatch(image), [matrix], size)), 0, 255));
  try {
    return Uint8Array.from(square.dataSync());
  } finally {
    square.dispose();
  }
}

/** Integer pixel rectangle of `b` inside a width x height image, or undefined when it lies outside. */
export function pixelRegion(b: Box, width: number, height: number): Box | undefined {
  const clipped = clipBox(b, width, height);
  if (!clipped) return undefined;
  const x = Math.floor(clipped.x);
  const y = Math.floor(clipped.y);
  return { x, y, width: Math.min(width - x, Math.max(1, Math.round(clipped.width))), height: Math.min(height - y, Math.max(1, Math.round(clipped.height))) };
}
