// Fits the 68 points' refinement cascade (src/providers/embedded/mediapipe/landmark-refiner.ts) on
// 300-W's human annotations, and only these (never AFW, IBUG, a test set or the private set):
//   npm run fit:refiner -- <helen/trainset folder> <lfpw/trainset folder>
// helen/trainset of Spinkoo/Face-alignement at e08a16aa91ad771df34e75f70bc5aaf20238ff6a (870 faces,
// helen-dev's 80 left out here) and data/lfpw/trainset of tntrung/sdm_face_alignment at
// 01d6247218c6634f9280862d1be4db8e6fb22881 (811 faces). Each face's starting points are the engine's
// own (the mesh and its 68-point regression, on the pictures the engine sees), so every stage learns
// the errors it will meet. Deterministic: a seeded generator, a fixed order, one thread.
import { DEFAULT_MIN_FACE_SIZE } from '../../src/detection/detection-options';
import fs from 'node:fs';
import path from 'node:path';
import { iou, boundingBox, scalePixelPoint, type Point } from '../../src/geometry/geometry';
import { applySimilarity, invertSimilarity } from '../../src/geometry/similarity';
import { landmarkErrors } from '../../src/geometry/landmark-error';
import { checkImage } from '../../src/image/image-decoder';
import { MediapipeEngine } from '../../src/providers/embedded/mediapipe/mediapipe-engine';
import { useWasmBackend } from '../../src/providers/embedded/tf-runtime';
import {
  REFINER_ORIGIN,
  REFINER_SIDE,
  featuresPerPoint,
  stageColumns,
  greyCrop,
  orientationIntegrals,
  pointFeatures,
  refinerCrop,
  shapeContext,
  stageStep,
  type RefinerStage,
} from '../../src/providers/embedded/mediapipe/landmark-refiner';
import { encodeRefiner } from '../../src/providers/embedded/mediapipe/refiner-weights';
import { annotatedFaces, helenDevNames, readPts } from '../annotations';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

const LIMITS = { maxPixels: 40_000_000, maxSide: 1280 };
const OUTPUT = path.resolve(__dirname, '..', '..', '..', 'src', 'providers', 'embedded', 'mediapipe', 'landmark-refiner.json');
// REFINER_CACHE=<folder>: the engine's starts and crops kept there between runs (for trying settings).
const CACHE = process.env.REFINER_CACHE;
interface StageShape {
  cell: number;
  grid: number;
}
// Cell side per stage (5 x 5 cells around each point), coarse to fine. Chosen on helen-dev over what
// earlier versions of this tool tried, each worse there: one regression over every point's histograms
// (it learnt the training faces), each point without where the others are, 10 px cells first, a fifth
// stage. The run prints each stage's figures on helen-dev, helen-small and the held-out tenth.
const STAGES: StageShape[] = [8, 6, 4, 3].map((cell) => ({ cell, grid: 5 }));
// One perturbed copy of each start besides it; three did no better after two stages.
const PERTURBED_COPIES = 1;
// Training faces in FOLDS parts for cross-fitting; the ridge penalty per training row, chosen per stage on fold 0 held out.
const FOLDS = 10;
const PENALTIES = [0.0001, 0.0003, 0.001, 0.003];

/** The iBUG point each point becomes in the mirror image. */
export const IBUG68_MIRROR: readonly number[] = [
  16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 27, 28, 29, 30, 35, 34, 33, 32, 31, 45, 44, 43, 42, 47, 46,
  39, 38, 37, 36, 41, 40, 54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65,
];

/** A face as the refinement sees it: its grey crop, and its start and truth in crop pixels. */
interface Sample {
  grey: Float32Array;
  start: Point[];
  truth: Point[];
}

interface Annotated {
  name: string;
  file: string;
  truth: Point[];
}

