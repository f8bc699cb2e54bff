// MediaPipe's attention face mesh (onnxruntime or tfjs), seeded by a face detector: 478 points per face,
// with FaceBoxes as a second opinion where the mesh rejects a detector's box.
import { applySimilarity, type Similarity } from '../../../geometry/similarity';
import type { DetectInput, EngineFace, EngineRuntime, FaceSeed, PixelImage } from '../engine-protocol';
import { loadInferenceGraph, type InferenceGraph } from '../inference-graph';
import { modelOutputs } from '../onnx-models';
import { faceQuality } from '../face-quality';
import { MAX_HALVINGS, sampleCrop } from './mesh-crop';
import { iou, type Box } from '../../../geometry/geometry';
import { loadFaceboxes, type Faceboxes } from './faceboxes';
import { ibug68FromMesh } from '../../../geometry/mesh-to-ibug68';
import { BlazefaceFinder, YunetFinder, type FaceCandidate, type FaceDetectorName, type FaceFinder } from './face-finders';
import { MESH_INPUT, packMesh, refineMesh, seedFromMesh, type MeshPoint } from './face-mesh';
import { at } from '../../../checked';
import { exposed } from '../exposure';
import { refineLandmarks, type RefinerModel } from './landmark-refiner';
import { fromTile, newSmallFaces, smallFaceTiles, tileImage } from './small-faces';
import { fittedRefiner } from './refiner-weights';
import type { Point } from '../../../geometry/geometry';

export interface MeshResult {
  /** 478 points in the image's pixel-index coordinates; z on the x/y scale, smaller = nearer. */
  mesh: MeshPoint[];
  /** The mesh's face-presence probability. */
  presence: number;
}

/** Crop side as a multiple of a box's longer side, for boxes of unknown origin and mesh extents. */
export const MESH_CROP_SCALE = 1.5;
// The mesh's face-presence probability decides. A face must reach FACE_PRESENCE, at once or, when
// the first mesh says at least MIN_FACE_PRESENCE, on a second mesh cut around the first. Measured as
// 1 - presence, first pass then second: real faces mostly under 1e-6 at once, a small one in
// dlib-faces 4e-3 then 2e-5; the building beside happy.jpg 4e-4 to 2e-2, then 5e-4 to 2e-2 over
// ten sizes of the photo; the dogs 9e-3 then 2e-3, or over 0.1 at once.
const FACE_PRESENCE = 0.9999;
const MIN_FACE_PRESENCE = 0.95;
// Crops per mesh inference: one inference shares the graph's per-node cost among them (the graph
// alone on blank crops: 25 ms for one, 12 ms a crop in fours); the cap bounds a crowd's input.
const MAX_MESH_BATCH = 16;

// facemesh-attention's outputs: presence, mesh, lips, eyes, irises.
const MESH_OUTPUTS = modelOutputs('facemesh-attention');

// The second opinion, for footage: BlazeFace sees a picture at 256 px, and the mesh rejects faces
// that are turned, looking down or dim (real faces rejected in walking.mp4 frames: median presence
// 0.38), while boxes on dogs.jpg reach 0.99. When the mesh rejects a box, FaceBoxes (another
// detector family) runs on the picture: it confirms rejected boxes, and proposes faces no BlazeFace
// box covers, which the mesh then checks. Measured on walking-faces.json, photos, dlib-faces and
// dogs.jpg (docs/accuracy-and-speed.md, `npm run accuracy`): walking 45 -> 102 of 120, the rest unchanged,
// dogs 0.
const CONFIRMING_SCORE = 0.5;
const NEWCOMER_SCORE = 0.7;
const NEWCOMER_PRESENCE = 0.5;
const SAME_FACE = 0.3;

interface JudgedFace {
  box: Box;
  confidence: number;
  mesh: MeshResult;
}

export class MediapipeEngine {
  private constructor(
    private readonly finder: FaceFinder,
    private readonly meshNet: InferenceGraph,
    /** Absent when SECOND_DETECTOR=none. */
    private readonly faceboxes: Faceboxes | undefined,
    /** Absent when LANDMARK_REFINER=none. */
    private readonly refiner: RefinerModel | undefined,
  ) {}

