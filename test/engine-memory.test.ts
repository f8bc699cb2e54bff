// tfjs tensors must not leak: a long-running server would grow without bound.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import sharp from 'sharp';
import { checkImage } from '../src/image/image-decoder';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { dataset } from './support/datasets';
import { ProviderName } from '../src/config';

const provider = new EmbeddedProvider({ threads: 2, engine: 'mediapipe' });
beforeAll(() => provider.start());
afterAll(() => provider.close());

test('live tensors in every worker stay constant over hundreds of detections', async () => {
  const images = await Promise.all(
    ['photos/bbt1.jpg', 'photos/happy.jpg', 'dlib-faces/dogs.jpg', 'dlib-faces/2008_004176.jpg'].map(async (file) => {
      const bytes = await sharp(dataset(...file.split('/')))
        .resize(480)
        .jpeg()
        .toBuffer();
      return checkImage({ bytes, sha256: file }, { maxPixels: 40_000_000, maxSide: 1280 });
    }),
  );
  const settings = { minConfidence: 0.3, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED };
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

  // The per-face work asked of the engine later (meshes for other boxes, expressions, warps).
  const [first] = (await provider.detect([images[0]], settings)) as Array<Array<{ box: { x: number; y: number; width: number; height: number } }>>;
  const boxes = first.map((f) => f.box);
  const toImage = { a: { x: 1.5, y: 0.2 }, b: { x: 10, y: 5 } };
  for (let round = 0; round < 20; round++) {
    await provider.meshes([
      { image: images[0], seeds: boxes.map((box) => ({ box, leftEye: { x: box.x, y: box.y }, rightEye: { x: box.x + box.width, y: box.y } })) },
    ]);
    await provider.expressions([
      { image: images[0], boxes },
      { image: images[1], boxes: boxes.slice(0, 1) },
    ]);
    await provider.warps([
      {
        image: images[0],
        squares: [
          { toImage, size: 112 },
          { toImage, size: 64 },
        ],
      },
    ]);
    await provider.descriptors([{ image: images[0], toImages: boxes.map(() => toImage) }], 150);
  }
  expect(await provider.tensorCounts()).toEqual(before);
});
