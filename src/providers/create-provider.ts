import type { Config } from '../config';
import { EmbeddedProvider } from './embedded/embedded.provider';
import { MxfaceProvider } from './mxface/mxface.provider';
import type { LandmarkProvider } from './provider';
import { Providers } from './providers';

/** Every provider the configuration enables; the configured default first. */
export function createProviders(config: Config): Providers {
  const all: LandmarkProvider[] = [];
  if (config.embeddedEnabled) all.push(new EmbeddedProvider({ threads: config.workerThreads }));
  if (config.mxface) all.push(new MxfaceProvider(config.mxface));
  const defaultProvider = all.find((p) => p.name === config.provider);
  if (!defaultProvider) throw new Error(`provider ${config.provider} is not configured`);
  return new Providers(defaultProvider, all.filter((p) => p !== defaultProvider));
}
