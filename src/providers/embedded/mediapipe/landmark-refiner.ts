// The 68 points' refinement: a cascade of linear regressions on gradient-orientation histograms
// around each point (the supervised descent method, Xiong and De la Torre, CVPR 2013), trained on
// human annotations by tools/landmark-refiner. The mesh's points are a good start that never looks at
// the picture near a point; each stage looks and moves every point at once.
import { distance, type Point } from '../../../geometry/geometry';
import { fivePointsFrom68 } from '../../../geometry/landmarks';
import { applySimilarity, fitSimilarity, invertSimilarity, type Similarity } from '../../../geometry/similarity';
import type { PixelImage } from '../engine-protocol';
import { sampleCrop } from './mesh-crop';

/** Side of the face's grey crop, in crop pixels; the eye-centre distance is REFINER_UNIT of them. */
export const REFINER_SIDE = 160;
export const REFINER_UNIT = 40;
// Where the eyes' midpoint sits: the crop's centre column (so that a mirrored crop is the mirrored
// face's crop), a little above its middle row (the chin is further from the eyes than the brows).
export const REFINER_ORIGIN = { x: (REFINER_SIDE - 1) / 2, y: 56 };
/** Gradient orientations per histogram (signed, over the whole turn: a dark-to-light edge is not a light-to-dark one); orientationIntegrals spells out eight. */
export const ORIENTATION_BINS = 8;
// A point's histogram block is scaled to unit length, then no value may pass this and it is scaled
// again (SIFT's rule): one strong edge does not drown the rest.
const CLAMP = 0.2;
/** x then y of each of the 68 points. */
export const REFINER_OUTPUTS = 136;

export interface RefinerStage {
  /** Cell side in crop pixels. */
  cell: number;
  /** Cells per side of the square block around each point. */
  grid: number;
  /**
   * 136 rows (x then y of each point's move, in crop pixels) of stageColumns weights: on the point's
   * own features, on where every point is (shapeContext: a point's move can depend on the face's
   * pose), and a constant.
   */
  weights: Float32Array;
}

export interface RefinerModel {
  stages: RefinerStage[];
}

export const featuresPerPoint = (stage: Pick<RefinerStage, 'grid'>): number => stage.grid * stage.grid * ORIENTATION_BINS;
/** Weights per move: the point's features, the 136 of shapeContext, the constant. */
export const stageColumns = (stage: Pick<RefinerStage, 'grid'>): number => featuresPerPoint(stage) + REFINER_OUTPUTS + 1;

/** Crop pixel -> image pixel: the eyes' midpoint (the five points' eye centres) at REFINER_ORIGIN, the eyes level, REFINER_UNIT apart. */
export function refinerCrop(points68: readonly Point[]): Similarity {
  const { leftEye, rightEye } = fivePointsFrom68(points68);
  if (!(distance(leftEye, rightEye) > 0)) throw new RangeError('the eyes are at one place');
  const half = REFINER_UNIT / 2;
  return fitSimilarity(
    [
      { x: REFINER_ORIGIN.x - half, y: REFINER_ORIGIN.y },
      { x: REFINER_ORIGIN.x + half, y: REFINER_ORIGIN.y },
    ],
    [leftEye, rightEye],
  );
}

/** The crop's grey levels in [0, 1], REFINER_SIDE squared, row by row (into `grey` when given; `rgb` holds the colour crop on the way). */
export function greyCrop(
  image: PixelImage,
  crop: Similarity,
  grey: Float32Array = new Float32Array(REFINER_SIDE * REFINER_SIDE),
  rgb: Float32Array = new Float32Array(REFINER_SIDE * REFINER_SIDE * 3),
): Float32Array {
  sampleCrop(image, crop, REFINER_SIDE, rgb, 0);
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!;
  return grey;
}

/**
 * The summed-area tables of gradient magnitude per orientation bin, (side + 1) squared cells of
 * ORIENTATION_BINS values (a cell's bins side by side): any cell's histogram is then four reads a bin.
 * Central differences; each gradient is shared linearly between its two nearest bins. Written into
 * `tables` when given (every value is set).
 */
export function orientationIntegrals(
  grey: Float32Array,
  side: number,
  tables: Float64Array = new Float64Array((side + 1) * (side + 1) * ORIENTATION_BINS),
): Float64Array {
  // The eight bins are spelt out below (and `& 7` wraps them): this loop runs for every crop pixel.
  const stride = (side + 1) * 8;
  tables.fill(0, 0, stride);
  const row = new Float64Array(8);
  const perRadian = 8 / (2 * Math.PI);
  for (let y = 0; y < side; y++) {
    row.fill(0);
    const inside = y > 0 && y < side - 1;
    let at = (y + 1) * stride;
    tables.fill(0, at, at + 8);
    at += 8;
    for (let x = 0; x < side; x++, at += 8) {
      if (inside && x > 0 && x < side - 1) {
        const i = y * side + x;
        const gx = grey[i + 1]! - grey[i - 1]!;
        const gy = grey[i + side]! - grey[i - side]!;
        const magnitude = Math.sqrt(gx * gx + gy * gy);
        if (magnitude > 0) {
          const position = (Math.atan2(gy, gx) + Math.PI) * perRadian;
          const lower = Math.floor(position);
          const share = position - lower;
          row[lower & 7]! += magnitude * (1 - share);
          row[(lower + 1) & 7]! += magnitude * share;
        }
      }
      const above = at - stride;
      tables[at] = tables[above]! + row[0]!;
      tables[at + 1] = tables[above + 1]! + row[1]!;
      tables[at + 2] = tables[above + 2]! + row[2]!;
      tables[at + 3] = tables[above + 3]! + row[3]!;
      tables[at + 4] = tables[above + 4]! + row[4]!;
      tables[at + 5] = tables[above + 5]! + row[5]!;
      tables[at + 6] = tables[above + 6]! + row[6]!;
      tables[at + 7] = tables[above + 7]! + row[7]!;
    }
  }
  return tables;
}