  /** BlazeFace, or YuNet from the given ONNX file, in front of the attention mesh, on the given runtime. */
  static async load(
    detector: { name: FaceDetectorName; modelPath?: string },
    runtime: EngineRuntime,
    secondOpinion = true,
    refinePoints = true,
  ): Promise<MediapipeEngine> {
    const [finder, meshNet, faceboxes] = await Promise.all([
      detector.name === 'yunet' ? YunetFinder.load(detector.modelPath ?? '') : BlazefaceFinder.load(runtime),
      loadInferenceGraph('facemesh-attention', runtime),
      secondOpinion ? loadFaceboxes(runtime) : undefined,
    ]);
    return new MediapipeEngine(finder, meshNet, faceboxes, refinePoints ? fittedRefiner() : undefined);
  }

  /**
   * Per image: the faces that the detector and the mesh's presence check accept, or that FaceBoxes
   * vouches for, best confidence first, with their quality, mesh and 68 points (pixel-index
   * coordinates of its pixels). The meshes of all the images' faces run as batched inferences.
   */
  async detect(images: readonly DetectInput[]): Promise<EngineFace[][]> {
    // The parts look at dim pictures brightened (exposure.ts); quality judges the pictures as they came.
    const seen = images.map(exposed);
    const candidates: FaceCandidate[][] = [];
    for (const [i, image] of seen.entries()) candidates.push(await this.candidatesIn(image, at(images, i)));
    // In a dim picture (one exposure brightened) BlazeFace goes blind before FaceBoxes does, so FaceBoxes
    // looks for newcomers there even when the mesh rejected no candidate.
    return this.judge(
      seen,
      candidates,
      seen.map((image, i) => image !== at(images, i)),
      images,
    );
  }

  /**
   * Per image: the candidates that the mesh's presence check accepts, or that FaceBoxes vouches for, best
   * confidence first, with their quality, mesh and 68 points. The meshes of all the images' candidates run as batched inferences.
   * `dim` marks the pictures the exposure step brightened; `asTheyCame`, the pictures before it.
   */
  private async judge(
    images: readonly DetectInput[],
    candidates: FaceCandidate[][],
    dim: readonly boolean[],
    asTheyCame: readonly DetectInput[],
  ): Promise<EngineFace[][]> {
    const crops = images.flatMap((image, i) => at(candidates, i).map((seed) => ({ image, seed })));
    const meshes = await this.checkedMeshes(crops, this.finder.cropScale, (presence) => presence >= MIN_FACE_PRESENCE && presence < FACE_PRESENCE);
    let next = 0;
    const judged = images.map((_, i) => at(candidates, i).map((c): JudgedFace => ({ box: c.box, confidence: c.score, mesh: at(meshes, next++) })));
    const faces = await this.withSecondOpinion(images, judged, dim);
    return images.map((image, i) =>
      at(faces, i)
        .sort((a, b) => b.confidence - a.confidence)
        .slice(0, image.maxFaces)
        .map(({ box, confidence, mesh }) => ({
          box,
          confidence,
          quality: faceQuality(at(asTheyCame, i), box, image.scale),
          landmarksConfidence: mesh.presence,
          points68: this.points68Of(image, mesh.mesh),
          mesh: packMesh(mesh.mesh),
        })),
    );
  }

  /** The faces the mesh accepts, plus those FaceBoxes confirms or proposes where the mesh rejected one, and in every `dim` picture. */
  private async withSecondOpinion(images: readonly DetectInput[], judged: JudgedFace[][], dim: readonly boolean[]): Promise<JudgedFace[][]> {
    const accepted = judged.map((faces) => faces.filter((f) => f.mesh.presence >= FACE_PRESENCE));
    if (!this.faceboxes) return accepted;
    const newcomers: Array<{ image: number; seed: FaceSeed; confidence: number }> = [];
    for (const [i, faces] of judged.entries()) {
      const rejected = faces.filter((f) => f.mesh.presence < FACE_PRESENCE);
      if (rejected.length === 0 && !at(dim, i)) continue;
      const boxes = await this.faceboxes.find(at(images, i));
      for (const face of rejected) {
        const vouching = boxes.filter((b) => b.score >= CONFIRMING_SCORE && iou(b.box, face.box) >= SAME_FACE);
        if (vouching.length > 0) at(accepted, i).push({ ...face, confidence: Math.max(face.confidence, ...vouching.map((b) => b.score)) });
      }
      for (const { box, score } of boxes) {
        const isNew = faces.every((f) => iou(f.box, box) <= SAME_FACE);
        if (score >= NEWCOMER_SCORE && isNew) newcomers.push({ image: i, seed: levelSeed(box), confidence: score });
      }
    }
    // Their eyes are unknown: the first mesh finds them, a second one cut around it is judged.
    const meshes = await this.checkedMeshes(
      newcomers.map(({ image, seed }) => ({ image: at(images, image), seed })),
      MESH_CROP_SCALE,
      () => true,
    );
    newcomers.forEach(({ image, seed, confidence }, k) => {
      const mesh = at(meshes, k);
      if (mesh.presence >= NEWCOMER_PRESENCE) at(accepted, image).push({ box: seed.box, confidence, mesh });
    });
    return accepted;
  }

