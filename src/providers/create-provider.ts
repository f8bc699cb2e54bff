import type { Config } from '../config';
import { EmbeddedProvider } from './embedded/embedded.provider';
import type { LandmarkProvider } from './provider';

export function createProvider(config: Config): LandmarkProvider {
  switch (config.provider) {
    case 'embedded':
      return new EmbeddedProvider({ threads: config.workerThreads });
  }
}
