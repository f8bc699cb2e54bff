import type { Config } from '../config';
import { EmbeddedProvider } from './embedded/embedded.provider';
import { MxfaceProvider } from './mxface/mxface.provider';
import type { FaceDetector } from './provider';
import { Providers } from './providers';

/** Every provider the configuration enables; the configured default first. */
export function createProviders(config: Config): Providers {
  const all: FaceDetector[] = [];
  const embedded = config.embeddedEnabled
    ? new EmbeddedProvider({
        threads: config.workerThreads,
        engine: config.embeddedEngine,
        runtime: config.engineRuntime,
        secondDetector: config.secondDetector,
        landmarkRefiner: config.landmarkRefiner,
        detector: config.faceDetector,
        maxQueuedImages: config.maxQueuedImages,
      })
    : undefined;
  if (embedded) all.push(embedded);
  if (config.mxface) all.push(new MxfaceProvider(config.mxface));
  const defaultProvider = all.find((p) => p.name === config.provider);
  if (!defaultProvider) throw new Error(`provider ${config.provider} is not configured`);
  return new Providers(
    defaultProvider,
    all.filter((p) => p !== defaultProvider),
    embedded,
  );
}
