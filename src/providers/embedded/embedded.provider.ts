import fs from 'node:fs';
import path from 'node:path';
import { Piscina } from 'piscina';
import { scaleBox, scalePixelPoint, type Box, type Point } from '../../geometry/geometry';
import type { DetectionSettings, LandmarkProvider, ProviderFace } from '../provider';
import type { Similarity } from '../../geometry/similarity';
import type { DecodedImage, RgbImage } from '../../image/image-decoder';
import type { DescriptorsTask, EngineFace, EngineTask, ExpressionsTask, LandmarksTask, WarpTask } from './face-engine';

export interface EmbeddedProviderOptions {
  /** Worker threads, each with its own model instance. */
  threads: number;
}

/**
 * The offline default: face-api models from the npm package, run in a pool of worker threads so
 * inference never blocks the event loop and every core works.
 */
export class EmbeddedProvider implements LandmarkProvider {
  readonly name = 'embedded' as const;
  // Enough to keep every worker busy; larger batches only delay the first results.
  readonly maxBatchSize: number;
  private readonly pool: Piscina;
  private ready = false;
  /** Work counters, for tests that prove batching. */
  readonly stats = { expressionInferences: 0, descriptorInferences: 0 };

  constructor(private readonly options: EmbeddedProviderOptions) {
    this.maxBatchSize = Math.max(4, options.threads * 4);
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      concurrentTasksPerWorker: 1,
    });
  }

  /** Loads the models in every worker and runs one warm-up inference in each. */
  async start(): Promise<void> {
    const blank: EngineTask = { data: new Uint8Array(128 * 128 * 3), width: 128, height: 128, scale: 1, minConfidence: 0.5, maxFaces: 1 };
    await Promise.all(Array.from({ length: this.options.threads }, () => this.pool.run(blank)));
    this.ready = true;
  }

  isReady(): boolean {
    return this.ready;
  }

  async detect(images: readonly DecodedImage[], settings: DetectionSettings): Promise<Array<ProviderFace[] | Error>> {
    return Promise.all(
      images.map(async (image) => {
        try {
          const pixels = await image.pixels();
          const task: EngineTask = { ...pixels, minConfidence: settings.minConfidence, maxFaces: settings.maxFaces };
          const faces = (await this.pool.run(task)) as EngineFace[];
          return faces.map((f) => ({ ...f, box: scaleBox(f.box, pixels.scale), points68: f.points68.map((p) => scalePixelPoint(p, pixels.scale)) }));
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
  }

  /**
   * The 68 iBUG points of faces another provider found, one list per box; boxes and points in the
   * client's upright-image coordinates.
   */
  async landmarks68(image: DecodedImage, boxes: Box[]): Promise<Point[][]> {
    const pixels = await image.pixels();
    const task: LandmarksTask = { kind: 'landmarks', ...pixels, boxes: boxes.map((b) => scaleBox(b, 1 / pixels.scale)) };
    const points = (await this.pool.run(task)) as Point[][];
    return points.map((face) => face.map((p) => scalePixelPoint(p, pixels.scale)));
  }

  /**
   * Expression probabilities (EXPRESSIONS order) for faces in several images, boxes in client
   * coordinates: one worker task, one batched inference.
   */
  async expressions(requests: Array<{ image: DecodedImage; boxes: Box[] }>): Promise<number[][][]> {
    const images = await Promise.all(
      requests.map(async ({ image, boxes }) => {
        const pixels = await image.pixels();
        return { data: pixels.data, width: pixels.width, height: pixels.height, boxes: boxes.map((b) => scaleBox(b, 1 / pixels.scale)) };
      }),
    );
    this.stats.expressionInferences++;
    return (await this.pool.run({ kind: 'expressions', images } satisfies ExpressionsTask)) as number[][][];
  }

  /**
   * A size x size RGB square whose pixel p shows the upright image at `toImage(p)` (pixel-index
   * coordinates), sampled bilinearly from the detection pixels.
   */
  async warp(image: DecodedImage, toImage: Similarity, size: number): Promise<RgbImage> {
    const pixels = await image.pixels();
    const task: WarpTask = { kind: 'warp', data: pixels.data, width: pixels.width, height: pixels.height, matrix: warpMatrix(toImage, pixels.scale), size };
    const data = (await this.pool.run(task)) as Uint8Array;
    return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width: size, height: size };
  }

  /**
   * 128-d descriptors of faces in several images, each from a size x size chip whose pixel p shows
   * the upright image at toImage(p): one worker task, one batched inference.
   */
  async descriptors(requests: Array<{ image: DecodedImage; toImages: Similarity[] }>, size: number): Promise<number[][][]> {
    const images = await Promise.all(
      requests.map(async ({ image, toImages }) => {
        const pixels = await image.pixels();
        return { data: pixels.data, width: pixels.width, height: pixels.height, matrices: toImages.map((t) => warpMatrix(t, pixels.scale)) };
      }),
    );
    this.stats.descriptorInferences++;
    return (await this.pool.run({ kind: 'descriptors', size, images } satisfies DescriptorsTask)) as number[][][];
  }

  /** Live tfjs tensors in each worker (a leak check for tests). */
  async tensorCounts(): Promise<number[]> {
    return Promise.all(Array.from({ length: this.options.threads }, () => this.pool.run('tensor-count') as Promise<number>));
  }

  async close(): Promise<void> {
    this.ready = false;
    await this.pool.destroy();
  }
}

/** Output pixel p -> upright q = a p + b -> detection pixels (q + 0.5) / scale - 0.5, as a WarpTask matrix. */
function warpMatrix({ a, b }: Similarity, scale: number): WarpTask['matrix'] {
  const k = 1 / scale;
  const offset = 0.5 * k - 0.5;
  return [a.x * k, -a.y * k, b.x * k + offset, a.y * k, a.x * k, b.y * k + offset];
}

/**
 * The compiled worker script. Under ts-jest this module runs from src/, but a worker thread needs
 * JavaScript, so the build output in dist/ is used (`npm test` builds first).
 */
function workerFile(): string {
  const compiled = path.join(__dirname, 'engine.worker.js');
  if (fs.existsSync(compiled)) return compiled;
  const root = path.resolve(__dirname, '../../..');
  const built = path.join(root, 'dist', path.relative(root, compiled));
  if (fs.existsSync(built)) return built;
  throw new Error(`The engine worker is not built (${built} is missing): run \`npm run build\`.`);
}
