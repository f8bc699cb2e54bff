// YuNet (libfacedetection's ONNX face detector): its input and the decoding of its outputs. Pure.
import type { Point } from '../../../geometry/geometry';
import type { PixelImage } from '../engine-protocol';
import { nonMaxSuppression } from './blazeface';
import { resizeBilinear } from './letterbox';
import { at } from '../../../checked';

export const YUNET_STRIDES = [8, 16, 32] as const;
/** Longest side YuNet sees: larger pictures are scaled down (engine-notes measured it at 640 px). */
export const YUNET_MAX_SIDE = 640;

export interface YunetInput {
  /** NCHW, BGR, 0..255, height and width padded (right and bottom, black) to multiples of 32. */
  values: Float32Array;
  width: number;
  height: number;
  /** Image pixels per input pixel, on each axis. */
  scaleX: number;
  scaleY: number;
}

export function yunetInput(image: PixelImage): YunetInput {
  const resized = resizeBilinear(image, Math.min(1, YUNET_MAX_SIDE / Math.max(image.width, image.height)));
  const width = Math.ceil(resized.width / 32) * 32;
  const height = Math.ceil(resized.height / 32) * 32;
  const values = new Float32Array(3 * width * height);
  const plane = width * height;
  for (let y = 0; y < resized.height; y++) {
    for (let x = 0; x < resized.width; x++) {
      const from = (y * resized.width + x) * 3;
      const to = y * width + x;
      values[to] = resized.values[from + 2]!;
      values[plane + to] = resized.values[from + 1]!;
      values[2 * plane + to] = resized.values[from]!;
    }
  }
  return { values, width, height, scaleX: resized.scaleX, scaleY: resized.scaleY };
}

/** One stride's outputs: per grid cell (row-major) cls, obj, bbox (4) and kps (10). */
export interface YunetLevel {
  stride: number;
  cls: ArrayLike<number>;
  obj: ArrayLike<number>;
  bbox: ArrayLike<number>;
  kps: ArrayLike<number>;
}

export interface YunetCandidate {
  /** In input pixels (continuous coordinates). */
  box: { x: number; y: number; width: number; height: number };
  /** Image-left eye, image-right eye, nose tip, image-left and image-right mouth corners. */
  keyPoints: Point[];
  score: number;
}

/** Candidates scoring at least `minScore` (sqrt(cls x obj)), after NMS at `maxOverlap` IoU. */
export function decodeYunet(levels: readonly YunetLevel[], inputWidth: number, minScore: number, maxOverlap: number): YunetCandidate[] {
  const candidates: YunetCandidate[] = [];
  for (const { stride, cls, obj, bbox, kps } of levels) {
    const columns = inputWidth / stride;
    for (let i = 0; i < cls.length; i++) {
      const score = Math.sqrt(clamp01(at(cls, i)) * clamp01(at(obj, i)));
      if (score < minScore) continue;
      const ax = (i % columns) * stride;
      const ay = Math.floor(i / columns) * stride;
      const cx = at(bbox, 4 * i) * stride + ax;
      const cy = at(bbox, 4 * i + 1) * stride + ay;
      const width = Math.exp(at(bbox, 4 * i + 2)) * stride;
      const height = Math.exp(at(bbox, 4 * i + 3)) * stride;
      const keyPoints = Array.from({ length: 5 }, (_, k) => ({ x: at(kps, 10 * i + 2 * k) * stride + ax, y: at(kps, 10 * i + 2 * k + 1) * stride + ay }));
      candidates.push({ box: { x: cx - width / 2, y: cy - height / 2, width, height }, keyPoints, score });
    }
  }
  return nonMaxSuppression(candidates, maxOverlap);
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
