// Piscina worker: one engine (one model set) per thread. Each task is a named export (see
// engine-protocol.ts for the table of inputs and results).
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { ibug68FromMesh } from '../../geometry/mesh-to-ibug68';
import type { DetectInput, EngineFace, EngineWorker, EngineWorkerData } from './engine-protocol';
import { descriptorsOf, detectWithFaceapi, expressionsOf, faceapiWeightTensors } from './faceapi-engine';
import { faceQuality, imageTensor, warpToBytes } from './image-tensors';
import { MediapipeEngine } from './mediapipe/mediapipe-engine';
import { useWasmBackend } from './tf-runtime';

const { engine } = workerData as EngineWorkerData;
// The mesh model serves every engine (MEDIAPIPE_478 and the 68 points of faces found elsewhere).
const mediapipe = useWasmBackend().then(() => MediapipeEngine.load());

async function detectWithMediapipe(task: DetectInput): Promise<EngineFace[]> {
  const found = await (await mediapipe).detect(task, task.maxFaces);
  if (found.length === 0) return [];
  const input = imageTensor(task);
  try {
    return found.map((f) => ({ box: f.box, confidence: f.confidence, quality: faceQuality(input, f.box, task.scale), points68: ibug68FromMesh(f.mesh), mesh: f.mesh }));
  } finally {
    input.dispose();
  }
}

export const detect: EngineWorker['detect'] = async (task) => {
  await mediapipe;
  return engine === 'faceapi' ? detectWithFaceapi(task) : detectWithMediapipe(task);
};

export const meshes: EngineWorker['meshes'] = async (task) => (await (await mediapipe).meshes(task, task.seeds)).map((m) => m.mesh);

export const expressions: EngineWorker['expressions'] = (task) => mediapipe.then(() => expressionsOf(task.images));

export const descriptors: EngineWorker['descriptors'] = (task) => mediapipe.then(() => descriptorsOf(task.images, task.size));

export const warps: EngineWorker['warps'] = async (task) => {
  await mediapipe;
  return task.images.map((image) => image.squares.map(({ matrix, size }) => warpToBytes(image, matrix, size)));
};

/** Live tensors other than the weights of nets loaded on first use. */
export const tensorCount: EngineWorker['tensorCount'] = async () => {
  await mediapipe;
  return tf.memory().numTensors - faceapiWeightTensors();
};
