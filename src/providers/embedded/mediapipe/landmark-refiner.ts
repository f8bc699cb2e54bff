// The 68 points' refinement: a cascade of linear regressions on gradient-orientation histograms
// around each point (the supervised descent method, Xiong and De la Torre, CVPR 2013), trained on
// human annotations by tools/landmark-refiner. The mesh's points are a good start that never looks at
// the picture near a point; each stage looks and moves every point at once.
import { distance, type Point } from '../../../geometry/geometry';
import { fivePointsFrom68 } from '../../../geometry/landmarks';
import { applySimilarity, fitSimilarity, invertSimilarity, type Similarity } from '../../../geometry/similarity';
import type { PixelImage } from '../engine-protocol';
import { sampleGreyCrop } from './mesh-crop';

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

/** The crop's grey levels in [0, 1], REFINER_SIDE squared, row by row (into `grey` when given). */
export function greyCrop(image: PixelImage, crop: Similarity, grey: Float32Array = new Float32Array(REFINER_SIDE * REFINER_SIDE)): Float32Array {
  sampleGreyCrop(image, crop, REFINER_SIDE, grey);
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
          const position = (gradientAngle(gx, gy) + Math.PI) * perRadian;
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

/**
 * Math.atan2(gy, gx) to within 1e-7 rad, cheaper than it in the tables' loop (one call a crop pixel):
 * atan on [0, 1] as Abramowitz and Stegun's 4.4.49 polynomial, then the octant.
 */
export function gradientAngle(gx: number, gy: number): number {
  const ax = Math.abs(gx);
  const ay = Math.abs(gy);
  const t = ax >= ay ? ay / ax : ax / ay;
  const s = t * t;
  let series = 0;
  for (let i = ATAN_SERIES.length - 1; i >= 0; i--) series = series * s + ATAN_SERIES[i]!;
  let angle = t * (1 + s * series);
  if (ay > ax) angle = Math.PI / 2 - angle;
  if (gx < 0) angle = Math.PI - angle;
  return gy < 0 ? -angle : angle;
}
// atan(t) = t (1 + s (c0 + c1 s + ... + c7 s^7)), s = t^2, 0 <= t <= 1: error under 2e-8 rad.
const ATAN_SERIES = [-0.3333314528, 0.1999355085, -0.1420889944, 0.1065626393, -0.07528964, 0.0429096138, -0.0161657367, 0.0028662257];

/** Writes each point's block of cell histograms (grid x grid cells of `cell` pixels, centred on the point) into `out`. */
export function pointFeatures(
  tables: Float64Array,
  side: number,
  points: readonly Point[],
  stage: Pick<RefinerStage, 'cell' | 'grid'>,
  out: Float32Array,
): void {
  const { cell, grid } = stage;
  const stride = (side + 1) * ORIENTATION_BINS;
  const per = featuresPerPoint(stage);
  // The cells' edges, as offsets into the tables (clamped to the crop): grid + 1 rows and columns.
  const rows = new Int32Array(grid + 1);
  const columns = new Int32Array(grid + 1);
  for (let k = 0; k < points.length; k++) {
    const p = points[k]!;
    const left = Math.round(p.x - (grid * cell) / 2);
    const top = Math.round(p.y - (grid * cell) / 2);
    for (let e = 0; e <= grid; e++) {
      rows[e] = Math.max(0, Math.min(side, top + e * cell)) * stride;
      columns[e] = Math.max(0, Math.min(side, left + e * cell)) * ORIENTATION_BINS;
    }
    let f = k * per;
    for (let cy = 0; cy < grid; cy++) {
      const y0 = rows[cy]!;
      const y1 = rows[cy + 1]!;
      for (let cx = 0; cx < grid; cx++) {
        const x0 = columns[cx]!;
        const x1 = columns[cx + 1]!;
        for (let b = 0; b < ORIENTATION_BINS; b++) out[f++] = tables[y1 + x1 + b]! - tables[y0 + x1 + b]! - tables[y1 + x0 + b]! + tables[y0 + x0 + b]!;
      }
    }
    normaliseBlock(out, k * per, per);
  }
}

function normaliseBlock(values: Float32Array, offset: number, length: number): void {
  const first = 1 / Math.sqrt(sumOfSquares(values, offset, length) + 1e-12);
  for (let i = offset; i < offset + length; i++) values[i] = Math.min(CLAMP, values[i]! * first);
  const second = 1 / Math.sqrt(sumOfSquares(values, offset, length) + 1e-12);
  for (let i = offset; i < offset + length; i++) values[i] = values[i]! * second;
}

function sumOfSquares(values: Float32Array, offset: number, length: number): number {
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += values[i]! * values[i]!;
  return sum;
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
let scratch: { tables: Float64Array; grey: Float32Array } | undefined;

/** The 68 points (image pixel indices) moved by the cascade, looking at the image around them. */
export function refineLandmarks(model: RefinerModel, image: PixelImage, points68: readonly Point[]): Point[] {
  const crop = refinerCrop(points68);
  scratch ??= {
    tables: new Float64Array((REFINER_SIDE + 1) ** 2 * ORIENTATION_BINS),
    grey: new Float32Array(REFINER_SIDE * REFINER_SIDE),
  };
  const tables = orientationIntegrals(greyCrop(image, crop, scratch.grey), REFINER_SIDE, scratch.tables);
  const toCrop = invertSimilarity(crop);
  const refined = refineInCrop(
    model,
    tables,
    points68.map((p) => applySimilarity(toCrop, p)),
  );
  return refined.map((p) => applySimilarity(crop, p));
}