function trainingFaces(helen: string, lfpw: string): Annotated[] {
  const judged = helenDevNames();
  const folder = (dir: string, extension: string, prefix: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.pts'))
      .map((f) => path.basename(f, '.pts'))
      .filter((name) => !judged.has(name))
      // A copy of a repository may lack a picture (git mirrors leave out their largest files).
      .filter((name) => fs.existsSync(path.join(dir, `${name}${extension}`)))
      .sort()
      .map((name) => ({ name: `${prefix}/${name}`, file: path.join(dir, `${name}${extension}`), truth: readPts(path.join(dir, `${name}.pts`)) }));
  return [...folder(helen, '.jpg', 'helen'), ...folder(lfpw, '.png', 'lfpw')];
}

const judgedFaces = (set: string): Annotated[] => annotatedFaces([set], () => true).map(({ name, file, points68 }) => ({ name, file, truth: points68 }));

/** The engine's points for each annotated face, as samples (faces the engine misses are left out). */
async function collect(engine: MediapipeEngine, faces: Annotated[], label: string): Promise<Sample[]> {
  const cacheFile = CACHE && path.join(CACHE, `${label}.json`);
  if (cacheFile && fs.existsSync(cacheFile)) return readSamples(cacheFile);
  const samples: Sample[] = [];
  for (const face of faces) {
    if (face.truth.length !== 68) throw new Error(`${face.name} has ${face.truth.length} points`);
    const checked = await checkImage({ bytes: fs.readFileSync(face.file), sha256: face.name }, LIMITS);
    const pixels = await checked.pixels();
    const image = { data: new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength), width: pixels.width, height: pixels.height };
    const [found] = await engine.detect([{ ...image, scale: pixels.scale, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE }]);
    const truth = face.truth.map((p) => scalePixelPoint(p, 1 / pixels.scale));
    const box = boundingBox(truth);
    const match = found!.filter((f) => iou(f.box, box) >= 0.3).sort((a, b) => iou(b.box, box) - iou(a.box, box))[0];
    if (!match) continue;
    const crop = refinerCrop(match.points68);
    const toCrop = invertSimilarity(crop);
    samples.push({
      grey: greyCrop(image, crop),
      start: match.points68.map((p) => applySimilarity(toCrop, p)),
      truth: truth.map((p) => applySimilarity(toCrop, p)),
    });
  }
  console.log(`${label}: ${faces.length} faces, ${samples.length} found`);
  if (cacheFile) writeSamples(cacheFile, samples);
  return samples;
}

function writeSamples(file: string, samples: Sample[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const grey = Buffer.concat(samples.map((s) => Buffer.from(s.grey.buffer, s.grey.byteOffset, s.grey.byteLength)));
  fs.writeFileSync(`${file}.grey`, grey);
  fs.writeFileSync(file, JSON.stringify(samples.map(({ start, truth }) => ({ start, truth }))));
}

function readSamples(file: string): Sample[] {
  const shapes = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ start: Point[]; truth: Point[] }>;
  const grey = fs.readFileSync(`${file}.grey`);
  const plane = REFINER_SIDE * REFINER_SIDE;
  return shapes.map((shape, i) => ({
    ...shape,
    grey: new Float32Array(grey.buffer.slice(grey.byteOffset + i * plane * 4, grey.byteOffset + (i + 1) * plane * 4)),
  }));
}

function mirrored(sample: Sample): Sample {
  const side = REFINER_SIDE;
  const grey = new Float32Array(sample.grey.length);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) grey[y * side + x] = sample.grey[y * side + side - 1 - x]!;
  const flip = (points: Point[]) => IBUG68_MIRROR.map((k) => ({ x: side - 1 - points[k]!.x, y: points[k]!.y }));
  return { grey, start: flip(sample.start), truth: flip(sample.truth) };
}

/** mulberry32: the same perturbations on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A start moved by a small similarity about the crop's eye midpoint (up to 2.5 %, 2 degrees, 1 px): starts the engine could have given. */
function perturbed(points: Point[], random: () => number): Point[] {
  const spread = (r: number) => (2 * random() - 1) * r;
  const scale = 1 + spread(0.025);
  const angle = spread((2 * Math.PI) / 180);
  const shift = { x: spread(1), y: spread(1) };
  const c = REFINER_ORIGIN;
  return points.map((p) => {
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    return {
      x: c.x + scale * (dx * Math.cos(angle) - dy * Math.sin(angle)) + shift.x,
      y: c.y + scale * (dx * Math.sin(angle) + dy * Math.cos(angle)) + shift.y,
    };
  });
}

interface Row {
  tables: Float64Array;
  points: Point[];
  truth: Point[];
  /** Which tenth of the training faces the row's face is in (cross-fitting). */
  fold: number;
}

function featuresOf(row: Row, stage: StageShape): Float32Array {
  const features = new Float32Array(68 * featuresPerPoint(stage));
  pointFeatures(row.tables, REFINER_SIDE, row.points, stage, features);
  return features;
}

