// DataLoader batching and de-duplication, observed at the provider and decoder edges.
import sharp from 'sharp';
import * as decoder from '../src/image/image-decoder';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import type { CheckedImage } from '../src/image/image-decoder';
import type { DetectionSettings, FaceDetector, ProviderFace } from '../src/providers/provider';
import { CountingProvider } from './support/counting-provider';
import { dataset, readBase64 } from './support/datasets';
import { DETECT_BATCH, startTestServer, type TestServer } from './support/server';
import { ProviderName } from '../src/config';

let server: TestServer;
let counting: CountingProvider;
let embedded: EmbeddedProvider;
beforeAll(async () => {
  embedded = new EmbeddedProvider({ threads: 2, engine: 'mediapipe' });
  counting = new CountingProvider(embedded);
  server = await startTestServer({ MAX_BATCH_SIZE: '16' }, { provider: counting });
});
afterAll(() => server?.stop());
beforeEach(() => {
  counting.calls.length = 0;
});

/** Distinct real images: the same photo at different widths. */
const variants = (count: number) =>
  Promise.all(
    Array.from({ length: count }, async (_, i) =>
      (
        await sharp(dataset('photos', 'happy.jpg'))
          .resize(300 + i * 8)
          .jpeg()
          .toBuffer()
      ).toString('base64'),
    ),
  );

test('identical images in one request are decoded once and reach the provider once', async () => {
  const decode = jest.spyOn(decoder, 'checkImage');
  const bbt1 = readBase64('photos', 'bbt1.jpg');
  const happy = readBase64('photos', 'happy.jpg');
  const images = [bbt1, happy, `data:image/jpeg;base64,${bbt1}`, bbt1, happy].map((base64) => ({ base64 }));
  const { body } = await server.graphql(DETECT_BATCH, { images });
  const results = body.data.detectLandmarksBatch;
  expect(results[0]).toEqual(results[2]);
  expect(results[0]).toEqual(results[3]);
  expect(results[1]).toEqual(results[4]);
  expect(decode).toHaveBeenCalledTimes(2);
  expect(counting.calls).toHaveLength(1);
  expect(counting.calls[0]).toHaveLength(2);
  decode.mockRestore();
});

test("a batch is one provider call up to the provider's batch size", async () => {
  const images = (await variants(10)).map((base64) => ({ base64 }));
  const { body } = await server.graphql(DETECT_BATCH, { images });
  expect(body.data.detectLandmarksBatch.every((p: { faces: unknown[] }) => p.faces.length === 1)).toBe(true);
  // EmbeddedProvider with 2 threads batches 8 images: 10 distinct images make 2 calls.
  expect(counting.maxBatchSize).toBe(8);
  expect(counting.calls.map((c) => c.length)).toEqual([8, 2]);
  expect(new Set(counting.calls.flat()).size).toBe(10);
});

test('loaders are per request: the same image in two requests is detected twice', async () => {
  const images = [{ base64: readBase64('photos', 'sad.jpg') }];
  await server.graphql(DETECT_BATCH, { images });
  await server.graphql(DETECT_BATCH, { images });
  expect(counting.calls).toHaveLength(2);
});

test('images whose header cannot be read never reach the provider', async () => {
  const images = [{ base64: Buffer.from('GIF89a-but-not-really-a-gif').toString('base64') }, { base64: readBase64('photos', 'sad.jpg') }];
  const { body } = await server.graphql(DETECT_BATCH, { images });
  expect(body.data.detectLandmarksBatch[0].userErrors[0].code).toBe('CORRUPT_IMAGE');
  expect(counting.calls).toEqual([[expect.any(String)]]);
});

test("a file whose header reads but whose pixels do not gets its typed error from the engine's worker, and the images in its task their faces", async () => {
  const whole = await variants(3);
  // Cut after the header: only decoding the pixels, in the worker, finds the file truncated.
  const truncated = whole.map((base64) => {
    const bytes = Buffer.from(base64, 'base64');
    return bytes.subarray(0, Math.floor(bytes.length / 2)).toString('base64');
  });
  const images = whole.flatMap((base64, i) => [{ base64: truncated[i] }, { base64 }]);
  const tasksBefore = embedded.stats.detect;
  const { body } = await server.graphql(DETECT_BATCH, { images });
  const results = body.data.detectLandmarksBatch as Array<{ faces: unknown[]; userErrors: Array<{ code: string; message: string }> }>;
  expect(results.map((r) => r.userErrors[0]?.code ?? r.faces.length)).toEqual(['CORRUPT_IMAGE', 1, 'CORRUPT_IMAGE', 1, 'CORRUPT_IMAGE', 1]);
  expect(results[0]!.userErrors[0]!.message).toMatch(/JPEG file is corrupt or truncated/);
  expect(counting.calls.map((call) => call.length)).toEqual([6]);
  // Six images in fewer tasks: some task carried a broken file and a whole one together.
  expect(embedded.stats.detect - tasksBefore).toBeLessThan(6);
});

/** A provider that fails in the ways a real one can: per image, or the whole call. */
class FailingProvider implements FaceDetector {
  readonly name = ProviderName.EMBEDDED;
  readonly version = 'failing';
  readonly maxBatchSize = 8;
  async start() {}
  isReady() {
    return true;
  }
  isBusy() {
    return false;
  }
  async close() {}
  async detect(images: readonly CheckedImage[], _settings: DetectionSettings): Promise<Array<ProviderFace[] | Error>> {
    if (images.some((i) => i.info.width === 1)) throw new Error('connect ECONNREFUSED 10.0.0.7:443 key=sk-secret-123');
    return images.map((image) => (image.info.width % 2 ? new Error('/opt/engine/secret.ts:12 tensor shape mismatch') : []));
  }
}

test('provider failures are per-image user errors that leak nothing', async () => {
  const failing = await startTestServer({}, { provider: new FailingProvider() });
  try {
    const image = async (width: number) => ({
      base64: (
        await sharp({ create: { width, height: 4, channels: 3, background: '#888' } })
          .png()
          .toBuffer()
      ).toString('base64'),
    });
    const { body } = await failing.graphql(DETECT_BATCH, { images: [await image(3), await image(4)] });
    const [odd, even] = body.data.detectLandmarksBatch;
    expect(odd).toMatchObject({ faces: null, userErrors: [{ code: 'ENGINE_FAILURE' }] });
    expect(even).toMatchObject({ faces: [], userErrors: [] });
    const whole = await failing.graphql(DETECT_BATCH, { images: [await image(1)] });
    expect(whole.body.data.detectLandmarksBatch[0].userErrors[0].code).toBe('ENGINE_FAILURE');
    const text = JSON.stringify([body, whole.body]);
    expect(text).not.toMatch(/secret|ECONNREFUSED|10\.0\.0\.7|tensor/);
  } finally {
    await failing.stop();
  }
});
