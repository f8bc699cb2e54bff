import sharp, { type Sharp } from 'sharp';
import { decode as decodeBmpFile } from 'bmp-ts';
import { UserFacingError, ErrorCode } from '../errors';
import { ImageFileFormat, sniffImageFormat } from './image-format';
import type { ImageBytes } from './image-input';

/** What a client learns about its image, whatever the provider. */
export interface ImageMetadata {
  sha256: string;
  byteLength: number;
  format: ImageFileFormat;
  /** EXIF orientation tag as found in the file (1 = upright, also when absent). */
  orientation: number;
  /** Size of the upright image: EXIF orientation applied. */
  width: number;
  height: number;
}

/** Packed 8-bit RGB pixels, row-major, no padding. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** The upright picture downscaled so its longer side is at most the detection size. */
export interface DetectionPixels extends RgbImage {
  /** Client (upright image) pixels per pixel here. */
  scale: number;
}

/**
 * What decoding a file to its detection pixels takes, as plain data that can cross to a worker
 * thread: `decodeFile` there gives the pixels that `CheckedImage.pixels()` gives here.
 */
export interface EncodedImage {
  bytes: Uint8Array;
  format: ImageFileFormat;
  /** Width of the upright image (EXIF orientation applied). */
  uprightWidth: number;
  maxSide: number;
  maxPixels: number;
}

/**
 * An image whose header passed every check. Pixels are decoded on first use and shared after, so a
 * provider that can send the file as it is (MXFace, for an upright JPEG) never pays for a decode.
 */
export interface CheckedImage {
  info: ImageMetadata;
  /** The file as received. */
  bytes: Buffer;
  /** The file with its decoding settings, when sharp decodes it (not BMP, not a video frame). */
  encoded?: EncodedImage;
  pixels(): Promise<DetectionPixels>;
  /** The upright picture at full resolution (scale 1), for crops; the same decode as `pixels` when that was not downscaled. */
  upright(): Promise<DetectionPixels>;
}

export interface ImageLimits {
  maxPixels: number;
  maxSide: number;
}

const isSwapped = (orientation: number) => orientation >= 5 && orientation <= 8;

/**
 * Pixels decoded already (a video frame, a region of one) as the image the engine's calls take:
 * `label` names it in place of a file hash, `width` x `height` is its upright size. Nothing crops it
 * at full size, so the pixels given are all there is.
 */
export function decodedImage(pixels: DetectionPixels, label: string, width: number, height: number): CheckedImage {
  return {
    info: { sha256: label, byteLength: pixels.data.length, format: ImageFileFormat.PNG, orientation: 1, width, height },
    bytes: pixels.data,
    pixels: async () => pixels,
    upright: async () => pixels,
  };
}

/** Reads one image file's header and checks every limit; pixels are decoded later, on demand. */
export async function checkImage(image: ImageBytes, limits: ImageLimits): Promise<CheckedImage> {
  const format = sniffImageFormat(image.bytes);
  if (!format) {
    throw new UserFacingError(ErrorCode.UNSUPPORTED_FORMAT, 'The file is not an image in a supported format (JPEG, PNG, WebP, GIF, TIFF, AVIF or BMP).');
  }
  // A decoder per use: sharp's clone() deep-copied its options, the file's bytes included, every time.
  const isBmp = format === ImageFileFormat.BMP;
  const source = isBmp ? bmpSource(image.bytes, limits.maxPixels) : () => sharpSource(image.bytes, limits.maxPixels);
  const header = await readHeader(source(), format);
  const pixelCount = header.width * header.height;
  if (pixelCount > limits.maxPixels) {
    throw tooManyPixels(header.width, header.height, limits.maxPixels);
  }
  const { width, height } = isSwapped(header.orientation) ? { width: header.height, height: header.width } : header;
  let pixels: Promise<DetectionPixels> | undefined;
  let upright: Promise<DetectionPixels> | undefined;
  const fullSide = Math.max(width, height);
  const encoded = isBmp ? undefined : { bytes: image.bytes, format, uprightWidth: width, maxSide: limits.maxSide, maxPixels: limits.maxPixels };
  const decoded: CheckedImage = {
    info: { sha256: image.sha256, byteLength: image.bytes.length, format, orientation: header.orientation, width, height },
    bytes: image.bytes,
    encoded,
    // The same decode as the engine's worker makes of `encoded`, so per-face work sees the detection's pixels.
    pixels: () => (pixels ??= encoded ? decodeFile(encoded) : decodePixels(source(), format, width, limits.maxSide)),
    upright: () => (upright ??= fullSide <= limits.maxSide ? decoded.pixels() : decodePixels(source(), format, width, fullSide)),
  };
  return decoded;
}

