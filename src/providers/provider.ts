import type { ProviderName } from '../config';
import type { Box, Point } from '../geometry/geometry';
import type { FivePoints } from '../geometry/landmarks';
import type { Similarity } from '../geometry/similarity';
import type { CheckedImage, RgbImage } from '../image/image-decoder';
import type { FaceSeed, PackedMesh, SeededMesh } from './embedded/engine-protocol';

/** One face as a provider reports it, in the client's upright-image coordinates. */
export interface ProviderFace {
  box: Box;
  confidence: number;
  /** 0..1, see `Face.quality` in the schema. */
  quality: number;
  /** The mesh's face-presence probability, 0..1, when a mesh found the face (see `Face.landmarksConfidence`). */
  landmarksConfidence?: number;
  /** iBUG 300-W order, when the provider has them. */
  points68?: Point[];
  /** When the provider gives the five directly (otherwise derived from `points68`). */
  fivePoints?: FivePoints;
  /** MediaPipe's 478-point refined mesh, when the provider computed it. */
  mesh?: PackedMesh;
}

export interface DetectionSettings {
  minConfidence: number;
  maxFaces: number;
  /** The narrowest face to look for, in pixels: the embedded engine's small-face pass looks for faces from this size on. */
  minFaceSize: number;
  provider: ProviderName;
}

/** DetectionOptions.minFaceSize's default: below walking.mp4's smallest listed faces (34 px wide in its 1920 px frames). */
export const DEFAULT_MIN_FACE_SIZE = 20;

/** How many faces, and how small, a detection looks for. */
export type FaceLimits = Pick<DetectionSettings, 'maxFaces' | 'minFaceSize'>;

/**
 * Something that finds faces and their landmarks: the embedded engine or MXFace. A call takes a
 * whole batch so that a provider can spread it over workers or over concurrent upstream calls; it
 * answers one result or Error per image.
 */
export interface FaceDetector {
  readonly name: ProviderName;
  /** What produces its answers (engine, models, service version): cached answers are reused only for the same. */
  readonly version: string;
  /** The DataLoader batch size that suits this provider. */
  readonly maxBatchSize: number;
  /** Loads models / checks configuration; resolves when the provider can serve. */
  start(): Promise<void>;
  isReady(): boolean;
  /** True while new images would be refused at once (a full queue): `/ready` then steers traffic away. */
  isBusy(): boolean;
  /** `signal` aborts when the client has gone: work not yet started may be dropped. */
  detect(images: readonly CheckedImage[], settings: DetectionSettings, signal?: AbortSignal): Promise<Array<ProviderFace[] | Error>>;
  close(): Promise<void>;
}

/**
 * Per-face work on faces already found, whichever provider found them (embedded engine only).
 * Every call takes several images so that one request costs one worker task per kind of work.
 * Boxes, points and transforms are in client (upright-image) coordinates.
 */
export interface FaceAnalyser {
  /** The 478-point refined mesh of each seed, with its face presence, per image. */
  meshes(requests: Array<{ image: CheckedImage; seeds: FaceSeed[] }>): Promise<SeededMesh[][]>;
  /** Expression probabilities (EXPRESSIONS order) per box, per image. */
  expressions(requests: Array<{ image: CheckedImage; boxes: Box[] }>): Promise<number[][][]>;
  /** size x size squares whose pixel p shows the upright image at toImage(p), per square, per image. */
  warps(requests: Array<{ image: CheckedImage; squares: Array<{ toImage: Similarity; size: number }> }>): Promise<RgbImage[][]>;
  /** 128-d descriptors of the size x size chips whose pixel p shows the image at toImage(p). */
  descriptors(requests: Array<{ image: CheckedImage; toImages: Similarity[] }>, size: number): Promise<number[][][]>;
  /** The weighted average of the images warped piecewise-affinely onto one shape (a face average or morph). */
  compose(request: ComposeRequest): Promise<RgbImage>;
}

/**
 * A composite: a width x height picture cut into `triangles` over the `target` points; each source's
 * image is warped onto it through the same triangles over its own `vertices` (upright-image pixels)
 * and weighted (weights summing to 1).
 */
export interface ComposeRequest {
  width: number;
  height: number;
  target: Point[];
  triangles: Uint32Array;
  sources: Array<{ image: CheckedImage; vertices: Point[]; weight: number }>;
}
