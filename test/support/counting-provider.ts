import type { DecodedImage } from '../../src/image/image-decoder';
import type { DetectionSettings, LandmarkProvider, ProviderFace } from '../../src/providers/provider';

/** Wraps a real provider and records each batch it is asked to detect (image sha256s per call). */
export class CountingProvider implements LandmarkProvider {
  readonly calls: string[][] = [];

  constructor(private readonly inner: LandmarkProvider) {}

  get name() {
    return this.inner.name;
  }
  get maxBatchSize() {
    return this.inner.maxBatchSize;
  }
  start() {
    return this.inner.start();
  }
  isReady() {
    return this.inner.isReady();
  }
  close() {
    return this.inner.close();
  }
  detect(images: readonly DecodedImage[], settings: DetectionSettings): Promise<Array<ProviderFace[] | Error>> {
    this.calls.push(images.map((i) => i.info.sha256));
    return this.inner.detect(images, settings);
  }
}
