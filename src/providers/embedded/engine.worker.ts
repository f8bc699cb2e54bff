// Piscina worker: one engine (one model set) per thread. Each task is a named export (see
// engine-protocol.ts for the table of inputs and results).
import { BroadcastChannel, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { callFlattened } from '../../batching';
import { UserFacingError } from '../../errors';
import { decodeFile } from '../../image/image-decoder';
import {
  GRAPH_TIMES_CHANNEL,
  GRAPH_TIMES_EVERY_MS,
  type DecodeFailure,
  type DetectedImage,
  type DetectInput,
  type EncodedDetectInput,
  type EngineFace,
  type EngineWorker,
  type EngineWorkerData,
  type GraphTime,
} from './engine-protocol';
import { timeGraphs } from './inference-graph';
import { descriptorsOf, detectWithFaceapi, expressionsOf, faceapiWeightTensors } from './faceapi-engine';
import { warpToBytes } from './image-tensors';
import { packMesh } from './mediapipe/face-mesh';
import { MediapipeEngine } from './mediapipe/mediapipe-engine';
import { useWasmBackend } from './tf-runtime';
import { at } from '../../checked';
import { scalePixelPoint, type Point } from '../../geometry/geometry';
import { addSums, addWarped, emptySums, finishSums, triangleMap } from '../../geometry/piecewise-affine';

const { engine, runtime, detector, secondOpinion, refinePoints, timeGraphs: timed } = workerData as EngineWorkerData;
if (timed) {
  const channel = new BroadcastChannel(GRAPH_TIMES_CHANNEL);
  channel.unref();
  // Added up here and posted every GRAPH_TIMES_EVERY_MS: a message a run (every worker's channel gets each)
  // slowed a video job by a tenth, which the bench's time split would then have measured.
  const totals = new Map<string, number>();
  timeGraphs((graph, ms) => totals.set(graph, (totals.get(graph) ?? 0) + ms));
  setInterval(() => {
    for (const [graph, ms] of totals) channel.postMessage({ graph, ms } satisfies GraphTime);
    totals.clear();
  }, GRAPH_TIMES_EVERY_MS).unref();
}
// The mesh model serves every engine (MEDIAPIPE_478 and the 68 points of faces found elsewhere).
const mediapipe = useWasmBackend().then(() => MediapipeEngine.load(detector, runtime, secondOpinion, refinePoints));

export const warmUp: EngineWorker['warmUp'] = async () => {
  const engineOfMeshes = await mediapipe;
  await engineOfMeshes.warmUp();
  if (engine === 'faceapi') await detectWithFaceapi({ data: new Uint8Array(128 * 128 * 3), width: 128, height: 128, scale: 1, maxFaces: 1, minFaceSize: 128 });
};

export const detect: EngineWorker['detect'] = async ({ images }) => {
  const decoded = await Promise.all(images.map(decodeForDetection));
  const faces = await callFlattened(
    decoded.map((image) => ('failure' in image ? [] : [image])),
    detectDecoded,
  );
  return decoded.map((image, i): DetectedImage | DecodeFailure => ('failure' in image ? image : { faces: at(at(faces, i), 0), scale: image.scale }));
};

async function detectDecoded(images: DetectInput[]): Promise<EngineFace[][]> {
  const engineOfMeshes = await mediapipe;
  if (engine === 'mediapipe') return engineOfMeshes.detect(images);
  const faces: EngineFace[][] = [];
  for (const image of images) faces.push(await detectWithFaceapi(image));
  return faces;
}

/** Pixels as they came, or the file's decoded here; a file that fails to decode, as its user error. */
async function decodeForDetection(image: DetectInput | EncodedDetectInput): Promise<DetectInput | DecodeFailure> {
  if (!('file' in image)) return image;
  try {
    const { data, width, height, scale } = await decodeFile(image.file);
    // A plain Uint8Array, as pixels that came from the main thread are: a Buffer's other map made
    // the JIT's pixel loops polymorphic (single-face throughput at concurrency 8 -8 %).
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width,
      height,
      scale,
      maxFaces: image.maxFaces,
      minFaceSize: image.minFaceSize,
    };
  } catch (error) {
    // Piscina would carry a thrown error across as a plain Error: the code goes as data.
    if (error instanceof UserFacingError) return { failure: { code: error.code, message: error.message } };
    throw error;
  }
}

export const meshes: EngineWorker['meshes'] = async (task) =>
  (await (await mediapipe).meshes(task, task.seeds)).map((m) => ({ mesh: packMesh(m.mesh), presence: m.presence, points68: m.points68 }));

export const expressions: EngineWorker['expressions'] = (task) => mediapipe.then(() => expressionsOf(task.images));

export const descriptors: EngineWorker['descriptors'] = (task) => mediapipe.then(() => descriptorsOf(task.images, task.size));

export const warps: EngineWorker['warps'] = async (task) => {
  await mediapipe;
  return task.images.map((image) => image.squares.map(({ matrix, size }) => warpToBytes(image, matrix, size)));
};

export const compose: EngineWorker['compose'] = async ({ width, height, target, triangles, sources }) => {
  const outputPoints = pointsOf(target);
  const map = triangleMap(outputPoints, triangles, width, height);
  const sums = emptySums(width, height);
  // One picture decoded at a time: a worker never holds more than one of a large composite.
  for (const source of sources) {
    const picture = await decodeForDetection(source.image);
    // The request's detection decoded this file already: failing now is a fault, not the client's.
    if ('failure' in picture) throw new Error(`a composite's picture failed to decode: ${picture.failure.message}`);
    const { scale } = picture;
    const vertices = pointsOf(source.vertices).map((p) => scalePixelPoint(p, 1 / scale));
    addWarped(sums, map, triangles, outputPoints, vertices, picture, source.weight);
  }
  return sums;
};

export const finishComposite: EngineWorker['finishComposite'] = async ({ sums }) => {
  const total = at(sums, 0);
  for (const more of sums.slice(1)) addSums(total, more);
  return finishSums(total);
};

const pointsOf = (xy: Float32Array): Point[] => Array.from({ length: xy.length / 2 }, (_, k) => ({ x: xy[2 * k]!, y: xy[2 * k + 1]! }));

/** Live tensors other than the weights of nets loaded on first use. */
export const tensorCount: EngineWorker['tensorCount'] = async () => {
  await mediapipe;
  return tf.memory().numTensors - faceapiWeightTensors();
};
