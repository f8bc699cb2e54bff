// face-api's nets on tfjs: the expression and recognition nets (used by every engine), and the
// SSD + 68-point pipeline kept as the selectable `faceapi` engine. Loaded on first use, so that a
// service that never asks for them does not hold their weights.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as FaceApi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { callFlattened } from '../../batching';
import { centroid, pixelRegion, squareAround, type Box, type Point } from '../../geometry/geometry';
import { IBUG68_RANGES, ibug68Range } from '../../geometry/ibug68';
import { applySimilarity, rotationAbout, warpMatrixOf } from '../../geometry/similarity';
import { EXPRESSIONS, type DetectInput, type EngineFace, type PixelImage, type WarpMatrix } from './engine-protocol';
import { imageTensor, warpSquares } from './image-tensors';
import { faceQuality } from './face-quality';

type NetName = 'ssdMobilenetv1' | 'tinyFaceDetector' | 'faceLandmark68Net' | 'faceExpressionNet' | 'faceRecognitionNet';

// SSD candidates below this score must be confirmed by the second detector (cuts animal faces).
const CONFIRM_BELOW = 0.9;
const CONFIRM_MIN_SCORE = 0.6;
const CONFIRM_CONTEXT = 4; // the confirming crop is this many face widths wide
const CONFIRM_INPUT_SIZE = 224;
// Faces tilted more than this (radians) get their landmarks again on a levelled crop.
const REALIGN_ABOVE = (15 * Math.PI) / 180;

const loading = new Map<NetName, Promise<void>>();
let loadedWeightTensors = 0;

/** Tensors held by the nets loaded so far (weights, not a leak). */
export const faceapiWeightTensors = () => loadedWeightTensors;

/** face-api with the named nets loaded from the package's model folder (once per thread). */
async function faceapiWith(...nets: NetName[]): Promise<typeof FaceApi> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await Promise.all(
    nets.map((net) => {
      let loaded = loading.get(net);
      if (!loaded) {
        const before = tf.memory().numTensors;
        loaded = faceapi.nets[net].loadFromDisk(modelDir).then(() => {
          loadedWeightTensors += tf.memory().numTensors - before;
        });
        loading.set(net, loaded);
      }
      return loaded;
    }),
  );
  return faceapi;
}

/** Expression probabilities (EXPRESSIONS order) per box per image, from one batched inference. */
export async function expressionsOf(images: Array<PixelImage & { boxes: Box[] }>): Promise<number[][][]> {
  const faceapi = await faceapiWith('faceExpressionNet');
  return netOverImages(
    images,
    (input, image) =>
      image.boxes.map((box) => {
        const region = pixelRegion(squareAround(box), image.width, image.height) ?? { x: 0, y: 0, width: 1, height: 1 };
        return tf.slice(input, [region.y, region.x, 0], [region.height, region.width, 3]) as tf.Tensor3D;
      }),
    async (crops) => {
      const predicted = (await faceapi.nets.faceExpressionNet.predictExpressions(crops as never)) as FaceApi.FaceExpressions[];
      return predicted.map((p) => EXPRESSIONS.map((name) => p[name.toLowerCase() as 'neutral']));
    },
  );
}

/** 128-d descriptors of the aligned chips, per chip per image, from one batched inference. */
export async function descriptorsOf(images: Array<PixelImage & { matrices: WarpMatrix[] }>, size: number): Promise<number[][][]> {
  const faceapi = await faceapiWith('faceRecognitionNet');
  return netOverImages(
    images,
    (input, image) =>
      image.matrices.length === 0
        ? []
        : tf.tidy(() => tf.unstack(warpSquares(tf.expandDims(tf.cast(input, 'float32'), 0) as tf.Tensor4D, image.matrices, size)) as tf.Tensor3D[]),
    async (chips) => {
      const descriptors = (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(chips as never)) as Float32Array[];
      return descriptors.map((d) => Array.from(d));
    },
  );
}

/**
 * The `faceapi` engine: SSD MobileNet v1, confirmed by the tiny detector when unsure, and the
 * 68-point net on a square crop around each face.
 */
export async function detectWithFaceapi(task: DetectInput): Promise<EngineFace[]> {
  const faceapi = await faceapiWith('ssdMobilenetv1', 'tinyFaceDetector', 'faceLandmark68Net');
  const input = imageTensor(task);
  try {
    const detections = await faceapi.detectAllFaces(input as never, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.3, maxResults: 100 }));
    const faces: EngineFace[] = [];
    for (const detection of detections) {
      const box = { x: detection.box.x, y: detection.box.y, width: detection.box.width, height: detection.box.height };
      if (detection.score < CONFIRM_BELOW && !(await confirm(faceapi, input, box))) continue;
      faces.push({ box, confidence: detection.score, quality: faceQuality(task, box, task.scale), points68: await landmarks(faceapi, input, box) });
      if (faces.length >= task.maxFaces) break; // detections come sorted by score
    }
    return faces;
  } finally {
    input.dispose();
  }
}

