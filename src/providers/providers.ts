import type { ProviderName } from '../config';
import type { LandmarkProvider } from './provider';

/** The providers this server runs, and the one used when a request names none. */
export class Providers {
  private readonly byName: ReadonlyMap<ProviderName, LandmarkProvider>;

  constructor(
    readonly defaultProvider: LandmarkProvider,
    others: LandmarkProvider[] = [],
  ) {
    this.byName = new Map([defaultProvider, ...others].map((p) => [p.name, p]));
  }

  get names(): ProviderName[] {
    return [...this.byName.keys()];
  }

  get(name: ProviderName): LandmarkProvider | undefined {
    return this.byName.get(name);
  }

  async start(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.start()));
  }

  isReady(): boolean {
    return [...this.byName.values()].every((p) => p.isReady());
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.close()));
  }
}