/** Sums of x x' and x y' over rows (x = features and a 1), upper triangle of the first. */
function normalEquations(rows: Array<{ x: Float32Array; y: Float64Array }>, columns: number, outputs: number): { gram: Float64Array; cross: Float64Array } {
  const gram = new Float64Array(columns * columns);
  const cross = new Float64Array(columns * outputs);
  const x = new Float64Array(columns);
  for (const row of rows) {
    x.set(row.x);
    x[columns - 1] = 1;
    for (let i = 0; i < columns; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const base = i * columns;
      for (let j = i; j < columns; j++) gram[base + j]! += xi * x[j]!;
      const crossBase = i * outputs;
      for (let k = 0; k < outputs; k++) cross[crossBase + k]! += xi * row.y[k]!;
    }
  }
  return { gram, cross };
}

/** Solves (gram + penalty I') W = cross (ml-matrix's Cholesky), the constant unpenalised; W as `outputs` rows of `columns`. */
function solveRidge(gram: Float64Array, cross: Float64Array, columns: number, outputs: number, penalty: number): Float64Array {
  const matrix = new Matrix(columns, columns);
  for (let i = 0; i < columns; i++) {
    for (let j = i; j < columns; j++) {
      matrix.set(i, j, gram[i * columns + j]!);
      matrix.set(j, i, gram[i * columns + j]!);
    }
    if (i < columns - 1) matrix.set(i, i, matrix.get(i, i) + penalty);
  }
  const cholesky = new CholeskyDecomposition(matrix);
  if (!cholesky.isPositiveDefinite()) throw new Error('the normal equations are singular: too few training faces');
  const solved = cholesky.solve(new Matrix(Array.from({ length: columns }, (_, i) => Array.from(cross.subarray(i * outputs, (i + 1) * outputs)))));
  return Float64Array.from({ length: outputs * columns }, (_, k) => solved.get(k % columns, Math.floor(k / columns)));
}

function residual(points: Point[], truth: Point[]): Float64Array {
  const y = new Float64Array(136);
  points.forEach((p, k) => {
    y[2 * k] = truth[k]!.x - p.x;
    y[2 * k + 1] = truth[k]!.y - p.y;
  });
  return y;
}

const meanErrors = (rows: Array<{ points: Point[]; truth: Point[] }>) => {
  const errors = rows.map((r) => landmarkErrors(r.truth, r.points));
  const mean = (pick: (e: (typeof errors)[number]) => number) => errors.reduce((a, e) => a + pick(e), 0) / errors.length;
  return `${mean((e) => e.all68).toFixed(2)} / ${mean((e) => e.inner51).toFixed(2)} / ${mean((e) => e.five).toFixed(2)} %`;
};

/** The stage's regressions: one per point, over its own features and where every point is, to its move. */
function problemsOf(shape: StageShape): Array<{ columns: number; outputs: number[]; pick: (x: Float32Array, context: Float32Array) => Float32Array }> {
  const per = featuresPerPoint(shape);
  return Array.from({ length: 68 }, (_, k) => ({
    columns: stageColumns(shape),
    outputs: [2 * k, 2 * k + 1],
    pick: (x: Float32Array, context: Float32Array) => {
      const joined = new Float32Array(per + context.length);
      joined.set(x.subarray(k * per, (k + 1) * per));
      joined.set(context, per);
      return joined;
    },
  }));
}

function stageOf(shape: StageShape, solved: Float64Array[]): RefinerStage {
  const columns = stageColumns(shape);
  const weights = new Float32Array(136 * columns);
  solved.forEach((point, k) => weights.set(point, 2 * k * columns));
  return { cell: shape.cell, grid: shape.grid, weights };
}

type Sums = Array<{ gram: Float64Array; cross: Float64Array }>;

const combined = (parts: Sums[], sign: (k: number) => number): Sums =>
  parts[0]!.map((_, p) => ({
    gram: parts[0]![p]!.gram.map((_, i) => parts.reduce((sum, part, k) => sum + sign(k) * part[p]!.gram[i]!, 0)),
    cross: parts[0]![p]!.cross.map((_, i) => parts.reduce((sum, part, k) => sum + sign(k) * part[p]!.cross[i]!, 0)),
  }));

/**
 * One stage, fitted on every row. The penalty is the one that does best on fold 0 fitted on the
 * others; then every fold's rows move by the stage fitted without them (cross-fitting), so that the
 * next stage learns from the errors it will meet on faces it has not seen, not from the smaller ones
 * of faces this stage was fitted on.
 */
