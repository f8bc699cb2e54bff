// Where a video analysis spends its time, for the bench (`BENCH_ONLY=video`): the wall time of each
// phase on the analysis's own path. Phases that overlap work elsewhere (the decoder's process, the
// engine's workers) count only the time the analysis waited for them.

export const ANALYSIS_PHASES = ['decode', 'photos', 'detector', 'meshes', 'follow back', 'points and smoothing', 'portraits'] as const;
export type AnalysisPhase = (typeof ANALYSIS_PHASES)[number];
export type AnalysisTimings = Record<AnalysisPhase, number>;

export const emptyTimings = (): AnalysisTimings => Object.fromEntries(ANALYSIS_PHASES.map((p) => [p, 0])) as AnalysisTimings;

/**
 * Times phases into `timings` (milliseconds, added up); without it, runs them untimed. Work run while
 * the analysis waits (the last frame's smoothing while the engine meshes this one) counts as its own
 * phase, not as waiting too, so that the phases add up to the analysis's time.
 */
export class PhaseClock {
  /** Milliseconds of `run` so far, taken off the waits they ran within. */
  private ranMs = 0;

  constructor(private readonly timings?: AnalysisTimings) {}

  async wait<T>(phase: AnalysisPhase, work: Promise<T>): Promise<T> {
    if (!this.timings) return work;
    const started = performance.now();
    const ranBefore = this.ranMs;
    try {
      return await work;
    } finally {
      this.timings[phase] += performance.now() - started - (this.ranMs - ranBefore);
    }
  }

  run<T>(phase: AnalysisPhase, work: () => T): T {
    if (!this.timings) return work();
    const started = performance.now();
    try {
      return work();
    } finally {
      const ms = performance.now() - started;
      this.timings[phase] += ms;
      this.ranMs += ms;
    }
  }
}
