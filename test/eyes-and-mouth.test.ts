// Face.eyes and Face.mouth through GraphQL over HTTP, judged against the same measures computed here
// from the human annotations of helen-dev (iBUG points), an oracle independent of the mesh.
import sharp from 'sharp';
import { iou, type Point } from '../src/geometry/geometry';
import { dataset, groundTruth, readBase64 } from './support/datasets';
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

const gap = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
// iBUG 68: eye aspect ratio (37-41, 38-40 over 36-39) and inner-lip gap (61-67, 62-66, 63-65 over 48-54).
const eyeRatio = (p: Point[], o: number) => (gap(p[o + 1]!, p[o + 5]!) + gap(p[o + 2]!, p[o + 4]!)) / 2 / gap(p[o]!, p[o + 3]!);
const mouthRatio = (p: Point[]) => (gap(p[61]!, p[67]!) + gap(p[62]!, p[66]!) + gap(p[63]!, p[65]!)) / 3 / gap(p[48]!, p[54]!);

function pearson(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
  const vx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const vy = ys.reduce((s, y) => s + (y - my) ** 2, 0);
  return cov / Math.sqrt(vx * vy);
}

test('helen-dev: openness follows the human-annotated lids and lips (Pearson r >= 0.85 eyes, >= 0.9 mouth)', async () => {
  const eyes: Array<[number, number]> = [];
  const mouths: Array<[number, number]> = [];
  for (const image of groundTruth('helen-dev')) {
    const faces = await facesOf(readBase64('helen-dev', image.file));
    const truth = image.faces[0]!;
    const face = faces.sort((a, b) => iou(b.rectangle, truth.box) - iou(a.rectangle, truth.box))[0]!;
    const points = truth.landmarks68.map(([x, y]) => ({ x, y }));
    eyes.push([face.eyes.leftOpenness, eyeRatio(points, 36)], [face.eyes.rightOpenness, eyeRatio(points, 42)]);
    mouths.push([face.mouth.openness, mouthRatio(points)]);
  }
  const rEyes = pearson(
    eyes.map((e) => e[0]),
    eyes.map((e) => e[1]),
  );
  const rMouth = pearson(
    mouths.map((m) => m[0]),
    mouths.map((m) => m[1]),
  );
  console.log(`helen-dev openness against the human points: r = ${rEyes.toFixed(3)} eyes (${eyes.length}), ${rMouth.toFixed(3)} mouth (${mouths.length})`);
  expect(rEyes).toBeGreaterThanOrEqual(0.85);
  expect(rMouth).toBeGreaterThanOrEqual(0.9);
});

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
