import { createHash } from 'node:crypto';
import { UserFacingError, ErrorCode } from '../errors';
import { log } from '../logger';
import { readCapped } from './read-capped';

/** The raw bytes of one submitted image file and their sha256 (the batching/de-duplication key). */
export interface ImageBytes {
  bytes: Buffer;
  sha256: string;
}

/** A file sent in a GraphQL multipart request (graphql-upload-minimal's `Upload` scalar resolves to it). */
export interface UploadedFile {
  filename: string;
  createReadStream(): NodeJS.ReadableStream & { truncated?: boolean };
}

/** The sources an `ImageInput` can carry; exactly one must be set. */
export interface ImageSource {
  base64?: string | null;
  upload?: Promise<UploadedFile> | null;
  url?: string | null;
}

/** How sources other than base64 are read: the byte limit, and the URL fetcher (absent: URLs refused). */
export interface ImageReading {
  maxBytes: number;
  fetchUrl?: (url: string, field: string[]) => Promise<Buffer>;
}

const DATA_URL = /^data:([^,]*),/i;
// Standard or URL-safe alphabet; padding optional; MIME line breaks tolerated.
const BASE64_BODY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Turns a client's image input into bytes: base64 checked before the decoded buffer is allocated,
 * an upload read up to the limit, a URL fetched through the SSRF guard.
 */
export async function readImageInput(source: ImageSource, reading: ImageReading, field: string[] = ['image']): Promise<ImageBytes> {
  const given = Object.entries(source).filter(([, v]) => v !== undefined && v !== null);
  if (given.length !== 1) {
    throw new UserFacingError(ErrorCode.INVALID_INPUT, 'Set exactly one image source: `base64`, `upload` or `url`.', field);
  }
  const bytes = await readSource(source, reading, field);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function readSource(source: ImageSource, reading: ImageReading, field: string[]): Promise<Buffer> {
  if (source.upload) {
    const uploadField = [...field, 'upload'];
    const failed = throwUploadFailure(uploadField);
    return readUpload(await source.upload.catch(failed), reading.maxBytes, uploadField).catch(failed);
  }
  if (source.url !== undefined && source.url !== null) {
    if (!reading.fetchUrl)
      throw new UserFacingError(ErrorCode.URL_NOT_ALLOWED, 'This server does not fetch image URLs (URL_INPUT_ENABLED=false).', [...field, 'url']);
    return nonEmpty(await reading.fetchUrl(source.url, [...field, 'url']), [...field, 'url']);
  }
  return decodeBase64(source.base64 as string, reading.maxBytes, [...field, 'base64']);
}

/**
 * An upload that failed, as the client's error: the multipart parser rejects with its own errors (a
 * broken request, or one its client abandoned), never the service's fault. Logged at info, no stack.
 */
export const throwUploadFailure =
  (field: string[]) =>
  (error: unknown): never => {
    if (error instanceof UserFacingError) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    log.info('upload did not complete', { cause });
    throw new UserFacingError(ErrorCode.INVALID_INPUT, `The upload did not complete: ${cause}`, field);
  };

/**
 * Reads an uploaded file's stream. Past the limit the rest is drained, not left unread: the multipart
 * parser reaches the request's next file only once this one is consumed (and it cuts any file at the
 * larger of the image and video limits).
 */
async function readUpload(file: UploadedFile, maxBytes: number, field: string[]): Promise<Buffer> {
  const stream = file.createReadStream();
  const bytes = await readCapped(stream as AsyncIterable<Buffer>, maxBytes, { drain: true });
  if (!bytes || stream.truncated) {
    throw new UserFacingError(
      ErrorCode.IMAGE_TOO_LARGE,
      `The uploaded file ${JSON.stringify(file.filename)} is larger than the limit of ${maxBytes} bytes.`,
      field,
    );
  }
  return nonEmpty(bytes, field);
}

function nonEmpty(bytes: Buffer, field: string[]): Buffer {
  if (bytes.length === 0) throw new UserFacingError(ErrorCode.EMPTY_IMAGE, 'The image is empty.', field);
  return bytes;
}

function decodeBase64(text: string, maxBytes: number, field: string[]): Buffer {
  let payload = text;
  const dataUrl = DATA_URL.exec(text);
  if (dataUrl) {
    if (!/;base64$/i.test(dataUrl[1] ?? '')) {
      throw new UserFacingError(ErrorCode.INVALID_BASE64, 'The data URL is not base64-encoded (it must contain `;base64,`).', field);
    }
    payload = text.slice(dataUrl[0].length);
  }
  // Most clients send no line breaks: skip the copy then (these strings run to megabytes).
  const compact = /\s/.test(payload) ? payload.replace(/\s+/g, '') : payload;
  // Bound the size before allocating: base64 carries 3 bytes per 4 characters.
  const approximateBytes = Math.floor((compact.length * 3) / 4);
  if (approximateBytes > maxBytes + 2) {
    throw new UserFacingError(ErrorCode.IMAGE_TOO_LARGE, `The image has about ${approximateBytes} bytes; the limit is ${maxBytes}.`, field);
  }
  if (compact.length === 0) {
    throw new UserFacingError(ErrorCode.EMPTY_IMAGE, 'The image is empty.', field);
  }
  if (!BASE64_BODY.test(compact) || compact.length % 4 === 1 || (compact.includes('=') && compact.length % 4 !== 0)) {
    throw new UserFacingError(
      ErrorCode.INVALID_BASE64,
      'The image is not valid base64: use the standard alphabet, no data URL prefix other than `data:<type>;base64,`.',
      field,
    );
  }
  // Node's base64 decoder reads the URL-safe alphabet too.
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length === 0) {
    throw new UserFacingError(ErrorCode.EMPTY_IMAGE, 'The image is empty.', field);
  }
  if (bytes.length > maxBytes) {
    throw new UserFacingError(ErrorCode.IMAGE_TOO_LARGE, `The image has ${bytes.length} bytes; the limit is ${maxBytes}.`, field);
  }
  return bytes;
}
