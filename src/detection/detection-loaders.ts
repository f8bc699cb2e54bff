import DataLoader from 'dataloader';
import type { ProviderName } from '../config';
import { asUserFacingError, ErrorCode, fieldFailure, UserFacingError } from '../errors';
import { describeError, log } from '../logger';
import type { CheckedImage, RgbImage } from '../image/image-decoder';
import type { ImageBytes } from '../image/image-input';
import type { DetectionSettings, FaceAnalyser } from '../providers/provider';
import type { MeshPoint } from '../providers/embedded/engine-protocol';
import { unpackMesh } from '../providers/embedded/mediapipe/face-mesh';
import { callFlattened, groupBy } from '../batching';
import { settingsKey } from './detection-options';
import { chipTransform, DESCRIPTOR_CHIP } from '../crops/face-crops';
import type { Point } from '../geometry/geometry';
import { ibug68FromMesh } from '../geometry/mesh-to-ibug68';
import { invertSimilarity, type Similarity } from '../geometry/similarity';
import type { DetectedFace, DetectionResult, DetectionRunner } from './detection-runner';
import { at } from '../checked';

// The recognition net's input side: faces are aligned onto the ArcFace template at this size.

export interface DetectionKey {
  image: ImageBytes;
  settings: DetectionSettings;
}

/** A square warped out of an image: pixel p of the size x size result shows the image at toImage(p). */
export interface WarpKey {
  image: CheckedImage;
  toImage: Similarity;
  size: number;
}

/**
 * The per-request loaders. Keys are the image's sha256 (plus the settings for detection), so an image
 * sent twice in one request is decoded once and detected once; a batch is one provider call. Per-face
 * work goes to the analyser (the embedded engine): one worker task per kind of work per request.
 */
export interface DetectionLoaders {
  images: DataLoader<ImageBytes, CheckedImage, string>;
  /** Detects through the loader of the provider the settings name. */
  detect(key: DetectionKey): Promise<DetectionResult>;
  /** The 478-point mesh of a face: its own, or computed on its box and eyes; null without an analyser. */
  mesh: DataLoader<DetectedFace, MeshPoint[] | null, DetectedFace>;
  /** The 68 iBUG points of a face: its provider's, or from its mesh; null when neither exists. */
  landmarks68(face: DetectedFace): Promise<Point[] | null>;
  /** Expression probabilities (EXPRESSIONS order) of a face; null without an analyser. */
  expressions: DataLoader<DetectedFace, number[] | null, DetectedFace>;
  /** The 128-d descriptor of a face from its aligned chip; null without an analyser. */
  descriptors: DataLoader<DetectedFace, number[] | null, DetectedFace>;
  /** Warped squares (aligned chips); null without an analyser. */
  warps: DataLoader<WarpKey, RgbImage | null, WarpKey>;
}