function fitStage(rows: Row[], shape: StageShape): RefinerStage {
  const examples = rows.map((row) => ({ x: featuresOf(row, shape), context: shapeContext(row.points), y: residual(row.points, row.truth) }));
  const problems = problemsOf(shape);
  const byFold = Array.from({ length: FOLDS }, (_, f) => examples.filter((_, i) => rows[i]!.fold === f));
  const foldSums: Sums[] = byFold.map((subset) =>
    problems.map(({ columns, outputs, pick }) =>
      normalEquations(
        subset.map((e) => ({ x: pick(e.x, e.context), y: Float64Array.from(outputs, (k) => e.y[k]!) })),
        columns,
        outputs.length,
      ),
    ),
  );
  const solve = (sums: Sums, penalty: number) =>
    stageOf(
      shape,
      problems.map(({ columns, outputs }, p) => solveRidge(sums[p]!.gram, sums[p]!.cross, columns, outputs.length, penalty)),
    );
  const without = (fold: number) => combined(foldSums, (k) => (k === fold ? 0 : 1));
  const rowsOf = (fold: number) => rows.flatMap((row, i) => (row.fold === fold ? [{ row, x: examples[i]!.x }] : []));
  const moved = (stage: RefinerStage, fold: number) => rowsOf(fold).map(({ row, x }) => ({ points: stageStep(stage, x, row.points), truth: row.truth }));
  const trainedOn = (fold: number) => examples.length - byFold[fold]!.length;
  let best = { penalty: 0, error: Infinity };
  const firstFold = without(0);
  for (const perRow of PENALTIES) {
    const after = moved(solve(firstFold, perRow * trainedOn(0)), 0);
    const error = after.reduce((a, r) => a + landmarkErrors(r.truth, r.points).all68, 0) / after.length;
    console.log(`  ${shape.cell}x${shape.grid} penalty ${perRow}: held-out ${meanErrors(rowsOf(0).map(({ row }) => row))} -> ${meanErrors(after)}`);
    if (error < best.error) best = { penalty: perRow, error };
  }
  for (let fold = 0; fold < FOLDS; fold++) {
    const stage = solve(without(fold), best.penalty * trainedOn(fold));
    for (const { row, x } of rowsOf(fold)) row.points = stageStep(stage, x, row.points);
  }
  return solve(
    combined(foldSums, () => 1),
    best.penalty * examples.length,
  );
}

async function main(): Promise<void> {
  const [helen, lfpw] = process.argv.slice(2);
  if (!helen || !lfpw) throw new Error('usage: npm run fit:refiner -- <helen/trainset folder> <lfpw/trainset folder>');
  await useWasmBackend();
  // The starts are the mesh's points as the cascade will meet them: unrefined.
  const engine = await MediapipeEngine.load({ name: 'blazeface' }, 'onnx', true, false);
  const training = await collect(engine, trainingFaces(helen, lfpw), 'training');
  const judges = {
    'helen-dev': await collect(engine, judgedFaces('helen-dev'), 'helen-dev'),
    'helen-small': await collect(engine, judgedFaces('helen-small'), 'helen-small'),
  };
  const random = generator(68);
  const rows: Row[] = [];
  training.forEach((sample, i) => {
    for (const view of [sample, mirrored(sample)]) {
      const tables = orientationIntegrals(view.grey, REFINER_SIDE);
      const fold = i % FOLDS;
      rows.push({ tables, points: view.start, truth: view.truth, fold });
      for (let c = 0; c < PERTURBED_COPIES; c++) rows.push({ tables, points: perturbed(view.start, random), truth: view.truth, fold });
    }
  });
  const judged = Object.entries(judges).map(([name, samples]) => ({
    name,
    rows: samples.map((s) => ({ tables: orientationIntegrals(s.grey, REFINER_SIDE), points: s.start, truth: s.truth, fold: -1 })),
  }));
  for (const { name, rows: r } of judged) console.log(`${name} start: ${meanErrors(r)} (68 / 51 / 5-pt NME)`);
  const stages: RefinerStage[] = [];
  for (const shape of STAGES) {
    const stage = fitStage(rows, shape);
    stages.push(stage);
    for (const { name, rows: r } of judged) {
      r.forEach((row) => (row.points = stageStep(stage, featuresOf(row, shape), row.points)));
      console.log(`${name} after stage ${stages.length}: ${meanErrors(r)}`);
    }
  }
  fs.writeFileSync(OUTPUT, encodeRefiner({ stages }, training.length));
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)} (${fs.statSync(OUTPUT).size} bytes)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