/** The detection pixels of a file that sharp decodes, on whichever thread calls it; failures are UserFacingErrors. */
export function decodeFile(file: EncodedImage): Promise<DetectionPixels> {
  return decodePixels(sharpSource(file.bytes, file.maxPixels), file.format, file.uprightWidth, file.maxSide);
}

async function decodePixels(source: Sharp, format: ImageFileFormat, uprightWidth: number, maxSide: number): Promise<DetectionPixels> {
  const pixels = await source
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => {
      throw corrupt(format, error);
    });
  if (pixels.info.channels !== 3) {
    throw new UserFacingError(ErrorCode.UNSUPPORTED_FORMAT, `Images with ${pixels.info.channels} colour channels are not supported.`);
  }
  return { data: pixels.data, width: pixels.info.width, height: pixels.info.height, scale: uprightWidth / pixels.info.width };
}

function sharpSource(bytes: Uint8Array, maxPixels: number): Sharp {
  // failOn 'error': truncated and broken files fail, harmless encoder warnings do not.
  return sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', animated: false, sequentialRead: true });
}

async function readHeader(source: Sharp, format: ImageFileFormat) {
  const meta = await source.metadata().catch((error: unknown) => {
    throw corrupt(format, error);
  });
  if (!meta.width || !meta.height) {
    throw new UserFacingError(ErrorCode.CORRUPT_IMAGE, `The ${format} file has no readable size.`);
  }
  return { width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
}

// BMP: sharp has no BMP loader. The header's size is checked before the pure-JS decoder allocates.
const BMP_MAX_SIDE = 100_000;

/** The file decoded once (checked first), then a sharp pipeline on its pixels per use. */
function bmpSource(bytes: Buffer, maxPixels: number): () => Sharp {
  if (bytes.length < 26) throw corrupt(ImageFileFormat.BMP, 'header truncated');
  const width = bytes.readInt32LE(18);
  const height = Math.abs(bytes.readInt32LE(22));
  if (width <= 0 || height <= 0 || width > BMP_MAX_SIDE || height > BMP_MAX_SIDE) {
    throw corrupt(ImageFileFormat.BMP, `impossible size ${width}x${height}`);
  }
  if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
  let decoded: { data: Buffer; width: number; height: number };
  try {
    decoded = decodeBmpFile(bytes, { toRGBA: true });
  } catch (error) {
    throw corrupt(ImageFileFormat.BMP, error);
  }
  if (decoded.data.length < decoded.width * decoded.height * 4) throw corrupt(ImageFileFormat.BMP, 'pixel data truncated');
  // The decoder leaves alpha at 0 for 24-bit files; BMP alpha is unused in practice, so make it opaque.
  for (let i = 3; i < decoded.data.length; i += 4) decoded.data[i] = 255;
  const { data, width: bmpWidth, height: bmpHeight } = decoded;
  return () => sharp(data, { raw: { width: bmpWidth, height: bmpHeight, channels: 4 } });
}

function tooManyPixels(width: number, height: number, maxPixels: number): UserFacingError {
  return new UserFacingError(ErrorCode.TOO_MANY_PIXELS, `The image is ${width}x${height} (${width * height} pixels); the limit is ${maxPixels} pixels.`);
}

function corrupt(format: ImageFileFormat, cause: unknown): UserFacingError {
  if (cause instanceof UserFacingError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (/pixel limit/i.test(detail)) {
    return new UserFacingError(ErrorCode.TOO_MANY_PIXELS, 'The image has more pixels than the server accepts.');
  }
  return new UserFacingError(ErrorCode.CORRUPT_IMAGE, `The ${format} file is corrupt or truncated and cannot be decoded.`);
}
