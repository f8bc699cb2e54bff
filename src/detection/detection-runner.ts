import { createHash } from 'node:crypto';
import { callFlattened, groupBy } from '../batching';
import { asUserFacingError, UserFacingError, ErrorCode } from '../errors';
import type { Box, Point } from '../geometry/geometry';
import { fivePointsFrom68, type FivePoints } from '../geometry/landmarks';
import { describeError, log } from '../logger';
import { checkImage, type CheckedImage, type ImageLimits, type ImageMetadata } from '../image/image-decoder';
import type { ImageBytes } from '../image/image-input';
import type { PackedMesh } from '../providers/embedded/engine-protocol';
import type { DetectionSettings, FaceDetector, ProviderFace } from '../providers/provider';
import type { Providers } from '../providers/providers';
import { selectFaces, settingsKey } from './detection-options';
import { CancelledError } from '../work-queue';
import { NO_CACHE, type ResultCache } from '../cache/result-cache';
import { metrics } from '../observability/metrics';
import { at } from '../checked';
import { PhotoTraffic } from './photo-traffic';

/** One face in the client's upright image coordinates. */
export interface DetectedFace {
  /** The same for the same face of the same image bytes and detection settings (a client cache key). */
  id: string;
  /** The image the face is in (for work asked of it later, e.g. 68 points of an MXFace face). */
  image: CheckedImage;
  rectangle: Box;
  confidence: number;
  quality: number;
  fivePoints: FivePoints;
  /** The mesh's face-presence probability, 0..1, when a mesh found the face (see `Face.landmarksConfidence`). */
  landmarksConfidence?: number;
  points68?: Point[];
  /** Packed; `DetectionLoaders.mesh` unpacks it when a field asks. */
  mesh?: PackedMesh;
}

export interface DetectionResult {
  image: ImageMetadata;
  faces: DetectedFace[];
}

export interface DetectionItem {
  image: CheckedImage;
  settings: DetectionSettings;
}

/**
 * Provider answers -> faces in the client's upright image. Each item gets its own result or
 * UserFacingError; the provider sees one call per distinct settings in the batch.
 */
export class DetectionRunner {
  /** The photo detections in flight here, whatever their provider (an MXFace face's 68 points still take the engine): video jobs let them pass first. */
  readonly photos = new PhotoTraffic();

  constructor(
    readonly providers: Providers,
    private readonly limits: ImageLimits,
    private readonly cache: ResultCache = NO_CACHE,
  ) {}

  /** The provider named by the settings (validated earlier by resolveDetectionSettings). */
  provider(settings: DetectionSettings): FaceDetector {
    const provider = this.providers.get(settings.provider);
    if (!provider) throw new Error(`provider ${settings.provider} is not enabled`);
    return provider;
  }

  decode(image: ImageBytes): Promise<CheckedImage> {
    return checkImage(image, this.limits);
  }

  async detect(items: readonly DetectionItem[], signal?: AbortSignal): Promise<Array<DetectionResult | UserFacingError>> {
    const bySettings = groupBy(items, (item) => settingsKey(item.settings));
    const answers = await Promise.all(
      bySettings.groups.map(async ({ items: group }) => {
        const { settings } = group[0] as DetectionItem;
        const images = group.map((item) => item.image);
        const faces = await this.answers(this.provider(settings), images, settings, signal);
        return faces.map((answer, k) => toResult(answer, images[k] as CheckedImage, settings));
      }),
    );
    return bySettings.scatter(answers);
  }

  /** The provider's answers, from the cache where it has them; new answers are cached. */
  private async answers(provider: FaceDetector, images: CheckedImage[], settings: DetectionSettings, signal?: AbortSignal): Promise<unknown[]> {
    const keys = images.map((image) => `${provider.version}:${image.info.sha256}:${settingsKey(settings)}`);
    const cached = await this.cache.get(keys);
    // One provider call for the misses; each image gets its cached answer or its fresh one.
    const fresh = await callFlattened(
      images.map((image, i) => (cached[i] ? [] : [image])),
      (misses) => this.detectTimed(provider, misses, settings, signal),
    );
    const all = cached.map((hit, i) => hit ?? at(at(fresh, i), 0));
    this.cache.set(all.flatMap((answer, i) => (Array.isArray(answer) && !cached[i] ? [{ key: at(keys, i), faces: answer as ProviderFace[] }] : [])));
    return all;
  }

  /** The provider's call, its failure as every image's answer, and how long the images waited for it. */
  private async detectTimed(provider: FaceDetector, images: CheckedImage[], settings: DetectionSettings, signal?: AbortSignal): Promise<unknown[]> {
    const started = performance.now();
    const answers: unknown[] = await this.photos.carry(() => provider.detect(images, settings, signal)).catch((error: unknown) => images.map(() => error));
    const seconds = (performance.now() - started) / 1000;
    for (const answer of answers) metrics.imageDetections.observe({ provider: provider.name, outcome: Array.isArray(answer) ? 'ok' : 'error' }, seconds);
    return answers;
  }
}

function toResult(answer: ProviderFace[] | unknown, image: CheckedImage, settings: DetectionSettings): DetectionResult | UserFacingError {
  if (Array.isArray(answer)) {
    try {
      return { image: image.info, faces: toClientFaces(answer as ProviderFace[], settings, image) };
    } catch (error) {
      return engineFailure(error, image);
    }
  }
  return engineFailure(answer, image);
}

/** A provider's failure as the image's user error; anything unexpected is logged, never shown. */
function engineFailure(error: unknown, image: CheckedImage): UserFacingError {
  // A cancelled image's client has gone: nobody reads its answer, and nothing failed.
  if (!(error instanceof UserFacingError) && !(error instanceof CancelledError))
    log.error('provider failed on an image', { sha256: image.info.sha256, error: describeError(error) });
  return asUserFacingError(error, ErrorCode.ENGINE_FAILURE, 'The face engine failed on this image.');
}

function toClientFaces(faces: ProviderFace[], settings: DetectionSettings, image: CheckedImage): DetectedFace[] {
  return selectFaces(faces, settings).map((f, rank) => {
    const fivePoints = f.fivePoints ?? (f.points68 && fivePointsFrom68(f.points68));
    if (!fivePoints) throw new Error('provider returned a face without landmarks');
    const id = faceId(image.info.sha256, settings, rank);
    return {
      id,
      image,
      rectangle: f.box,
      confidence: f.confidence,
      quality: f.quality,
      landmarksConfidence: f.landmarksConfidence,
      fivePoints,
      points68: f.points68,
      mesh: f.mesh,
    };
  });
}

/** Rank within the image's answer, which is deterministic for the same bytes and settings. */
function faceId(sha256: string, settings: DetectionSettings, rank: number): string {
  return createHash('sha256')
    .update(`${sha256}:${settingsKey(settings)}:${rank}`)
    .digest('base64url')
    .slice(0, 22);
}
