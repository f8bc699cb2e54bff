import { createHash } from 'node:crypto';
import { UserFacingError, ErrorCode } from '../errors';

/** The raw bytes of one submitted image file and their sha256 (the batching/de-duplication key). */
export interface ImageBytes {
  bytes: Buffer;
  sha256: string;
}

/** The sources an `ImageInput` can carry; exactly one must be set. */
export interface ImageSource {
  base64?: string | null;
}

const DATA_URL = /^data:([^,]*),/i;
// Standard or URL-safe alphabet; padding optional; MIME line breaks tolerated.
const BASE64_BODY = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Turns a client's image input into bytes, rejecting malformed base64 and oversized files
 * before allocating the decoded buffer.
 */
export function readImageInput(source: ImageSource, maxBytes: number, field: string[] = ['image']): ImageBytes {
  const given = Object.entries(source).filter(([, v]) => v !== undefined && v !== null);
  if (given.length !== 1) {
    throw new UserFacingError(ErrorCode.INVALID_INPUT, 'Set exactly one image source (for now: `base64`).', field);
  }
  const bytes = decodeBase64(source.base64 as string, maxBytes, [...field, 'base64']);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
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
  if (Math.floor((compact.length * 3) / 4) > maxBytes + 2) {
    throw new UserFacingError(ErrorCode.IMAGE_TOO_LARGE, `The image is larger than the limit of ${maxBytes} bytes.`, field);
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
