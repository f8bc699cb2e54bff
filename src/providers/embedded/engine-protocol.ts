// The typed protocol between the embedded provider and its worker threads: each task is a named
// export of engine.worker.ts, and this table gives its input and result types.
import type { Box, Point } from '../../geometry/geometry';
import type { MeshPoint, PackedMesh } from './mediapipe/face-mesh';
import type { EmbeddedEngineName, EngineRuntime, FaceDetectorName } from '../../config';
import type { ErrorCode } from '../../errors';
import type { EncodedImage } from '../../image/image-decoder';
import type { CompositeSums } from '../../geometry/piecewise-affine';

// The engine kinds are configuration's names (config.ts); the protocol carries them.
export type { EmbeddedEngineName, EngineRuntime, FaceDetectorName, LandmarkRefinerName, SecondDetectorName } from '../../config';

export type { MeshPoint, PackedMesh };

/** Packed 8-bit RGB pixels of one image, row-major. */
export interface PixelImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Where to look for a face: its box and eye centres, image-left first. */
export interface FaceSeed {
  box: Box;
  leftEye: Point;
  rightEye: Point;
}

/** Facial expression classes of the expression net. */
export enum Expression {
  NEUTRAL = 'NEUTRAL',
  HAPPY = 'HAPPY',
  SAD = 'SAD',
  ANGRY = 'ANGRY',
  FEARFUL = 'FEARFUL',
  DISGUSTED = 'DISGUSTED',
  SURPRISED = 'SURPRISED',
}

/** The order in which `expressions` reports each face's probabilities. */
export const EXPRESSIONS: readonly Expression[] = Object.values(Expression);

/** Passed to every worker thread as piscina's workerData. */
export interface EngineWorkerData {
  engine: EmbeddedEngineName;
  runtime: EngineRuntime;
  /** Whether FaceBoxes gives its second opinion where the mesh rejects a box (`SECOND_DETECTOR`). */
  secondOpinion: boolean;
  /** Whether the mediapipe engine refines its 68 points on the picture (`LANDMARK_REFINER`). */
  refinePoints: boolean;
  /** What seeds the mesh of the mediapipe engine. */
  detector: { name: FaceDetectorName; modelPath?: string };
  /** Whether each graph run's time is posted on GRAPH_TIMES_CHANNEL (the bench's time split). */
  timeGraphs?: boolean;
}

/** The BroadcastChannel on which workers post `GraphTime`s when `timeGraphs` is set. */
export const GRAPH_TIMES_CHANNEL = 'facemark-graph-times';
/** How often a worker posts the graph times it has added up since (a listener waits longer for the last). */
export const GRAPH_TIMES_EVERY_MS = 100;
export interface GraphTime {
  graph: string;
  ms: number;
}

/**
 * Output pixel (x, y) of a square reads the image at (m[0] x + m[1] y + m[2], m[3] x + m[4] y + m[5]),
 * pixel-index coordinates, bilinearly.
 */
export type WarpMatrix = [number, number, number, number, number, number];

export interface DetectInput extends PixelImage {
  /** Upright-image pixels per pixel of `data`, so quality can judge the face's real resolution. */
  scale: number;
  maxFaces: number;
  /** The narrowest face to look for, in upright-image pixels (DetectionOptions.minFaceSize): smaller ones are left to chance. */
  minFaceSize: number;
}

/** An image to detect in as its file: the worker decodes it, so the pixels never cross threads. */
export interface EncodedDetectInput {
  file: EncodedImage;
  maxFaces: number;
  minFaceSize: number;
}

/** A file the worker could not decode: the user error to give for it. */
export interface DecodeFailure {
  failure: { code: ErrorCode; message: string };
}

/** One image's answer to a detect task: its faces and the scale of the pixels they were found in (as `DetectInput.scale`). */
export interface DetectedImage {
  faces: EngineFace[];
  scale: number;
}

/** One face in the pixel-index coordinates of the task's pixels. */
export interface EngineFace {
  box: Box;
  confidence: number;
  quality: number;
  /** iBUG 300-W order. */
  points68: Point[];
  /** The mesh's face-presence probability, 0..1, when a mesh found the face (see `Face.landmarksConfidence`). */
  landmarksConfidence?: number;
  /** The 478-point refined mesh, when the engine computed one (mediapipe). */
  mesh?: PackedMesh;
}

/** A mesh cut where a seed says, with the mesh's face-presence probability (0..1) in that crop. */
export interface SeededMesh {
  mesh: PackedMesh;
  presence: number;
  /** The mesh's 68 points, refined on the picture (iBUG 300-W order). */
  points68: Point[];
}

/** One face's picture in a composite, with its triangle vertices (x, y pairs, upright-image pixels) and its weight. */
export interface ComposeSource {
  image: DetectInput | EncodedDetectInput;
  vertices: Float32Array;
  weight: number;
}

/** Pictures warped piecewise-affinely onto `target` (x, y pairs, output pixels) through `triangles`, and summed. */
export interface ComposeInput {
  width: number;
  height: number;
  target: Float32Array;
  triangles: Uint32Array;
  sources: ComposeSource[];
}

export interface EngineTasks {
  /** Loads the worker's models and runs each once (before the service reports ready). */
  warmUp: { input: null; result: void };
  /** The faces of each image, decoded first where it comes as a file; the mediapipe engine batches their meshes. */
  detect: { input: { images: Array<DetectInput | EncodedDetectInput> }; result: Array<DetectedImage | DecodeFailure> };
  /** The 478-point mesh of faces found elsewhere (MXFace, the faceapi engine, the previous video frame). */
  meshes: { input: PixelImage & { seeds: FaceSeed[] }; result: SeededMesh[] };
  /** Expression probabilities per box per image, one batched inference. */
  expressions: { input: { images: Array<PixelImage & { boxes: Box[] }> }; result: number[][][] };
  /** Packed RGB squares per requested square per image. */
  warps: { input: { images: Array<PixelImage & { squares: Array<{ matrix: WarpMatrix; size: number }> }> }; result: Uint8Array[][] };
  /** 128-d descriptors of aligned chips of `size` per matrix per image, one batched inference. */
  descriptors: { input: { size: number; images: Array<PixelImage & { matrices: WarpMatrix[] }> }; result: number[][][] };
  /** The weighted sums of the sources' warps (partial: a composite's sources may be split over workers). */
  compose: { input: ComposeInput; result: CompositeSums };
  /** The composite's packed RGB pixels from all its partial sums. */
  finishComposite: { input: { sums: CompositeSums[] }; result: Uint8Array };
  /** Live tfjs tensors in the worker, less the weights of nets loaded on first use (a leak check for tests). */
  tensorCount: { input: null; result: number };
}

export type EngineTaskName = keyof EngineTasks;

/** What engine.worker.ts must export. */
export type EngineWorker = { [K in EngineTaskName]: (input: EngineTasks[K]['input']) => Promise<EngineTasks[K]['result']> };
