import { UserFacingError, ErrorCode } from '../errors';
import type { ImageMetadata } from '../image/image-decoder';
import { readImageInput, type ImageReading, type ImageSource } from '../image/image-input';
import type { Providers } from '../providers/providers';
import type { DetectionLoaders } from './detection-loaders';
import { resolveDetectionSettings, type DetectionOptionsInput } from './detection-options';
import type { DetectedFace } from './detection-runner';
import type { DetectionRequest } from './detection-request';

export interface UserErrorData {
  code: ErrorCode;
  message: string;
  field?: string[];
}

/** The mutation payload: faces on success, typed user errors otherwise, never a thrown expected failure. */
export interface DetectionPayload {
  faces: DetectedFace[] | null;
  image: ImageMetadata | null;
  userErrors: UserErrorData[];
}

export interface DetectionPayloadArgs {
  /** The HTTP request's record: each image is counted against its client's rate limit. */
  request: DetectionRequest;
  providers: Providers;
  image: ImageSource;
  options?: DetectionOptionsInput | null;
  /** Where this image sits in the request, for `UserError.field`. */
  field: string[];
  reading: ImageReading;
}

/** One image through the request's loaders; bugs still throw (they are top-level errors). */
export async function detectionPayload(loaders: DetectionLoaders, args: DetectionPayloadArgs): Promise<DetectionPayload> {
  try {
    await args.request.admitImage();
    const settings = resolveDetectionSettings(args.options, args.providers);
    const image = await readImageInput(args.image, args.reading, args.field);
    const result = await loaders.detect({ image, settings });
    return { faces: result.faces, image: result.image, userErrors: [] };
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    args.request.noteUserError(error.code);
    return { faces: null, image: null, userErrors: [{ code: error.code, message: error.message, field: error.field ?? args.field }] };
  }
}
