import sharp, { type Sharp } from 'sharp';
import { boundingBox, clipBox, distance, scalePixelPoint, type Box, type Point } from '../geometry/geometry';
import { ARCFACE_TEMPLATE_112, fitSimilarity, invertSimilarity, squareFootprint, type Similarity } from '../geometry/similarity';
import { IBUG68_RANGES, ibug68Range } from '../geometry/ibug68';
import type { FivePoints } from '../geometry/landmarks';
import type { CheckedImage, DetectionPixels, RgbImage } from '../image/image-decoder';
import { at } from '../checked';

/** The parts of a face that can be cropped. Left and right are the image's. */
export enum FacePart {
  EYES = 'EYES',
  LEFT_EYE = 'LEFT_EYE',
  RIGHT_EYE = 'RIGHT_EYE',
  NOSE = 'NOSE',
  MOUTH = 'MOUTH',
  FACE = 'FACE',
}

/** Encodings the service writes crops in. */
export enum CropFormat {
  JPEG = 'JPEG',
  PNG = 'PNG',
  WEBP = 'WEBP',
}

export interface ImageCropData {
  dataUrl: string;
  width: number;
  height: number;
  /** What the crop covers in the upright image (integer pixels, inside the image). */
  rectangle: Box;
}

// Each side of a part's box grows by this share of its longer side.
const PART_PADDING = 0.35;
const FACE_PADDING = 0.1;

// The 68-point range each part spans.
const PART_RANGES: Record<Exclude<FacePart, FacePart.FACE>, readonly [number, number]> = {
  [FacePart.EYES]: IBUG68_RANGES.eyes,
  [FacePart.LEFT_EYE]: IBUG68_RANGES.leftEye,
  [FacePart.RIGHT_EYE]: IBUG68_RANGES.rightEye,
  [FacePart.NOSE]: IBUG68_RANGES.nose,
  [FacePart.MOUTH]: IBUG68_RANGES.mouth,
};

/**
 * The box a part crop covers, padded, before clipping to the image: from the 68 points when there
 * are some, else from the five (eye and nose boxes sized from the eye distance). Undefined when the
 * points needed are missing (an MXFace face without mouth corners has no MOUTH).
 */
export function partBox(part: FacePart, face: { rectangle: Box; fivePoints: FivePoints }, points68: Point[] | null): Box | undefined {
  if (part === FacePart.FACE) return pad(face.rectangle, FACE_PADDING);
  if (points68?.length === 68) {
    return pad(boundingBox(ibug68Range(points68, PART_RANGES[part])), PART_PADDING);
  }
  const f = face.fivePoints;
  const unit = distance(f.leftEye, f.rightEye);
  const around = (p: Point, side: number): Box => ({ x: p.x - side / 2, y: p.y - side / 2, width: side, height: side });
  switch (part) {
    case FacePart.LEFT_EYE:
      return around(f.leftEye, unit * 0.6);
    case FacePart.RIGHT_EYE:
      return around(f.rightEye, unit * 0.6);
    case FacePart.EYES:
      return pad(boundingBox([f.leftEye, f.rightEye]), PART_PADDING);
    case FacePart.NOSE:
      return around(f.noseTip, unit * 0.7);
    case FacePart.MOUTH:
      return f.mouthLeft && f.mouthRight ? pad(boundingBox([f.mouthLeft, f.mouthRight]), PART_PADDING) : undefined;
  }
}

/** Cuts `box` out of the upright image and scales it to `size` on its longer side. */
export async function cropImage(image: DetectionPixels, box: Box, size: number, format: CropFormat): Promise<ImageCropData | undefined> {
  const clipped = clipBox(box, image.width, image.height);
  if (!clipped) return undefined;
  const left = Math.floor(clipped.x);
  const top = Math.floor(clipped.y);
  const rectangle = {
    x: left,
    y: top,
    width: Math.max(1, Math.min(image.width - left, Math.round(clipped.x + clipped.width) - left)),
    height: Math.max(1, Math.min(image.height - top, Math.round(clipped.y + clipped.height) - top)),
  };
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width: rectangle.width, height: rectangle.height })
    .resize({ width: size, height: size, fit: 'inside' });
  const { data, info } = await encode(pipeline, format);
  return { dataUrl: dataUrl(data, format), width: info.width, height: info.height, rectangle };
}

/** An encoded square image (a stored thumbnail) scaled to `size` and encoded in `format`. */
export async function scaleSquare(encoded: Buffer, size: number, format: CropFormat, rectangle: Box): Promise<ImageCropData> {
  const { data } = await encode(sharp(encoded).resize(size, size), format);
  return { dataUrl: dataUrl(data, format), width: size, height: size, rectangle };
}

/** A warped square, or null when no engine can warp. */
export type Warp = (image: CheckedImage, toImage: Similarity, size: number) => Promise<RgbImage | null>;

/**
 * The face warped by the similarity that best maps its five points onto the ArcFace 112x112
 * template (scaled to `size`); without mouth corners, eyes and nose only. `toChip` maps upright
 * image points into the chip.
 */
export async function alignFace(
  face: { image: CheckedImage; fivePoints: FivePoints },
  size: number,
  format: CropFormat,
  warp: Warp,
): Promise<(ImageCropData & { toChip: Similarity }) | null> {
  const toChip = chipTransform(face.fivePoints, size);
  const toImage = invertSimilarity(toChip);
  const rgb = await warp(face.image, toImage, size);
  if (!rgb) return null;
  const covered = clipBox(squareFootprint(toImage, size), face.image.info.width, face.image.info.height) ?? { x: 0, y: 0, width: 0, height: 0 };
  return { ...(await encodePixels(rgb, format)), rectangle: covered, toChip };
}

/** Packed RGB pixels encoded in `format`, as a data URL. */
export async function encodePixels(rgb: RgbImage, format: CropFormat): Promise<{ dataUrl: string; width: number; height: number }> {
  const { data } = await encode(sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } }), format);
  return { dataUrl: dataUrl(data, format), width: rgb.width, height: rgb.height };
}

/** The side of the chip `Face.descriptor` (and a video person's portraits) are computed on. */
export const DESCRIPTOR_CHIP = 150;

/** The similarity taking upright-image points to the ArcFace template scaled to a `size` chip. */
export function chipTransform(points: FivePoints, size: number): Similarity {
  const keys = ['leftEye', 'rightEye', 'noseTip', 'mouthLeft', 'mouthRight'] as const;
  const pairs = keys.flatMap((key, i) => {
    const p = points[key];
    return p ? [{ from: p, to: scalePixelPoint(at(ARCFACE_TEMPLATE_112, i), size / 112) }] : [];
  });
  return fitSimilarity(
    pairs.map((p) => p.from),
    pairs.map((p) => p.to),
  );
}

function encode(pipeline: Sharp, format: CropFormat) {
  const encoded = format === CropFormat.PNG ? pipeline.png() : format === CropFormat.WEBP ? pipeline.webp({ quality: 90 }) : pipeline.jpeg({ quality: 90 });
  return encoded.toBuffer({ resolveWithObject: true });
}

const dataUrl = (data: Buffer, format: CropFormat) => `data:image/${format.toLowerCase()};base64,${data.toString('base64')}`;

function pad(b: Box, share: number): Box {
  const margin = Math.max(b.width, b.height) * share;
  return { x: b.x - margin, y: b.y - margin, width: b.width + 2 * margin, height: b.height + 2 * margin };
}
