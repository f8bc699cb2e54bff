// Dim pictures brightened before the detectors and the mesh look at them. In the dark BlazeFace's
// scores fall first (walking.mp4's listed faces at a third of their brightness: 44 of 120 candidates,
// against 88 as filmed; BENCH_ONLY=hard-faces), while the faces are still there to find. The gain
// brings the picture's mean level up to EXPOSURE_TARGET, but never pushes its brightest values
// (the 99th percentile) past white: a well-lit face against a dark background is left as it is.
import type { PixelImage } from './engine-protocol';

/** The mean level (0..255, over every channel) a dimmer picture is brightened towards. */
export const EXPOSURE_TARGET = 100;
/** The most a picture is brightened: past it, the sensor noise it would bring up drowns the faces. */
export const MAX_GAIN = 4;
/** Gains below this change too little to be worth a copy of the picture. */
export const MIN_GAIN = 1.1;
// Every 7th value at least, and about 60 000 of a large picture, are enough for the levels; a step
// prime to 3 samples all three channels.
const MIN_STEP = 7;
const SAMPLES = 60_000;

/** The sampling step for `values` values: at least MIN_STEP, never a multiple of 3. */
export function sampleStep(values: number): number {
  let step = Math.max(MIN_STEP, Math.ceil(values / SAMPLES));
  if (step % 3 === 0) step++;
  return step;
}

export interface Levels {
  mean: number;
  /** The level 99 % of the sampled values do not exceed. */
  bright: number;
}

/** The picture's mean and bright levels over a sample of its values. */
export function levelsOf(image: Pick<PixelImage, 'data'>): Levels {
  const histogram = new Uint32Array(256);
  let sum = 0;
  let count = 0;
  const step = sampleStep(image.data.length);
  for (let i = 0; i < image.data.length; i += step, count++) {
    const v = image.data[i]!;
    histogram[v]!++;
    sum += v;
  }
  if (count === 0) return { mean: 0, bright: 0 };
  let below = 0;
  let bright = 0;
  while (bright < 255 && below + histogram[bright]! < 0.99 * count) below += histogram[bright++]!;
  return { mean: sum / count, bright };
}

/**
 * The gain for a picture of these levels: towards EXPOSURE_TARGET, keeping the bright level at or
 * under 255, at most MAX_GAIN; 1 for a picture bright enough, black, or one the gain would barely change.
 */
export function exposureGain({ mean, bright }: Levels): number {
  if (mean >= EXPOSURE_TARGET || mean <= 0 || bright <= 0) return 1;
  const gain = Math.min(MAX_GAIN, EXPOSURE_TARGET / mean, 255 / bright);
  return gain < MIN_GAIN ? 1 : gain;
}

/** The picture itself when no gain applies, else a brightened copy (values scaled by the gain, held to 255). */
export function exposed<T extends PixelImage>(image: T): T {
  const gain = exposureGain(levelsOf(image));
  if (gain === 1) return image;
  // A table of the 256 levels: a lookup a value, not arithmetic (31 ms -> a few for a 1280x720 frame).
  const table = Uint8Array.from({ length: 256 }, (_, v) => Math.min(255, Math.round(v * gain)));
  const source = image.data;
  const data = new Uint8Array(source.length);
  for (let i = 0; i < data.length; i++) data[i] = table[source[i]!]!;
  return { ...image, data };
}
