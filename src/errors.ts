import { GraphQLError } from 'graphql';

/** Why a single image could not be processed. Clients switch on these, so values are API. */
export enum ErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  INVALID_BASE64 = 'INVALID_BASE64',
  EMPTY_IMAGE = 'EMPTY_IMAGE',
  UNSUPPORTED_FORMAT = 'UNSUPPORTED_FORMAT',
  CORRUPT_IMAGE = 'CORRUPT_IMAGE',
  IMAGE_TOO_LARGE = 'IMAGE_TOO_LARGE',
  TOO_MANY_PIXELS = 'TOO_MANY_PIXELS',
  INVALID_OPTION = 'INVALID_OPTION',
  URL_NOT_ALLOWED = 'URL_NOT_ALLOWED',
  URL_FETCH_FAILED = 'URL_FETCH_FAILED',
  URL_TIMEOUT = 'URL_TIMEOUT',
  ENGINE_FAILURE = 'ENGINE_FAILURE',
  SERVER_BUSY = 'SERVER_BUSY',
  RATE_LIMITED = 'RATE_LIMITED',
  UPSTREAM_UNAVAILABLE = 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT',
  UPSTREAM_RATE_LIMITED = 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_AUTH_FAILED = 'UPSTREAM_AUTH_FAILED',
  UPSTREAM_REJECTED_IMAGE = 'UPSTREAM_REJECTED_IMAGE',
  UPSTREAM_PROTOCOL_ERROR = 'UPSTREAM_PROTOCOL_ERROR',
  UNSUPPORTED_VIDEO = 'UNSUPPORTED_VIDEO',
  VIDEO_TOO_LARGE = 'VIDEO_TOO_LARGE',
  VIDEO_TOO_LONG = 'VIDEO_TOO_LONG',
  VIDEO_DECODE_FAILED = 'VIDEO_DECODE_FAILED',
  VIDEO_NOT_SUPPORTED_BY_PROVIDER = 'VIDEO_NOT_SUPPORTED_BY_PROVIDER',
  VIDEO_QUEUE_UNAVAILABLE = 'VIDEO_QUEUE_UNAVAILABLE',
  NO_FACE = 'NO_FACE',
  TOO_MANY_IMAGES = 'TOO_MANY_IMAGES',
  ENGINE_DISABLED = 'ENGINE_DISABLED',
}

export const errorCodeDescriptions: Record<ErrorCode, string> = {
  INVALID_INPUT: 'The image input is not usable as given, e.g. no source or more than one source was set.',
  INVALID_BASE64: 'The base64 string (or data URL) is malformed: characters outside the alphabet, bad padding or a non-base64 data URL.',
  EMPTY_IMAGE: 'The image is empty: zero bytes after base64 decoding.',
  UNSUPPORTED_FORMAT: 'The bytes are not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF, BMP).',
  CORRUPT_IMAGE: 'The bytes look like a supported format but cannot be decoded: truncated or corrupt file.',
  IMAGE_TOO_LARGE: 'The image file has more bytes than the server accepts (see `serviceInfo.limits.maxImageBytes`).',
  TOO_MANY_PIXELS: 'The image has more pixels than the server accepts (see `serviceInfo.limits.maxImagePixels`); checked from the header, before decoding.',
  URL_NOT_ALLOWED:
    'The URL of an image or a video is not one the service fetches: not http(s), with credentials, or pointing (directly, through DNS or through a redirect) to a loopback, private, link-local or other non-public address.',
  URL_FETCH_FAILED: 'The URL of an image or a video could not be fetched: DNS or connection failure, an HTTP status other than 200, or too many redirects.',
  URL_TIMEOUT: 'The URL of an image or a video did not deliver its file within the time limit (`URL_FETCH_TIMEOUT_MS`).',
  INVALID_OPTION: 'A detection option is out of range; `field` names it.',
  ENGINE_FAILURE:
    'The embedded engine failed on this image (a user error) or on one face field (a field error naming it). Retrying may help; other images and fields are not affected.',
  SERVER_BUSY:
    'The embedded engine has more images waiting than it accepts (`MAX_QUEUED_IMAGES`), so this one was refused at once rather than left to wait. Retry after a few seconds, or send fewer images at a time.',
  RATE_LIMITED:
    'This client (its API key, or its IP address where the server has no keys) has used its images for the current window (`RATE_LIMIT_IMAGES` per `RATE_LIMIT_WINDOW_SECONDS`); the message says when to retry. A request that arrives with none left gets HTTP 429 with `Retry-After` instead.',
  UPSTREAM_UNAVAILABLE: 'The upstream landmark provider could not be reached or failed (network error, 5xx, circuit open).',
  UPSTREAM_TIMEOUT: 'The upstream landmark provider did not answer in time.',
  UPSTREAM_RATE_LIMITED: 'The upstream landmark provider is rate limiting this service (HTTP 429).',
  UPSTREAM_AUTH_FAILED: "The upstream landmark provider rejected the service's credentials.",
  UPSTREAM_REJECTED_IMAGE: 'The upstream landmark provider refused this image (HTTP 400).',
  UPSTREAM_PROTOCOL_ERROR: 'The upstream landmark provider answered with something outside its contract.',
  UNSUPPORTED_VIDEO:
    'The file is not a video the service reads: not a container it accepts (MP4/MOV/3GP, WebM/MKV, AVI, MPEG-TS, ASF/WMV, FLV, animated GIF), no video stream (audio only), or no frame at all.',
  VIDEO_TOO_LARGE:
    'The video has more bytes (`MAX_VIDEO_BYTES`) or more pixels per frame (`MAX_VIDEO_PIXELS`) than the server accepts; the message gives both figures.',
  VIDEO_TOO_LONG:
    'The video lasts longer than the server accepts (`MAX_VIDEO_SECONDS`). A declared duration over the limit is refused at once; a stream that runs past it while decoding (its container declared no duration, or a wrong one) is cut there, and the job keeps the frames before the cut. The message gives both figures.',
  VIDEO_DECODE_FAILED:
    'The video could not be decoded from some point on (truncated or corrupt): the frames before the break are analysed and kept, and the message says where it broke.',
  VIDEO_NOT_SUPPORTED_BY_PROVIDER: 'The landmark provider asked for cannot analyse video (the MXFace cloud takes photos only); use the embedded provider.',
  VIDEO_QUEUE_UNAVAILABLE:
    'Video jobs are kept in Redis (`REDIS_URL`), which this replica cannot reach right now; jobs already accepted are not lost. Retry after a few seconds.',
  NO_FACE: 'No face was found in an image that needs one (an input of `averageFaces` or `morphFaces`); `field` names the input.',
  TOO_MANY_IMAGES: 'More images than the call accepts (`averageFaces`: `serviceInfo.limits.maxComposeImages`); the message gives both figures.',
  ENGINE_DISABLED:
    'The operation needs the embedded engine (face averaging and morphing warp on it), which this server runs without (`EMBEDDED_ENABLED=false`).',
};

/** An expected, per-image failure: becomes a `UserError` in the payload, never a top-level error. */
export class UserFacingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string[],
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export function asUserFacingError(error: unknown, fallback: ErrorCode, message: string): UserFacingError {
  return error instanceof UserFacingError ? error : new UserFacingError(fallback, message);
}

/**
 * The failure of one field of a face (an argument out of range, the engine failing on that face's
 * work): the field is null and this error, with its path and a code to switch on, sits in the
 * response's `errors`; the rest of the payload stands.
 */
export function fieldFailure(code: ErrorCode | 'BAD_USER_INPUT', message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}
