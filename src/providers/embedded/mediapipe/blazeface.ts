// BlazeFace (MediaPipe's short-range back-camera face detector) output decoding. Pure: no tfjs.
import { iou, type Box, type Point } from '../../../geometry/geometry';
import { at } from '../../../checked';

/** The detector's square input side. */
export const BLAZEFACE_INPUT = 256;
// Anchor layout of the 256 px model: stride 16 with 2 anchors per cell, then stride 32 with 6.
const ANCHOR_LAYERS = [
  { stride: 16, perCell: 2 },
  { stride: 32, perCell: 6 },
];
/** Values per anchor in the regression output: box (cx, cy, w, h) then six key points (x, y). */
export const BLAZEFACE_ROW = 16;
const KEY_POINTS = 6;

/** A candidate face in input pixels (continuous coordinates of the 256 px square). */
export interface BlazefaceCandidate {
  box: Box;
  /** Subject's right eye (image-left on a frontal face), left eye, nose, mouth, right ear, left ear. */
  keyPoints: Point[];
  score: number;
}

/** Anchor centres in input pixels, in the order the model's rows come (stride 16 first). */
export function blazefaceAnchors(): Point[] {
  const anchors: Point[] = [];
  for (const { stride, perCell } of ANCHOR_LAYERS) {
    const cells = BLAZEFACE_INPUT / stride;
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let n = 0; n < perCell; n++) anchors.push({ x: (x + 0.5) * stride, y: (y + 0.5) * stride });
      }
    }
  }
  return anchors;
}

const ANCHORS = blazefaceAnchors();
export const BLAZEFACE_ANCHOR_COUNT = ANCHORS.length;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Candidates scoring at least `minScore`, after non-maximum suppression at `maxOverlap` IoU.
 * `logits` has one value per anchor, `rows` BLAZEFACE_ROW values per anchor, both in anchor order.
 */
export function decodeBlazeface(logits: ArrayLike<number>, rows: ArrayLike<number>, minScore: number, maxOverlap: number): BlazefaceCandidate[] {
  if (logits.length !== ANCHORS.length || rows.length !== ANCHORS.length * BLAZEFACE_ROW) {
    throw new Error(`blazeface output has ${logits.length} scores and ${rows.length} values; expected ${ANCHORS.length} and ${ANCHORS.length * BLAZEFACE_ROW}`);
  }
  const candidates: BlazefaceCandidate[] = [];
  ANCHORS.forEach((anchor, i) => {
    const score = sigmoid(at(logits, i));
    if (score < minScore) return;
    const r = i * BLAZEFACE_ROW;
    const cx = at(rows, r) + anchor.x;
    const cy = at(rows, r + 1) + anchor.y;
    const width = at(rows, r + 2);
    const height = at(rows, r + 3);
    if (!(width > 0 && height > 0)) return;
    const keyPoints = Array.from({ length: KEY_POINTS }, (_, k) => ({ x: at(rows, r + 4 + 2 * k) + anchor.x, y: at(rows, r + 5 + 2 * k) + anchor.y }));
    candidates.push({ box: { x: cx - width / 2, y: cy - height / 2, width, height }, keyPoints, score });
  });
  return nonMaxSuppression(candidates, maxOverlap);
}

/** Greedy NMS: best score first, dropping anything overlapping a kept candidate by more than `maxOverlap`. */
export function nonMaxSuppression<T extends { box: Box; score: number }>(candidates: readonly T[], maxOverlap: number): T[] {
  const kept: T[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k.box, c.box) <= maxOverlap)) kept.push(c);
  }
  return kept;
}
