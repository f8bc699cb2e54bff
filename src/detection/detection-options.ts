import { UserFacingError, ErrorCode } from '../errors';
import type { ProviderName } from '../config';
import { DEFAULT_MIN_FACE_SIZE, type DetectionSettings, type ProviderFace } from '../providers/provider';
import type { Providers } from '../providers/providers';

export const DEFAULT_MIN_CONFIDENCE = 0.3;
export const DEFAULT_MAX_FACES = 100;
export const MAX_FACES_LIMIT = 1000;
export { DEFAULT_MIN_FACE_SIZE } from '../providers/provider';
// Below this a face has too few pixels for its landmarks to mean anything.
export const MIN_FACE_SIZE_LIMIT = 8;

export interface DetectionOptionsInput {
  minConfidence?: number | null;
  maxFaces?: number | null;
  minFaceSize?: number | null;
  provider?: ProviderName | null;
}

/** Applies defaults and range checks; a bad value is the client's error, named by its field. */
export function resolveDetectionSettings(options: DetectionOptionsInput | null | undefined, providers: Providers): DetectionSettings {
  const minConfidence = options?.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const maxFaces = options?.maxFaces ?? DEFAULT_MAX_FACES;
  if (!Number.isFinite(minConfidence) || minConfidence < 0 || minConfidence > 1) {
    throw new UserFacingError(ErrorCode.INVALID_OPTION, `minConfidence must be between 0 and 1 (got ${minConfidence}).`, ['options', 'minConfidence']);
  }
  if (!Number.isInteger(maxFaces) || maxFaces < 1 || maxFaces > MAX_FACES_LIMIT) {
    throw new UserFacingError(ErrorCode.INVALID_OPTION, `maxFaces must be an integer from 1 to ${MAX_FACES_LIMIT} (got ${maxFaces}).`, ['options', 'maxFaces']);
  }
  const minFaceSize = options?.minFaceSize ?? DEFAULT_MIN_FACE_SIZE;
  if (!Number.isInteger(minFaceSize) || minFaceSize < MIN_FACE_SIZE_LIMIT) {
    throw new UserFacingError(ErrorCode.INVALID_OPTION, `minFaceSize must be a whole number of pixels, at least ${MIN_FACE_SIZE_LIMIT} (got ${minFaceSize}).`, [
      'options',
      'minFaceSize',
    ]);
  }
  const provider = options?.provider ?? providers.defaultProvider.name;
  if (!providers.get(provider)) {
    throw new UserFacingError(ErrorCode.INVALID_OPTION, `The ${provider} provider is not enabled on this server (enabled: ${providers.names.join(', ')}).`, [
      'options',
      'provider',
    ]);
  }
  return { minConfidence, maxFaces, minFaceSize, provider };
}

export function settingsKey(settings: DetectionSettings): string {
  return `${settings.provider}/${settings.minConfidence}/${settings.maxFaces}/${settings.minFaceSize}`;
}

/** The faces a client asked for: at least `minConfidence`, the most confident first, at most `maxFaces`. */
export function selectFaces<F extends Pick<ProviderFace, 'confidence'>>(faces: readonly F[], settings: DetectionSettings): F[] {
  return faces
    .filter((f) => f.confidence >= settings.minConfidence)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, settings.maxFaces);
}
