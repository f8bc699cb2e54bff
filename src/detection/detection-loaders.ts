import DataLoader from 'dataloader';
import type { ProviderName } from '../config';
import { asDetectionError, DetectionError, ErrorCode } from '../errors';
import type { DecodedImage } from '../image/image-decoder';
import type { ImageBytes } from '../image/image-input';
import type { DetectionSettings } from '../providers/provider';
import { settingsKey } from './detection-options';
import type { DetectionResult, LandmarkDetector } from './landmark-detector';

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

  return {
    images,
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

function toImageError(error: unknown): DetectionError {
  return asDetectionError(error, ErrorCode.CORRUPT_IMAGE, 'The image could not be decoded.');
}
