// Scene cuts: a frame whose picture does not continue the one before. Compared by the pattern of light
// and dark, not by brightness: a cut between two dim shots changes little in grey levels but everything
// in pattern, while a flash or a fade changes brightness and keeps the pattern, and a pan moves it.
import type { RgbImage } from '../image/image-decoder';

const GRID = { columns: 32, rows: 18 };
/** How far the pattern may move between frames and still continue (a fast pan: a tenth of the frame). */
const MAX_SHIFT = { columns: 3, rows: 2 };
/**
 * Below this correlation a frame starts a new shot. Measured on 32x18 thumbnails (tools/stage-clip.ts,
 * walking.mp4, a pan of 40 px a frame at 640x360, a close-up moving 29 px a frame): hard cuts -0.21 to
 * -0.01, one between two dim shots of one colour; every other frame 0.90 or more, the flash and the fade included.
 */
export const SAME_SHOT = 0.5;
/** A thumbnail whose cells spread less than this (grey levels, standard deviation) has no pattern to compare: black, a white flash. */
export const MIN_DETAIL = 2;

/** A 32x18 grey thumbnail, each cell the mean of a sample of pixels in it: enough to compare frames. */
export function thumbnail(image: RgbImage): Float32Array {
  const cells = new Float32Array(GRID.columns * GRID.rows);
  const samples = 4; // per side of a cell
  for (let row = 0; row < GRID.rows; row++)
    for (let column = 0; column < GRID.columns; column++) {
      let sum = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const x = Math.min(image.width - 1, Math.floor(((column + (sx + 0.5) / samples) * image.width) / GRID.columns));
          const y = Math.min(image.height - 1, Math.floor(((row + (sy + 0.5) / samples) * image.height) / GRID.rows));
          const i = 3 * (y * image.width + x);
          sum += 0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!;
        }
      cells[row * GRID.columns + column] = sum / (samples * samples);
    }
  return cells;
}

/** The standard deviation of a thumbnail's cells (grey levels). */
export function detail(thumb: Float32Array): number {
  const mean = thumb.reduce((sum, v) => sum + v, 0) / thumb.length;
  return Math.sqrt(thumb.reduce((sum, v) => sum + (v - mean) ** 2, 0) / thumb.length);
}

/**
 * How well `next` continues `previous`: the best correlation of their patterns (brightness and contrast
 * set aside) over the shifts a pan makes between frames, -1..1.
 */
export function continuity(previous: Float32Array, next: Float32Array): number {
  let best = -1;
  for (let dy = -MAX_SHIFT.rows; dy <= MAX_SHIFT.rows; dy++)
    for (let dx = -MAX_SHIFT.columns; dx <= MAX_SHIFT.columns; dx++) best = Math.max(best, shiftedCorrelation(previous, next, dx, dy));
  return best;
}

/** The correlation of the cells where `next`, moved by (dx, dy) cells, overlaps `previous`. */
function shiftedCorrelation(previous: Float32Array, next: Float32Array, dx: number, dy: number): number {
  let [n, sumA, sumB, sumAA, sumBB, sumAB] = [0, 0, 0, 0, 0, 0];
  for (let row = Math.max(0, dy); row < Math.min(GRID.rows, GRID.rows + dy); row++)
    for (let column = Math.max(0, dx); column < Math.min(GRID.columns, GRID.columns + dx); column++) {
      const a = previous[(row - dy) * GRID.columns + column - dx]!;
      const b = next[row * GRID.columns + column]!;
      n++;
      sumA += a;
      sumB += b;
      sumAA += a * a;
      sumBB += b * b;
      sumAB += a * b;
    }
  const varianceA = sumAA / n - (sumA / n) ** 2;
  const varianceB = sumBB / n - (sumB / n) ** 2;
  if (varianceA <= 0 || varianceB <= 0) return 0;
  return (sumAB / n - (sumA / n) * (sumB / n)) / Math.sqrt(varianceA * varianceB);
}

/**
 * Finds the cuts in a clip's frames, given in order. A frame without detail (black between shots, the
 * white of a flash) starts no shot and is not compared with: the next frame with detail is compared
 * with the last one before it, so a fade out and back in on the same shot is no cut, and a fade
 * through black to another shot is one.
 */
export class SceneCuts {
  private last?: Float32Array;

  /** Whether this frame starts a new shot. */
  next(thumb: Float32Array): boolean {
    if (detail(thumb) < MIN_DETAIL) return false;
    const cut = this.last !== undefined && continuity(this.last, thumb) < SAME_SHOT;
    this.last = thumb;
    return cut;
  }
}
