/**
 * The photo detections in flight, and a wait for them to pass. Video analysis waits before each
 * frame, so that a photo sent during a video job shares the engine's cores with the frame already
 * under way only: on 2 cores, a job's engine worker, ffmpeg and the photo's own work shared them,
 * and the photo's p50 doubled (docs/video.md). The engine counts as busy for `lingerMs` after the
 * last photo, the time a client takes to send its next: otherwise a frame starts in every gap. The
 * wait is bounded: under a steady stream of photos a video slows down, it never stops.
 */
export class PhotoTraffic {
  private inFlight = 0;
  /** When the engine counts as free of photos again (performance.now() ms), with none in flight. */
  private busyUntil = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly lingerMs = 20) {}

  /** Runs a photo detection, counted in flight until it settles. */
  async carry<T>(detection: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await detection();
    } finally {
      this.inFlight--;
      // With others still in flight this is moot: the last to end sets it again.
      this.busyUntil = performance.now() + this.lingerMs;
      this.releaseWhenQuiet();
    }
  }

  /** Resolves when no photo has been in flight for `lingerMs`, or after `maxWaitMs` at most. */
  quiet(maxWaitMs: number): Promise<void> {
    if (this.isQuiet()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.waiters.add(done);
    });
  }

  private isQuiet(): boolean {
    return this.inFlight === 0 && performance.now() >= this.busyUntil;
  }

  /** Lets the waiting frames go once the linger is over, unless a photo comes first (it calls this again as it ends). */
  private releaseWhenQuiet(): void {
    if (this.inFlight > 0) return;
    const left = this.busyUntil - performance.now();
    if (left > 0) setTimeout(() => this.releaseWhenQuiet(), Math.ceil(left)).unref();
    else for (const done of [...this.waiters]) done();
  }
}
