// The embedded engine on real annotated photos, through GraphQL over HTTP.
import sharp from 'sharp';
import { distance, iou, type Point } from '../src/geometry/geometry';
import { dataset, readBase64 } from './support/datasets';
import { measureAccuracy } from './support/accuracy';
import { DETECT, startTestServer, type TestServer } from './support/server';

interface ApiFace {
  rectangle: { x: number; y: number; width: number; height: number };
  confidence: number;
  quality: number;
  landmarks: Array<{ type: string; point: Point }>;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

async function detect(base64: string): Promise<{ faces: ApiFace[]; image: { width: number; height: number; orientation: number } }> {
  const { body } = await server.graphql(DETECT, { image: { base64 } });
  expect(body.errors).toBeUndefined();
  expect(body.data.detectLandmarks.userErrors).toEqual([]);
  return body.data.detectLandmarks;
}

const ORDER = ['LEFT_EYE', 'RIGHT_EYE', 'NOSE_TIP', 'MOUTH_LEFT', 'MOUTH_RIGHT'];
const fivePoints = (face: ApiFace) => ORDER.map((type) => face.landmarks.find((l) => l.type === type)!.point);

// dlib-faces' points came from a predictor, rounded to whole pixels: for recall and regressions only
// (helen-dev, annotated by people, is the accuracy target). Bounds: the measured figure plus 5 %.
test('dlib-faces: every annotated face found; NME 5-pt <= 4.05 %, 68-pt <= 5.53 %, 51 inner <= 4.84 % (measured 3.86, 5.27, 4.61)', async () => {
  const accuracy = await measureAccuracy(server, 'dlib-faces');
  expect(accuracy.annotated).toBe(43);
  expect(accuracy.missed).toEqual([]);
  expect(accuracy.five).toBeLessThanOrEqual(4.05);
  expect(accuracy.all68).toBeLessThanOrEqual(5.53);
  expect(accuracy.inner51).toBeLessThanOrEqual(4.84);
});

test('finds no human face in the dogs photo', async () => {
  const { faces } = await detect(readBase64('dlib-faces', 'dogs.jpg'));
  expect(faces).toEqual([]);
});

test.each([
  ['photos/bbt1.jpg', 4],
  ['photos/bbt2.jpg', 3],
  ['photos/bbt3.jpg', 5],
  ['photos/bbt4.jpg', 6],
  ['photos/bbt5.jpg', 5],
  ['dlib-faces/Tom_Cruise_avp_2014_4.jpg', 1],
  ['photos/happy.jpg', 1],
])('finds the faces of %s', async (file, count) => {
  const { faces } = await detect(readBase64(...file.split('/')));
  expect(faces).toHaveLength(count);
  for (const face of faces) {
    expect(face.quality).toBeGreaterThan(0.3);
    expect(face.quality).toBeLessThanOrEqual(1);
    const [leftEye, rightEye, nose, mouthLeft, mouthRight] = fivePoints(face);
    // Image-left/right convention and a plausible face layout.
    expect(leftEye.x).toBeLessThan(rightEye.x);
    expect(mouthLeft.x).toBeLessThan(mouthRight.x);
    expect(nose.y).toBeGreaterThan(Math.min(leftEye.y, rightEye.y));
    expect(mouthLeft.y).toBeGreaterThan(nose.y);
  }
});

test('finds at least 23 of the bald guys (1986x1545, about 24 small faces)', async () => {
  const { faces } = await detect(readBase64('dlib-faces', 'bald_guys.jpg'));
  expect(faces.length).toBeGreaterThanOrEqual(23);
  expect(faces.length).toBeLessThanOrEqual(25);
});

test('a blurred copy of a face scores lower quality than the original', async () => {
  const original = await sharp(dataset('photos', 'neutral.jpg')).toBuffer();
  const blurred = await sharp(original).blur(4).jpeg().toBuffer();
  const [sharpFace] = (await detect(original.toString('base64'))).faces;
  const [blurFace] = (await detect(blurred.toString('base64'))).faces;
  expect(blurFace.quality).toBeLessThan(sharpFace.quality * 0.7);
});

// EXIF orientation o maps the stored (raw) pixels to the upright view. Storing the upright photo
// rotated the inverse way and tagging it with o must give the same upright answer.
const STORED_ROTATION: Record<number, { rotate: number; flop?: boolean; flip?: boolean }> = {
  3: { rotate: 180 },
  6: { rotate: -90 },
  8: { rotate: 90 },
  2: { rotate: 0, flop: true },
  4: { rotate: 0, flip: true },
  // 5 and 7 mirror along a diagonal: each is its own inverse (a quarter turn, then a mirror).
  5: { rotate: 90, flop: true },
  7: { rotate: -90, flop: true },
};

test.each([3, 6, 8, 2, 4, 5, 7])('an EXIF orientation %i copy gives the same upright points', async (orientation) => {
  const upright = await sharp(dataset('photos', 'bbt1.jpg')).toBuffer();
  const reference = await detect(upright.toString('base64'));
  const { rotate, flop, flip } = STORED_ROTATION[orientation];
  // Turned first, then mirrored (two steps, so that sharp applies them in this order).
  let pipeline = sharp(await sharp(upright).rotate(rotate).toBuffer());
  if (flop) pipeline = pipeline.flop();
  if (flip) pipeline = pipeline.flip();
  const stored = await pipeline.jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
  const rotated = await detect(stored.toString('base64'));
  expect(rotated.image).toMatchObject({ width: reference.image.width, height: reference.image.height, orientation });
  expect(rotated.faces).toHaveLength(reference.faces.length);
  for (const face of reference.faces) {
    const twin = rotated.faces.sort((a, b) => iou(b.rectangle, face.rectangle) - iou(a.rectangle, face.rectangle))[0];
    expect(iou(twin.rectangle, face.rectangle)).toBeGreaterThan(0.7);
    const ref = fivePoints(face);
    fivePoints(twin).forEach((p, i) => expect(distance(p, ref[i])).toBeLessThan(4));
  }
});
