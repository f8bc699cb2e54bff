import DataLoader from 'dataloader';
import type { ProviderName } from '../config';
import { asDetectionError, DetectionError, ErrorCode } from '../errors';
import type { DecodedImage } from '../image/image-decoder';
import type { ImageBytes } from '../image/image-input';
import type { DetectionSettings } from '../providers/provider';
import { settingsKey } from './detection-options';
import { chipTransform } from '../crops/face-crops';
import type { Point } from '../geometry/geometry';
import { invertSimilarity } from '../geometry/similarity';
import type { DetectedFace, DetectionResult, LandmarkDetector } from './landmark-detector';

// The recognition net's input side: faces are aligned onto the ArcFace template at this size.
const DESCRIPTOR_CHIP = 150;

export interface DetectionKey {
  image: ImageBytes;
  settings: DetectionSettings;
}

/**
 * The per-request loaders. Keys are the image's sha256 (plus the settings for detection), so an image
 * sent twice in one request is decoded once and detected once; a batch is one provider call.
 */
export interface DetectionLoaders {
  images: DataLoader<ImageBytes, DecodedImage, string>;
  /** Detects through the loader of the provider the settings name. */
  detect(key: DetectionKey): Promise<DetectionResult>;
  /**
   * The 68 iBUG points of a face: its own, or computed by the embedded engine on its box (MXFace
   * faces); null when no enabled provider can. One engine task per image for all its faces.
   */
  landmarks68: DataLoader<DetectedFace, Point[] | null, DetectedFace>;
  /**
   * Expression probabilities (EXPRESSIONS order) of a face, by the embedded engine; null when it is
   * disabled. All faces asked for in one tick, across images, go to one batched inference.
   */
  expressions: DataLoader<DetectedFace, number[] | null, DetectedFace>;
  /** The 128-d descriptor of a face from its aligned chip, by the embedded engine; batched the same way. */
  descriptors: DataLoader<DetectedFace, number[] | null, DetectedFace>;
}

export function createDetectionLoaders(detector: LandmarkDetector): DetectionLoaders {
  const images = new DataLoader<ImageBytes, DecodedImage, string>(
    (keys) => Promise.all(keys.map((key) => detector.decode(key).catch((error: unknown) => toImageError(error)))),
    { cacheKeyFn: (key) => key.sha256 },
  );

  // One loader per provider, so each batches to its own provider's size.
  const byProvider = new Map<ProviderName, DataLoader<DetectionKey, DetectionResult, string>>();
  const detectionLoader = (maxBatchSize: number) =>
    new DataLoader<DetectionKey, DetectionResult, string>(
      async (keys) => {
        const decoded = await Promise.all(keys.map((key) => images.load(key.image).catch((error: Error) => error)));
        const ready = keys.flatMap((key, i) => (decoded[i] instanceof Error ? [] : [{ image: decoded[i] as DecodedImage, settings: key.settings }]));
        const detected = await detector.detect(ready);
        let next = 0;
        return decoded.map((d) => (d instanceof Error ? d : detected[next++]));
      },
      { cacheKeyFn: (key) => `${key.image.sha256}:${settingsKey(key.settings)}`, maxBatchSize },
    );

  const landmarks68 = new DataLoader<DetectedFace, Point[] | null, DetectedFace>(async (faces) => {
    const engine = detector.providers.get('embedded');
    const missing = faces.filter((f) => !f.points68);
    if (!engine?.landmarks68 || missing.length === 0) return faces.map((f) => f.points68 ?? null);
    const computed = await answerByImage(missing, (groups) =>
      Promise.all(groups.map(({ image, faces: inImage }) => engine.landmarks68!(image, inImage.map((f) => f.rectangle)))),
    );
    let next = 0;
    return faces.map((f) => f.points68 ?? computed[next++]);
  });

  const expressions = new DataLoader<DetectedFace, number[] | null, DetectedFace>(async (faces) => {
    const engine = detector.providers.get('embedded');
    if (!engine?.expressions) return faces.map(() => null);
    return answerByImage(faces, (groups) => engine.expressions!(groups.map(({ image, faces: inImage }) => ({ image, boxes: inImage.map((f) => f.rectangle) }))));
  });

  const descriptors = new DataLoader<DetectedFace, number[] | null, DetectedFace>(async (faces) => {
    const engine = detector.providers.get('embedded');
    if (!engine?.descriptors) return faces.map(() => null);
    const toImage = (f: DetectedFace) => invertSimilarity(chipTransform(f.fivePoints, DESCRIPTOR_CHIP));
    return answerByImage(faces, (groups) => engine.descriptors!(groups.map(({ image, faces: inImage }) => ({ image, toImages: inImage.map(toImage) })), DESCRIPTOR_CHIP));
  });

  return {
    images,
    landmarks68,
    expressions,
    descriptors,
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

/**
 * One engine call for the faces of a batch, grouped by the image they are in (answers per group,
 * in group order), handed back to each face in the batch's order.
 */
async function answerByImage<T>(
  faces: readonly DetectedFace[],
  run: (groups: Array<{ image: DecodedImage; faces: DetectedFace[] }>) => Promise<T[][]>,
): Promise<T[]> {
  const groups = new Map<DecodedImage, number[]>();
  faces.forEach((face, i) => groups.set(face.image, [...(groups.get(face.image) ?? []), i]));
  const answers = await run([...groups].map(([image, indexes]) => ({ image, faces: indexes.map((i) => faces[i]) })));
  const results: T[] = new Array(faces.length);
  [...groups.values()].forEach((indexes, k) => indexes.forEach((faceIndex, j) => (results[faceIndex] = answers[k][j])));
  return results;
}

function toImageError(error: unknown): DetectionError {
  return asDetectionError(error, ErrorCode.CORRUPT_IMAGE, 'The image could not be decoded.');
}
