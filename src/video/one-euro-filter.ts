// The One Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass filter whose cut-off rises with
// speed, so a still face loses its jitter and a moving one is followed without lag.
// https://gery.casiez.net/1euro/

export interface OneEuroParameters {
  /** Cut-off at rest, Hz: lower removes more jitter from a still face. */
  minCutoff: number;
  /** How fast the cut-off rises with speed (per face size per second, see `filter`): higher lags less. */
  beta: number;
  /** Cut-off of the speed estimate, Hz. */
  derivativeCutoff: number;
}

/** Smoothing factor of an exponential filter with this cut-off, for samples `dt` seconds apart. */
export function smoothingFactor(cutoffHz: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dt);
}

/** One value over time. */
export class OneEuroFilter {
  private last?: { time: number; value: number; speed: number };

  constructor(private readonly parameters: OneEuroParameters) {}

  /**
   * The filtered value at `time` (seconds, increasing). The first sample passes unchanged. Speed counts
   * in units of `scale` (the face's size in pixels), so one set of parameters suits faces of any size.
   */
  filter(value: number, time: number, scale = 1): number {
    const last = this.last;
    if (!last || time <= last.time) {
      this.last = { time, value, speed: last && time <= last.time ? last.speed : 0 };
      return value;
    }
    const dt = time - last.time;
    const rawSpeed = (value - last.value) / dt;
    const speed = last.speed + smoothingFactor(this.parameters.derivativeCutoff, dt) * (rawSpeed - last.speed);
    const cutoff = this.parameters.minCutoff + (this.parameters.beta * Math.abs(speed)) / scale;
    const filtered = last.value + smoothingFactor(cutoff, dt) * (value - last.value);
    this.last = { time, value: filtered, speed };
    return filtered;
  }
}
