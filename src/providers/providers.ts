import type { ProviderName } from '../config';
import type { FaceAnalyser, FaceDetector } from './provider';

/** The detectors this server runs, the one used when a request names none, and the analyser if enabled. */
export class Providers {
  private readonly byName: ReadonlyMap<ProviderName, FaceDetector>;

  constructor(
    readonly defaultProvider: FaceDetector,
    others: FaceDetector[] = [],
    /** Per-face work (meshes, expressions, warps, descriptors); undefined with the embedded engine disabled. */
    readonly analyser?: FaceAnalyser,
  ) {
    this.byName = new Map([defaultProvider, ...others].map((p) => [p.name, p]));
  }

  get names(): ProviderName[] {
    return [...this.byName.keys()];
  }

  get(name: ProviderName): FaceDetector | undefined {
    return this.byName.get(name);
  }

  /** While `start`'s warm-up runs, the providers are started but not yet ready. */
  private warmingUp = false;

  /** Starts every provider, then runs `warmUp` (the server's requests to itself) before they count as ready. */
  async start(warmUp?: () => Promise<void>): Promise<void> {
    this.warmingUp = warmUp !== undefined;
    await Promise.all([...this.byName.values()].map((p) => p.start()));
    try {
      await warmUp?.();
    } finally {
      this.warmingUp = false;
    }
  }

  isReady(): boolean {
    return !this.warmingUp && [...this.byName.values()].every((p) => p.isReady());
  }

  isBusy(): boolean {
    return [...this.byName.values()].some((p) => p.isBusy());
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.close()));
  }
}
