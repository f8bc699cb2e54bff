// The refinement cascade's weights as committed: JSON (so that the build copies it beside the code)
// with each stage's 136 weight rows as 16-bit integers, a scale per row, in base64.
import { REFINER_OUTPUTS, stageColumns, type RefinerModel } from './landmark-refiner';
import fitted from './landmark-refiner.json';

/** The committed form of a stage. */
interface StoredStage {
  cell: number;
  grid: number;
  /** Float32 per row, base64. */
  scales: string;
  /** Int16 row by row, base64. */
  weights: string;
}

export interface StoredRefiner {
  trainingFaces: number;
  stages: StoredStage[];
}

const LEVELS = 32767;

let model: RefinerModel | undefined;

/** The committed cascade (tools/landmark-refiner), decoded once per thread. */
export function fittedRefiner(): RefinerModel {
  return (model ??= decodeRefiner(fitted as StoredRefiner));
}

export function encodeRefiner(model: RefinerModel, trainingFaces: number): string {
  const stages = model.stages.map(({ cell, grid, weights }): StoredStage => {
    const columns = stageColumns({ grid });
    const scales = new Float32Array(REFINER_OUTPUTS);
    const levels = new Int16Array(weights.length);
    for (let row = 0; row < REFINER_OUTPUTS; row++) {
      const values = weights.subarray(row * columns, (row + 1) * columns);
      const largest = values.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
      scales[row] = largest / LEVELS;
      values.forEach((w, j) => (levels[row * columns + j] = largest > 0 ? Math.round((w / largest) * LEVELS) : 0));
    }
    return { cell, grid, scales: base64(scales), weights: base64(levels) };
  });
  return `${JSON.stringify({ trainingFaces, stages } satisfies StoredRefiner)}\n`;
}

export function decodeRefiner(stored: StoredRefiner): RefinerModel {
  return {
    stages: stored.stages.map(({ cell, grid, scales, weights }) => {
      const columns = stageColumns({ grid });
      const scale = new Float32Array(bytes(scales).buffer);
      const levels = new Int16Array(bytes(weights).buffer);
      if (scale.length !== REFINER_OUTPUTS || levels.length !== REFINER_OUTPUTS * columns) throw new RangeError('the refiner weights do not fit their shape');
      const values = new Float32Array(levels.length);
      for (let i = 0; i < levels.length; i++) values[i] = levels[i]! * scale[Math.floor(i / columns)]!;
      return { cell, grid, weights: values };
    }),
  };
}

const base64 = (values: Float32Array | Int16Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

/** Decoded into a fresh, aligned buffer. */
function bytes(text: string): Uint8Array {
  const decoded = Buffer.from(text, 'base64');
  const copy = new Uint8Array(decoded.length);
  copy.set(decoded);
  return copy;
}
