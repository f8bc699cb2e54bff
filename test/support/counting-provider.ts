import type { CheckedImage } from '../../src/image/image-decoder';
import type { DetectionSettings, FaceDetector, ProviderFace } from '../../src/providers/provider';

/** Wraps a real provider and records each batch it is asked to detect (image sha256s per call). */
export class CountingProvider implements FaceDetector {
  readonly calls: string[][] = [];

  constructor(private readonly inner: FaceDetector) {}

  get name() {
    return this.inner.name;
  }
  get version() {
    return this.inner.version;
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
  isBusy() {
    return this.inner.isBusy();
  }
  close() {
    return this.inner.close();
  }
  detect(images: readonly CheckedImage[], settings: DetectionSettings, signal?: AbortSignal): Promise<Array<ProviderFace[] | Error>> {
    this.calls.push(images.map((i) => i.info.sha256));
    return this.inner.detect(images, settings, signal);
  }
}