async function confirm(faceapi: typeof FaceApi, input: tf.Tensor3D, box: Box): Promise<boolean> {
  const region = pixelRegion(squareAround(box, CONFIRM_CONTEXT), input.shape[1], input.shape[0]);
  if (!region) return false;
  const crop = tf.slice(input, [region.y, region.x, 0], [region.height, region.width, 3]) as tf.Tensor3D;
  try {
    const found = await faceapi.detectAllFaces(
      crop as never,
      new faceapi.TinyFaceDetectorOptions({ inputSize: CONFIRM_INPUT_SIZE, scoreThreshold: CONFIRM_MIN_SCORE }),
    );
    // The confirming face must be this face, not a neighbour inside the wider crop.
    return found.some((f) => {
      const cx = region.x + f.box.x + f.box.width / 2;
      const cy = region.y + f.box.y + f.box.height / 2;
      return cx >= box.x && cx <= box.x + box.width && cy >= box.y && cy <= box.y + box.height;
    });
  } finally {
    crop.dispose();
  }
}

/**
 * The 68 points on a square crop of max(w, h) around the box (where the net does best), again on a
 * levelled crop when the eyes come out tilted. The net's raw output is used: shifting it for tfjs'
 * legacy resize fitted dlib-faces' predictor points but moved points away from human annotations
 * (helen-dev 5-pt NME 5.07% -> 5.53%).
 */
async function landmarks(faceapi: typeof FaceApi, input: tf.Tensor3D, box: Box): Promise<Point[]> {
  const [height, width] = input.shape;
  const region = pixelRegion(squareAround(box), width, height) ?? pixelRegion(box, width, height);
  if (!region) return [];
  const crop = tf.slice(input, [region.y, region.x, 0], [region.height, region.width, 3]) as tf.Tensor3D;
  const points = await runLandmarkNet(faceapi, crop).finally(() => crop.dispose());
  const first = points.map((p) => ({ x: p.x + region.x, y: p.y + region.y }));
  const [leftEye, rightEye] = [centroid(ibug68Range(first, IBUG68_RANGES.leftEye)), centroid(ibug68Range(first, IBUG68_RANGES.rightEye))];
  const roll = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  if (Math.abs(roll) < REALIGN_ABOVE) return first;
  return levelledLandmarks(faceapi, input, box, roll);
}

/** Landmarks on the face turned by -roll (eyes level), mapped back to the image. */
async function levelledLandmarks(faceapi: typeof FaceApi, input: tf.Tensor3D, box: Box, roll: number): Promise<Point[]> {
  const outer = pixelRegion(squareAround(box, 1.5), input.shape[1], input.shape[0]);
  const side = Math.round(Math.max(box.width, box.height));
  if (!outer || side < 1) return [];
  const centre = { x: (outer.width - 1) / 2, y: (outer.height - 1) / 2 };
  const faceCentre = { x: box.x + box.width / 2 - outer.x, y: box.y + box.height / 2 - outer.y };
  const inner = { x: Math.max(0, Math.round(faceCentre.x - side / 2)), y: Math.max(0, Math.round(faceCentre.y - side / 2)) };
  const cropWidth = Math.min(side, outer.width - inner.x);
  const cropHeight = Math.min(side, outer.height - inner.y);
  if (cropWidth < 8 || cropHeight < 8) return [];
  // Output pixel p samples the outer crop at the rotation of p by +roll about its centre: the face turns level.
  const turn = rotationAbout(centre, roll);
  const levelled = tf.tidy(() => {
    const crop = tf.slice(input, [outer.y, outer.x, 0], [outer.height, outer.width, 3]);
    const batch = tf.expandDims(tf.cast(crop, 'float32'), 0) as tf.Tensor4D;
    const turned = tf.image.transform(batch, tf.tensor2d([[...warpMatrixOf(turn), 0, 0]]), 'bilinear', 'nearest');
    return tf.slice(tf.squeeze(turned, [0]), [inner.y, inner.x, 0], [cropHeight, cropWidth, 3]) as tf.Tensor3D;
  });
  const points = await runLandmarkNet(faceapi, levelled).finally(() => levelled.dispose());
  return points.map((p) => {
    const q = applySimilarity(turn, { x: p.x + inner.x, y: p.y + inner.y });
    return { x: q.x + outer.x, y: q.y + outer.y };
  });
}

async function runLandmarkNet(faceapi: typeof FaceApi, crop: tf.Tensor3D): Promise<Point[]> {
  const result = (await faceapi.nets.faceLandmark68Net.detectLandmarks(crop as never)) as FaceApi.FaceLandmarks68;
  return result.positions.map((p) => ({ x: p.x, y: p.y }));
}

/** Cuts face tensors out of every image, runs `net` once over all of them (one batched inference). */
async function netOverImages<I extends PixelImage>(
  images: I[],
  cut: (input: tf.Tensor3D, image: I) => tf.Tensor3D[],
  net: (faces: tf.Tensor3D[]) => Promise<number[][]>,
): Promise<number[][][]> {
  const perImage: tf.Tensor3D[][] = [];
  try {
    for (const image of images) {
      const input = imageTensor(image);
      try {
        perImage.push(cut(input, image));
      } finally {
        input.dispose();
      }
    }
    return await callFlattened(perImage, net);
  } finally {
    perImage.flat().forEach((f) => f.dispose());
  }
}