/** Writes each point's block of cell histograms (grid x grid cells of `cell` pixels, centred on the point) into `out`. */
export function pointFeatures(
  tables: Float64Array,
  side: number,
  points: readonly Point[],
  stage: Pick<RefinerStage, 'cell' | 'grid'>,
  out: Float32Array,
): void {
  const bins = ORIENTATION_BINS;
  const stride = (side + 1) * bins;
  const per = featuresPerPoint(stage);
  const clampIndex = (v: number) => Math.max(0, Math.min(side, v));
  points.forEach((p, k) => {
    const offset = k * per;
    const left = Math.round(p.x - (stage.grid * stage.cell) / 2);
    const top = Math.round(p.y - (stage.grid * stage.cell) / 2);
    let f = offset;
    for (let cy = 0; cy < stage.grid; cy++) {
      const y0 = clampIndex(top + cy * stage.cell) * stride;
      const y1 = clampIndex(top + (cy + 1) * stage.cell) * stride;
      for (let cx = 0; cx < stage.grid; cx++) {
        const x0 = clampIndex(left + cx * stage.cell) * bins;
        const x1 = clampIndex(left + (cx + 1) * stage.cell) * bins;
        for (let b = 0; b < bins; b++) out[f++] = tables[y1 + x1 + b]! - tables[y0 + x1 + b]! - tables[y1 + x0 + b]! + tables[y0 + x0 + b]!;
      }
    }
    normaliseBlock(out, offset, per);
  });
}

function normaliseBlock(values: Float32Array, offset: number, length: number): void {
  const scale = () => {
    let sum = 0;
    for (let i = offset; i < offset + length; i++) sum += values[i]! * values[i]!;
    return 1 / Math.sqrt(sum + 1e-12);
  };
  const first = scale();
  for (let i = offset; i < offset + length; i++) values[i] = Math.min(CLAMP, values[i]! * first);
  const second = scale();
  for (let i = offset; i < offset + length; i++) values[i] = values[i]! * second;
}

/** One stage's move of every point (crop pixels), from the features at the points. */
export function stageStep(stage: RefinerStage, features: Float32Array, points: readonly Point[]): Point[] {
  const per = featuresPerPoint(stage);
  const context = shapeContext(points);
  const columns = stageColumns(stage);
  const { weights } = stage;
  const moves = new Float64Array(2 * points.length);
  for (let row = 0; row < moves.length; row++) {
    const base = row * columns;
    // Row 2k and 2k + 1 (point k's x and y) read point k's features.
    const own = (row >> 1) * per - base;
    let sum = weights[base + columns - 1]!;
    for (let j = base; j < base + per; j++) sum += weights[j]! * features[own + j]!;
    const rest = base + per;
    for (let j = 0; j < context.length; j++) sum += weights[rest + j]! * context[j]!;
    moves[row] = sum;
  }
  return points.map((p, k) => ({ x: p.x + moves[2 * k]!, y: p.y + moves[2 * k + 1]! }));
}

/** The points as x, y pairs in eye-distance units from the crop's eye midpoint. */
export function shapeContext(points: readonly Point[]): Float32Array {
  const context = new Float32Array(2 * points.length);
  points.forEach((p, k) => {
    context[2 * k] = (p.x - REFINER_ORIGIN.x) / REFINER_UNIT;
    context[2 * k + 1] = (p.y - REFINER_ORIGIN.y) / REFINER_UNIT;
  });
  return context;
}

/** Runs the cascade on points in crop pixels over a crop's orientation tables. */
export function refineInCrop(model: RefinerModel, tables: Float64Array, start: readonly Point[]): Point[] {
  let points = [...start];
  for (const stage of model.stages) {
    const features = new Float32Array(points.length * featuresPerPoint(stage));
    pointFeatures(tables, REFINER_SIDE, points, stage, features);
    points = stageStep(stage, features, points);
  }
  return points;
}

// One face at a time per thread (refineLandmarks runs to its end): its crops and tables reuse these
// rather than 2 MB of fresh arrays a face.
let scratch: { tables: Float64Array; grey: Float32Array; rgb: Float32Array } | undefined;

/** The 68 points (image pixel indices) moved by the cascade, looking at the image around them. */
export function refineLandmarks(model: RefinerModel, image: PixelImage, points68: readonly Point[]): Point[] {
  const crop = refinerCrop(points68);
  scratch ??= {
    tables: new Float64Array((REFINER_SIDE + 1) ** 2 * ORIENTATION_BINS),
    grey: new Float32Array(REFINER_SIDE * REFINER_SIDE),
    rgb: new Float32Array(REFINER_SIDE * REFINER_SIDE * 3),
  };
  const tables = orientationIntegrals(greyCrop(image, crop, scratch.grey, scratch.rgb), REFINER_SIDE, scratch.tables);
  const toCrop = invertSimilarity(crop);
  const refined = refineInCrop(
    model,
    tables,
    points68.map((p) => applySimilarity(toCrop, p)),
  );
  return refined.map((p) => applySimilarity(crop, p));
}
