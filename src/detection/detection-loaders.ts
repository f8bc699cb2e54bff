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
        const ready = keys.flatMap((key, i) => (decoded[i] instanceof Error ? [] : [{ index: i, image: decoded[i] as DecodedImage, settings: key.settings }]));
        const detected = await detector.detect(ready);
        const results: Array<DetectionResult | Error> = decoded.map((d) => (d instanceof Error ? d : new Error('unreachable')));
        ready.forEach((item, k) => {
          results[item.index] = detected[k];
        });
        return results;
      },
      { cacheKeyFn: (key) => `${key.image.sha256}:${settingsKey(key.settings)}`, maxBatchSize },
    );

  const landmarks68 = new DataLoader<DetectedFace, Point[] | null, DetectedFace>(async (faces) => {
    const engine = detector.providers.get('embedded');
    const results: Array<Point[] | null | Error> = faces.map((f) => f.points68 ?? null);
    if (!engine?.landmarks68) return results;
    const missing = groupByImage(faces, (f) => !f.points68);
    await Promise.all(
      [...missing].map(async ([image, indexes]) => {
        try {
          const points = await engine.landmarks68!(image, indexes.map((i) => faces[i].rectangle));
          indexes.forEach((faceIndex, k) => (results[faceIndex] = points[k]));
        } catch (error) {
          indexes.forEach((faceIndex) => (results[faceIndex] = error as Error));
        }
      }),
    );
    return results;
  });

  const expressions = new DataLoader<DetectedFace, number[] | null, DetectedFace>(async (faces) => {
    const engine = detector.providers.get('embedded');
    if (!engine?.expressions) return faces.map(() => null);
    const byImage = groupByImage(faces);
    const scores = await engine.expressions([...byImage].map(([image, indexes]) => ({ image, boxes: indexes.map((i) => faces[i].rectangle) })));
    const results: number[][] = new Array(faces.length);
    [...byImage.values()].forEach((indexes, k) => indexes.forEach((faceIndex, j) => (results[faceIndex] = scores[k][j])));
    return results;
  });

  const descriptors = new DataLoader<DetectedFace, number[] | null, DetectedFace>(async (faces) => {
    const engine = detector.providers.get('embedded');
    if (!engine?.descriptors) return faces.map(() => null);
    const byImage = groupByImage(faces);
    const requests = [...byImage].map(([image, indexes]) => ({ image, toImages: indexes.map((i) => invertSimilarity(chipTransform(faces[i].fivePoints, DESCRIPTOR_CHIP))) }));
    const vectors = await engine.descriptors(requests, DESCRIPTOR_CHIP);
    const results: number[][] = new Array(faces.length);
    [...byImage.values()].forEach((indexes, k) => indexes.forEach((faceIndex, j) => (results[faceIndex] = vectors[k][j])));
    return results;
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

/** Indexes of the faces (that pass `want`) per image they are in. */
function groupByImage(faces: readonly DetectedFace[], want: (f: DetectedFace) => boolean = () => true): Map<DecodedImage, number[]> {
  const groups = new Map<DecodedImage, number[]>();
  faces.forEach((face, i) => {
    if (want(face)) groups.set(face.image, [...(groups.get(face.image) ?? []), i]);
  });
  return groups;
}

function toImageError(error: unknown): DetectionError {
  return asDetectionError(error, ErrorCode.CORRUPT_IMAGE, 'The image could not be decoded.');
}
