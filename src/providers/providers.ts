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

  async start(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.start()));
  }

  isReady(): boolean {
    return [...this.byName.values()].every((p) => p.isReady());
  }

  isBusy(): boolean {
    return [...this.byName.values()].some((p) => p.isBusy());
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.close()));
  }
}