  /** Meshes of the crops; those `recheck` picks are replaced by a second mesh cut around the first. */
  private async checkedMeshes(
    crops: ReadonlyArray<{ image: PixelImage; seed: FaceSeed }>,
    cropScale: number,
    recheck: (presence: number) => boolean,
  ): Promise<MeshResult[]> {
    const meshes = await this.meshesOf(crops, cropScale);
    const again = meshes.flatMap(({ presence }, i) => (recheck(presence) ? [i] : []));
    const second = await this.meshesOf(
      again.map((i) => ({ image: at(crops, i).image, seed: seedFromMesh(at(meshes, i).mesh) })),
      MESH_CROP_SCALE,
    );
    again.forEach((i, k) => (meshes[i] = at(second, k)));
    return meshes;
  }

  /** The detector's candidates, before the mesh judges them. */
  async candidates(image: PixelImage): Promise<FaceCandidate[]> {
    return this.finder.find(image);
  }

  /**
   * The detector's candidates in the picture, and where faces of `minFaceSize` are too small for it,
   * the new ones it finds in tiles of the picture (small-faces.ts), which no first-pass candidate holds.
   */
  private async candidatesIn(image: PixelImage, { scale, minFaceSize }: Pick<DetectInput, 'scale' | 'minFaceSize'>): Promise<FaceCandidate[]> {
    const first = await this.finder.find(image);
    const tiles = smallFaceTiles(image.width, image.height, this.finder.inputSide, minFaceSize / scale);
    if (tiles.length === 0) return first;
    const found = [];
    for (const tile of tiles) found.push({ tile, candidates: (await this.finder.find(tileImage(image, tile))).map((c) => fromTile(c, tile)) });
    return [
      ...first,
      ...newSmallFaces(
        found,
        first.map((c) => c.box),
        image.width,
        image.height,
      ),
    ];
  }

  /** The refined mesh of each seed, and its 68 points. */
  async meshes(image: PixelImage, seeds: readonly FaceSeed[]): Promise<Array<MeshResult & { points68: Point[] }>> {
    const seen = exposed(image);
    const meshes = await this.meshesOf(
      seeds.map((seed) => ({ image: seen, seed })),
      MESH_CROP_SCALE,
    );
    return meshes.map((m) => ({ ...m, points68: this.points68Of(seen, m.mesh) }));
  }

  /** The 68 points of a mesh, refined where the picture shows them (landmark-refiner.ts). */
  private points68Of(image: PixelImage, mesh: readonly MeshPoint[]): Point[] {
    const points = ibug68FromMesh(mesh);
    return this.refiner ? refineLandmarks(this.refiner, image, points) : points;
  }

  /** Meshes of crops from any images, MAX_MESH_BATCH crops per inference. */
  private async meshesOf(crops: ReadonlyArray<{ image: PixelImage; seed: FaceSeed }>, cropScale: number): Promise<MeshResult[]> {
    const results: MeshResult[] = [];
    for (let start = 0; start < crops.length; start += MAX_MESH_BATCH) {
      results.push(...(await this.meshBatch(crops.slice(start, start + MAX_MESH_BATCH), cropScale)));
    }
    return results;
  }

