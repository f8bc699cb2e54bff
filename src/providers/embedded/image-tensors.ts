// tfjs helpers shared by the engines: image tensors and similarity warps.
import * as tf from '@tensorflow/tfjs-core';
import type { PixelImage, WarpMatrix } from './engine-protocol';
import { at } from '../../checked';

/** The image as an int32 [height, width, 3] tensor (the caller disposes it). */
export function imageTensor(image: PixelImage): tf.Tensor3D {
  return tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
}

/** The image as a float32 batch of one, [1, height, width, 3]. */
export function imageBatch(image: PixelImage): tf.Tensor4D {
  return tf.tidy(() => tf.expandDims(tf.cast(imageTensor(image), 'float32'), 0) as tf.Tensor4D);
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
