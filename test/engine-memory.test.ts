// tfjs tensors must not leak: a long-running server would grow without bound.
import sharp from 'sharp';
import { decodeImage } from '../src/image/image-decoder';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { dataset } from './support/datasets';

const provider = new EmbeddedProvider({ threads: 2 });
beforeAll(() => provider.start());
afterAll(() => provider.close());

test('live tensors in every worker stay constant over hundreds of detections', async () => {
  const images = await Promise.all(
    ['photos/bbt1.jpg', 'photos/happy.jpg', 'dlib-faces/dogs.jpg', 'dlib-faces/2008_004176.jpg'].map(async (file) => {
      const bytes = await sharp(dataset(...file.split('/'))).resize(480).jpeg().toBuffer();
      return decodeImage({ bytes, sha256: file }, { maxPixels: 40_000_000, maxSide: 1280 });
    }),
  );
  const settings = { minConfidence: 0.3, maxFaces: 100, provider: 'embedded' as const };
  await provider.detect(images, settings);
  const before = await provider.tensorCounts();
  let faces = 0;
  for (let round = 0; round < 60; round++) {
    const results = await provider.detect(images, settings);
    for (const r of results) {
      if (r instanceof Error) throw r;
      faces += r.length;
    }
  }
  // The work really happened (faces in 3 of 4 photos per round, low-score candidates confirmed).
  expect(faces).toBeGreaterThan(60 * 5);
  expect(await provider.tensorCounts()).toEqual(before);
});