  private async meshBatch(jobs: ReadonlyArray<{ image: PixelImage; seed: FaceSeed }>, cropScale: number): Promise<MeshResult[]> {
    if (jobs.length === 0) return [];
    const crops = jobs.map(({ seed }) => cropTransform(seed, cropScale));
    const cropValues = MESH_INPUT * MESH_INPUT * 3;
    const batch = new Float32Array(jobs.length * cropValues);
    jobs.forEach(({ image }, i) => sampleCrop(image, at(crops, i), MESH_INPUT, batch, i * cropValues));
    const [presence, mesh, lips, eyeLeft, eyeRight, irisLeft, irisRight] = (await this.meshNet.run(
      batch,
      [jobs.length, MESH_INPUT, MESH_INPUT, 3],
      MESH_OUTPUTS,
    )) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const per = (values: Float32Array, i: number) => values.subarray((i * values.length) / jobs.length, ((i + 1) * values.length) / jobs.length);
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
        presence: at(presence, i),
        // refineMesh's points are fresh and each its own: moved in place, since a copy of each was
        // most of a photo's garbage (1.1 MB a 6-face photo).
        mesh: refined.map((p) => {
          const q = applySimilarity(crop, p);
          p.x = q.x;
          p.y = q.y;
          p.z *= depthScale;
          return p;
        }),
      };
    });
  }

  /**
   * Runs each graph once at the batch sizes requests use (onnxruntime sizes its buffers on a shape's
   * first run), and the crops' sampling at every halving count. The JIT is warmed further by the
   * real detections the provider runs next.
   */
  async warmUp(): Promise<void> {
    warmUpSampling();
    const blank = { data: new Uint8Array(640 * 480 * 3).fill(128), width: 640, height: 480 };
    await this.finder.find(blank);
    await this.faceboxes?.find(blank);
    const seed = { box: { x: 220, y: 140, width: 200, height: 200 }, leftEye: { x: 280, y: 220 }, rightEye: { x: 360, y: 220 } };
    for (const size of [1, 2, 4]) {
      await this.meshesOf(
        Array.from({ length: size }, () => ({ image: blank, seed })),
        MESH_CROP_SCALE,
      );
    }
  }
}

/**
 * Cuts small crops at every halving count a few times, so that the JIT's code for the halvings and
 * the sampling covers bytes and float levels alike before the first request: without it, a fresh
 * service's first large face (two halvings) ran its second halving deoptimised, 15-20 ms more.
 */
function warmUpSampling(): void {
  const image = { data: new Uint8Array(128 * 128 * 3).fill(128), width: 128, height: 128 };
  const side = 24;
  const out = new Float32Array(side * side * 3);
  for (let round = 0; round < 4; round++) {
    // Each doubling of the image pixels per crop pixel takes one more halving, up to the last.
    for (let perPixel = 1; perPixel <= 2 ** (MAX_HALVINGS + 1); perPixel *= 2) {
      sampleCrop(image, { a: { x: perPixel, y: 0.1 }, b: { x: 2, y: 1 } }, side, out, 0);
    }
  }
}

/** A seed for a box whose eyes are unknown: taken as level. */
function levelSeed(box: Box): FaceSeed {
  const y = box.y + box.height * 0.4;
  return { box, leftEye: { x: box.x + box.width * 0.3, y }, rightEye: { x: box.x + box.width * 0.7, y } };
}

/**
 * The similarity from mesh-input pixel indices to image pixel indices: a square MESH_CROP_SCALE
 * times the box's longer side, centred on the box, turned so that the eyes come out level.
 */
export function cropTransform(seed: FaceSeed, cropScale = MESH_CROP_SCALE): Similarity {
  const side = Math.max(seed.box.width, seed.box.height) * cropScale;
  const angle = Math.atan2(seed.rightEye.y - seed.leftEye.y, seed.rightEye.x - seed.leftEye.x);
  const k = side / MESH_INPUT;
  const a = { x: k * Math.cos(angle), y: k * Math.sin(angle) };
  // Crop pixel p has its centre at (p + 0.5 - MESH_INPUT / 2) * k from the box centre, turned by the angle.
  const o = 0.5 - MESH_INPUT / 2;
  const centre = { x: seed.box.x + seed.box.width / 2 - 0.5, y: seed.box.y + seed.box.height / 2 - 0.5 };
  return { a, b: { x: centre.x + a.x * o - a.y * o, y: centre.y + a.y * o + a.x * o } };
}