/** `clientGone` aborts when the request's client has gone: its images still waiting for the engine are dropped. */
export function createDetectionLoaders(detector: DetectionRunner, clientGone?: AbortSignal): DetectionLoaders {
  const images = new DataLoader<ImageBytes, CheckedImage, string>(
    (keys) => Promise.all(keys.map((key) => detector.decode(key).catch((error: unknown) => toImageError(error)))),
    { cacheKeyFn: (key) => key.sha256 },
  );

  // One loader per provider, so each batches to its own provider's size.
  const byProvider = new Map<ProviderName, DataLoader<DetectionKey, DetectionResult, string>>();
  const detectionLoader = (maxBatchSize: number) =>
    new DataLoader<DetectionKey, DetectionResult, string>(
      async (keys) => {
        const decoded = await Promise.all(keys.map((key) => images.load(key.image).catch((error: Error) => error)));
        // Images that failed to decode keep their error; the rest go to the providers in one call.
        const ready = keys.map((key, i) => {
          const image = decoded[i];
          return image instanceof Error || !image ? [] : [{ image, settings: key.settings }];
        });
        const detected = await callFlattened(ready, (items) => detector.detect(items, clientGone));
        return decoded.map((d, i) => (d instanceof Error ? d : (detected[i]?.[0] ?? new Error('no detection for a decoded image'))));
      },
      { cacheKeyFn: (key) => `${key.image.sha256}:${settingsKey(key.settings)}`, maxBatchSize },
    );

  const analyser = detector.providers.analyser;
  /** A loader whose batch goes to the analyser, or answers null for every key without one. */
  // A failure of the engine is logged once for the batch and reaches each field as ENGINE_FAILURE
  // (the field null, the rest of the payload intact): the error convention in the README.
  const analysed = <K extends { image: CheckedImage }, T>(work: (analyser: FaceAnalyser, keys: readonly K[]) => Promise<T[]>) =>
    new DataLoader<K, T | null, K>(async (keys) => {
      if (!analyser) return keys.map(() => null);
      try {
        return await work(analyser, keys);
      } catch (error) {
        log.error('the engine failed on per-face work', { faces: keys.length, error: describeError(error) });
        return keys.map(() => fieldFailure(ErrorCode.ENGINE_FAILURE, 'The face engine failed on this face; retrying may help.'));
      }
    });

  // The 68 points the engine refined with each mesh it computed here (faces found by another provider).
  const refined68 = new WeakMap<DetectedFace, Point[]>();
  const mesh = analysed<DetectedFace, MeshPoint[]>(async (engine, faces) => {
    const missing = faces.filter((f) => !f.mesh);
    const computed = await answerByImage(missing, (groups) =>
      engine.meshes(
        groups.map(({ image, items }) => ({
          image,
          seeds: items.map((f) => ({ box: f.rectangle, leftEye: f.fivePoints.leftEye, rightEye: f.fivePoints.rightEye })),
        })),
      ),
    );
    computed.forEach((m, k) => refined68.set(at(missing, k), m.points68));
    let next = 0;
    return faces.map((f) => unpackMesh(f.mesh ?? at(computed, next++).mesh));
  });

  const expressions = analysed<DetectedFace, number[]>((engine, faces) =>
    answerByImage(faces, (groups) => engine.expressions(groups.map(({ image, items }) => ({ image, boxes: items.map((f) => f.rectangle) })))),
  );

  const descriptors = analysed<DetectedFace, number[]>((engine, faces) => {
    const toImage = (f: DetectedFace) => invertSimilarity(chipTransform(f.fivePoints, DESCRIPTOR_CHIP));
    return answerByImage(faces, (groups) =>
      engine.descriptors(
        groups.map(({ image, items }) => ({ image, toImages: items.map(toImage) })),
        DESCRIPTOR_CHIP,
      ),
    );
  });

  const warps = analysed<WarpKey, RgbImage>((engine, keys) =>
    answerByImage(keys, (groups) =>
      engine.warps(groups.map(({ image, items }) => ({ image, squares: items.map(({ toImage, size }) => ({ toImage, size })) }))),
    ),
  );

  return {
    images,
    mesh,
    expressions,
    descriptors,
    warps,
    landmarks68: async (face) => {
      if (face.points68) return face.points68;
      const points = await mesh.load(face);
      return points && (refined68.get(face) ?? ibug68FromMesh(points));
    },
    detect: (key) => {
      let loader = byProvider.get(key.settings.provider);
      if (!loader) {
        loader = detectionLoader(detector.provider(key.settings).maxBatchSize);
        byProvider.set(key.settings.provider, loader);
      }
      return loader.load(key);
    },
  };
}

/** One analyser call for a batch's items grouped by the image they are in, answers back in item order. */
async function answerByImage<K extends { image: CheckedImage }, T>(
  items: readonly K[],
  run: (groups: Array<{ image: CheckedImage; items: K[] }>) => Promise<T[][]>,
): Promise<T[]> {
  if (items.length === 0) return [];
  const byImage = groupBy(items, (item) => item.image);
  return byImage.scatter(await run(byImage.groups.map(({ key, items: inImage }) => ({ image: key, items: inImage }))));
}

function toImageError(error: unknown): UserFacingError {
  return asUserFacingError(error, ErrorCode.CORRUPT_IMAGE, 'The image could not be decoded.');
}
