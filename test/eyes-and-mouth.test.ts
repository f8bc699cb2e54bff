// Face.eyes and Face.mouth through GraphQL over HTTP on photos of known expressions (the agreement with
// the human annotations of helen-dev is checked in the one helen-dev pass, test/accuracy-helen.test.ts).
import sharp from 'sharp';
import { iou } from '../src/geometry/geometry';
import { dataset, readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';

const QUERY = /* GraphQL */ `
  mutation EyesAndMouth($image: ImageInput!) {
    detectLandmarks(image: $image) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        eyes {
          leftOpenness
          rightOpenness
          gaze {
            yaw
            pitch
          }
        }
        mouth {
          openness
        }
        pose {
          yaw
        }
      }
    }
  }
`;

interface StateFace {
  rectangle: { x: number; y: number; width: number; height: number };
  eyes: { leftOpenness: number; rightOpenness: number; gaze: { yaw: number; pitch: number } };
  mouth: { openness: number };
  pose: { yaw: number };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const facesOf = (base64: string) => server.faces<StateFace>(QUERY, base64);

test('surprised.jpg has an open mouth; neutral.jpg (lips parted on the teeth) is under the open threshold; sad and angry ones are closed', async () => {
  const openness = async (name: string) => {
    const [face] = await facesOf(readBase64('photos', `${name}.jpg`));
    expect(face!.eyes.leftOpenness).toBeGreaterThanOrEqual(0.5);
    expect(face!.eyes.rightOpenness).toBeGreaterThanOrEqual(0.5);
    return face!.mouth.openness;
  };
  const [surprised, neutral, sad, angry] = [await openness('surprised'), await openness('neutral'), await openness('sad'), await openness('angry')];
  console.log(`mouth openness: surprised ${surprised.toFixed(3)}, neutral ${neutral.toFixed(3)}, sad ${sad.toFixed(3)}, angry ${angry.toFixed(3)}`);
  expect(surprised).toBeGreaterThanOrEqual(0.5);
  expect(neutral).toBeLessThan(0.5);
  expect(neutral).toBeGreaterThan(0.1);
  expect(sad).toBeLessThan(0.05);
  expect(angry).toBeLessThan(0.05);
});

test('mirroring a face flips the sign of the gaze yaw', async () => {
  // A face looking off to one side, so that the sign is far from 0.
  const photo = dataset('photos', 'bbt2.jpg');
  const faces = await facesOf((await sharp(photo).toBuffer()).toString('base64'));
  const mirrored = await facesOf((await sharp(photo).flop().toBuffer()).toString('base64'));
  const width = (await sharp(photo).metadata()).width!;
  const turned = faces.filter((f) => Math.abs(f.eyes.gaze.yaw) >= 5);
  expect(turned.length).toBeGreaterThan(0);
  for (const face of turned) {
    const box = { ...face.rectangle, x: width - face.rectangle.x - face.rectangle.width };
    const twin = mirrored.sort((a, b) => iou(b.rectangle, box) - iou(a.rectangle, box))[0]!;
    expect(iou(twin.rectangle, box)).toBeGreaterThan(0.7);
    expect(Math.sign(twin.eyes.gaze.yaw)).toBe(-Math.sign(face.eyes.gaze.yaw));
    expect(Math.abs(twin.eyes.gaze.yaw + face.eyes.gaze.yaw)).toBeLessThan(Math.abs(face.eyes.gaze.yaw) * 0.5);
  }
});
