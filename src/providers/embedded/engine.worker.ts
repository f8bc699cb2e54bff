// Piscina worker: one engine (one model set) per thread. Each task is a named export (see
// engine-protocol.ts for the table of inputs and results).
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import type { EngineFace, EngineWorker, EngineWorkerData } from './engine-protocol';
import { descriptorsOf, detectWithFaceapi, expressionsOf, faceapiWeightTensors } from './faceapi-engine';
import { warpToBytes } from './image-tensors';
import { packMesh } from './mediapipe/face-mesh';
import { MediapipeEngine } from './mediapipe/mediapipe-engine';
import { useWasmBackend } from './tf-runtime';

const { engine, runtime, detector, secondOpinion } = workerData as EngineWorkerData;
// The mesh model serves every engine (MEDIAPIPE_478 and the 68 points of faces found elsewhere).
const mediapipe = useWasmBackend().then(() => MediapipeEngine.load(detector, runtime, secondOpinion));

export const warmUp: EngineWorker['warmUp'] = async () => {
  const engineOfMeshes = await mediapipe;
  await engineOfMeshes.warmUp();
  if (engine === 'faceapi') await detectWithFaceapi({ data: new Uint8Array(128 * 128 * 3), width: 128, height: 128, scale: 1, maxFaces: 1 });
};

export const detect: EngineWorker['detect'] = async ({ images }) => {
  const engineOfMeshes = await mediapipe;
  if (engine === 'mediapipe') return engineOfMeshes.detect(images);
  const faces: EngineFace[][] = [];
  for (const image of images) faces.push(await detectWithFaceapi(image));
  return faces;
};

export const meshes: EngineWorker['meshes'] = async (task) =>
  (await (await mediapipe).meshes(task, task.seeds)).map((m) => ({ mesh: packMesh(m.mesh), presence: m.presence }));

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
