// Recall on real footage: the faces of every 5th frame of walking.mp4 (walking-faces.json, boxes two
// detector families agree on, each checked by eye), through GraphQL over HTTP.
import sharp from 'sharp';
import fs from 'node:fs';
import { boundingBox, iou, scalePixelPoint, type Box } from '../src/geometry/geometry';
import { darkened, dimPng } from '../tools/dim-light';
import { annotatedFaces, headTurn, NEAR_PROFILE } from '../tools/annotations';
import { dataset, readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';
import { footageRecall, walkingFootage } from '../tools/walking-footage';

const QUERY = /* GraphQL */ `
  mutation Footage($image: ImageInput!, $minFaceSize: Int) {
    detectLandmarks(image: $image, options: { maxFaces: 50, minFaceSize: $minFaceSize }) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        confidence
        landmarksConfidence
      }
      userErrors {
        code
      }
    }
  }
`;

interface FootageFace {
  rectangle: Box;
  confidence: number;
  landmarksConfidence: number;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const facesOf = (base64: string, minFaceSize?: number) => server.faces<FootageFace>(QUERY, base64, { minFaceSize });

test('finds at least 110 of the 120 faces in every 5th frame of walking.mp4 (the small-face pass finds those under 50 px)', async () => {
  let found = 0;
  let annotated = 0;
  let unlisted = 0;
  const presence: number[] = [];
  for (const { bytes, listed } of await walkingFootage(dataset('video'))) {
    const faces = await facesOf(bytes.toString('base64'));
    for (const face of faces) {
      expect(face.landmarksConfidence).toBeGreaterThanOrEqual(0);
      expect(face.landmarksConfidence).toBeLessThanOrEqual(1);
      presence.push(face.landmarksConfidence);
    }
    const recall = footageRecall(
      listed,
      faces.map((f) => f.rectangle),
    );
    annotated += listed.length;
    found += recall.found;
    unlisted += recall.unlisted;
  }
  const lowPresence = presence.filter((p) => p < 0.9999).length;
  console.log(`walking.mp4: recall ${found}/${annotated}, ${unlisted} faces not in the list, ${lowPresence} kept on a second detector's word`);
  expect(annotated).toBe(120);
  // Measured 110 (102 without the small-face pass, below; the mesh alone: 45).
  expect(found).toBeGreaterThanOrEqual(110);
  // Measured 10, each looked at: 9 real faces that the list lacks (a woman holding a phone to her face
  // in 7 frames, a bald man in profile, a woman in a red coat) and one box across two men's faces.
  expect(unlisted).toBeLessThanOrEqual(11);
  // The faces the rule recovers are the turned and dim ones: their confidence says so.
  expect(lowPresence).toBeGreaterThan(30);
});

test('without the small-face pass (minFaceSize 60: the first look sees those) the 1920 px frames lose their smallest faces', async () => {
  let found = 0;
  let unlisted = 0;
  for (const { bytes, listed } of await walkingFootage(dataset('video'))) {
    const recall = footageRecall(
      listed,
      (await facesOf(bytes.toString('base64'), 60)).map((f) => f.rectangle),
    );
    found += recall.found;
    unlisted += recall.unlisted;
  }
  console.log(`walking.mp4, minFaceSize 60: recall ${found}/120, ${unlisted} not in the list`);
  // Measured 102 and 1.
  expect(found).toBeLessThanOrEqual(104);
  expect(found).toBeGreaterThanOrEqual(98);
  expect(unlisted).toBeLessThanOrEqual(2);
});

test('the same frames at a third of their brightness: dim pictures are brightened before detection, and most faces stay found', async () => {
  let found = 0;
  let unlisted = 0;
  for (const { bytes, listed } of await walkingFootage(dataset('video'))) {
    // Every value scaled to 0.3, as footage filmed at dusk: the faces are there, BlazeFace's scores are not.
    const dim = await sharp(bytes).linear(0.3, 0).png().toBuffer();
    const recall = footageRecall(
      listed,
      (await facesOf(dim.toString('base64'))).map((f) => f.rectangle),
    );
    found += recall.found;
    unlisted += recall.unlisted;
  }
  console.log(`walking.mp4 at 0.3 brightness: recall ${found}/120, ${unlisted} not in the list`);
  // Measured 111 (104 before the small-face pass); without the gain 89 (BENCH_ONLY=hard-faces, with noise added too: 96 against 77).
  expect(found).toBeGreaterThanOrEqual(106);
  expect(unlisted).toBeLessThanOrEqual(8);
});

test('faces turned near profile stay found in dim light (FaceBoxes looks for newcomers in every dim picture)', async () => {
  // The annotated faces turned near profile: 9 of helen-dev, the same 9 in helen-small, 7 of dlib-faces.
  const turned = annotatedFaces(['helen-dev', 'helen-small', 'dlib-faces'], (face) => headTurn(face.points68) >= NEAR_PROFILE);
  expect(turned).toHaveLength(25);
  let found = 0;
  for (const file of new Set(turned.map((f) => f.file))) {
    // A fifth of the light, with sensor-like noise, which the brightening step amplifies and BlazeFace
    // minds; the pictures are brought to 1280 px, which makes the small ones' noise blotchy as dim video's is.
    const dim = await darkened(fs.readFileSync(file), 0.2, 1280, true);
    const boxes = (await facesOf((await dimPng(dim)).toString('base64'))).map((f) => f.rectangle);
    for (const face of turned.filter((f) => f.file === file)) {
      const annotated = boundingBox(face.points68.map((p) => scalePixelPoint(p, 1 / dim.scale)));
      if (boxes.some((b) => iou(b, annotated) >= 0.3)) found++;
    }
  }
  console.log(`turned faces found at 0.2 brightness: ${found} of 25`);
  // Measured 24 (BENCH_ONLY=turned-faces); 18 when FaceBoxes looked only where the mesh rejected a candidate.
  expect(found).toBeGreaterThanOrEqual(23);
}, 300_000);

test('a frontal face in a photo reports a landmarks confidence near 1', async () => {
  const [face] = await facesOf(readBase64('photos', 'happy.jpg'));
  expect(face!.landmarksConfidence).toBeGreaterThanOrEqual(0.9999);
});
