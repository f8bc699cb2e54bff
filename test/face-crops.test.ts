// Face.region: crops of face parts, through GraphQL over HTTP, decoded back with sharp.
import sharp from 'sharp';
import { dataset } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';

const QUERY = /* GraphQL */ `
  mutation Crops($image: ImageInput!, $size: Int) {
    detectLandmarks(image: $image) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        landmarks {
          type
          point {
            x
            y
          }
        }
        eyes: region(part: EYES, size: $size) {
          dataUrl
          width
          height
          rectangle {
            x
            y
            width
            height
          }
        }
        leftEye: region(part: LEFT_EYE, format: PNG) {
          dataUrl
          width
          height
          rectangle {
            x
            y
            width
            height
          }
        }
        mouth: region(part: MOUTH, format: WEBP) {
          dataUrl
          width
          height
          rectangle {
            x
            y
            width
            height
          }
        }
        face: region(part: FACE, size: 200) {
          width
          height
          rectangle {
            x
            y
            width
            height
          }
        }
      }
    }
  }
`;

interface Crop {
  dataUrl: string;
  width: number;
  height: number;
  rectangle: { x: number; y: number; width: number; height: number };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WORKER_THREADS: '1', MAX_CROP_SIZE: '512' });
});
afterAll(() => server?.stop());

const inside = (p: { x: number; y: number }, r: Crop['rectangle']) => p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;

async function decodeCrop(crop: Crop) {
  const [, format, base64] = /^data:image\/(\w+);base64,(.+)$/.exec(crop.dataUrl)!;
  const meta = await sharp(Buffer.from(base64, 'base64')).metadata();
  return { format, meta };
}

test('part crops cover their landmarks, in the format and size asked for, from the upright image', async () => {
  // EXIF orientation 6: crops must come from the upright picture, in upright coordinates.
  const bytes = await sharp(dataset('photos', 'neutral.jpg')).rotate(-90).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const { body } = await server.graphql(QUERY, { image: { base64: bytes.toString('base64') }, size: 160 });
  expect(body.errors).toBeUndefined();
  const [face] = body.data.detectLandmarks.faces;
  const point = (type: string) => face.landmarks.find((l: { type: string }) => l.type === type).point;

  expect(Math.max(face.eyes.width, face.eyes.height)).toBe(160);
  expect(inside(point('LEFT_EYE'), face.eyes.rectangle) && inside(point('RIGHT_EYE'), face.eyes.rectangle)).toBe(true);
  expect(await decodeCrop(face.eyes)).toMatchObject({ format: 'jpeg', meta: { width: face.eyes.width, height: face.eyes.height } });

  expect(Math.max(face.leftEye.width, face.leftEye.height)).toBe(128);
  expect(inside(point('LEFT_EYE'), face.leftEye.rectangle)).toBe(true);
  expect(inside(point('RIGHT_EYE'), face.leftEye.rectangle)).toBe(false);
  expect((await decodeCrop(face.leftEye)).format).toBe('png');

  expect(inside(point('MOUTH_LEFT'), face.mouth.rectangle) && inside(point('MOUTH_RIGHT'), face.mouth.rectangle)).toBe(true);
  expect(inside(point('NOSE_TIP'), face.mouth.rectangle)).toBe(false);
  expect((await decodeCrop(face.mouth)).format).toBe('webp');

  // The face crop covers the face box, padded.
  expect(face.face.rectangle.x).toBeLessThanOrEqual(face.rectangle.x);
  expect(face.face.rectangle.x + face.face.rectangle.width).toBeGreaterThanOrEqual(Math.floor(face.rectangle.x + face.rectangle.width));
  // The crop pixels are the upright picture's: compare with a crop of the upright original.
  const upright = await sharp(dataset('photos', 'neutral.jpg'))
    .extract({ left: face.eyes.rectangle.x, top: face.eyes.rectangle.y, width: face.eyes.rectangle.width, height: face.eyes.rectangle.height })
    .resize(face.eyes.width, face.eyes.height)
    .raw()
    .toBuffer();
  const got = await sharp(Buffer.from(face.eyes.dataUrl.split(',')[1], 'base64'))
    .raw()
    .toBuffer();
  const diff = upright.reduce((sum, v, i) => sum + Math.abs(v - got[i]), 0) / upright.length;
  expect(diff).toBeLessThan(8);
});

test.each([8, 513, 100000])('size %i out of range is a typed error for that field only', async (size) => {
  const { body } = await server.graphql(QUERY, { image: { base64: (await sharp(dataset('photos', 'happy.jpg')).toBuffer()).toString('base64') }, size });
  expect(body.errors?.[0]).toMatchObject({ path: ['detectLandmarks', 'faces', 0, 'eyes'], extensions: { code: 'BAD_USER_INPUT', argument: 'size' } });
  expect(body.data.detectLandmarks.faces[0].eyes).toBeNull();
  expect(body.data.detectLandmarks.faces[0].leftEye.width).toBe(128);
});
