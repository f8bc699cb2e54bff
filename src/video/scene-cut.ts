// A scene cut: consecutive frames that differ everywhere, as an edit does and motion does not.
import type { RgbImage } from '../image/image-decoder';

const GRID = { columns: 32, rows: 18 };

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

/**
 * Whether `next` starts a new shot after `previous`: the median cell changes by more than `threshold`
 * grey levels. The median, not the mean: a person walking through the frame changes some cells a lot,
 * a cut changes most of them.
 */
export function isSceneCut(previous: Float32Array, next: Float32Array, threshold = 30): boolean {
  const changes = Array.from(next, (v, i) => Math.abs(v - previous[i]!)).sort((a, b) => a - b);
  return changes[Math.floor(changes.length / 2)]! > threshold;
}
