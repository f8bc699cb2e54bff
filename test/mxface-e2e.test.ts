// GraphQL with the mxface provider against the local MXFace server gives the embedded answers.
import sharp from 'sharp';
import { startMxfaceServer, type MxfaceServer } from '../tools/mxface-server/mxface-server';
import { dataset, readBase64 } from './support/datasets';
import { TEST_KEY } from './support/mxface';
import { DETECT, DETECT_BATCH, startTestServer, type TestServer } from './support/server';

let upstream: MxfaceServer;
let server: TestServer;
beforeAll(async () => {
  upstream = await startMxfaceServer({ keys: [TEST_KEY], threads: 1 });
  server = await startTestServer({ LANDMARK_PROVIDER: 'mxface', MXFACE_URL: upstream.url, MXFACE_SUBSCRIPTION_KEY: TEST_KEY, WORKER_THREADS: '1' });
});
afterAll(async () => {
  await server?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.clearRequests());

interface Face {
  rectangle: { x: number; y: number; width: number; height: number };
  landmarks: Array<{ type: string; point: { x: number; y: number } }>;
}

const detectWith = async (provider: 'MXFACE' | 'EMBEDDED', base64: string) => {
  const { body } = await server.graphql(DETECT, { image: { base64 }, options: { provider } });
  expect(body.data.detectLandmarks.userErrors).toEqual([]);
  return body.data.detectLandmarks.faces as Face[];
};

test('serviceInfo lists both providers with mxface as the default', async () => {
  const { body } = await server.graphql('{ serviceInfo { provider providers } }');
  expect(body.data.serviceInfo).toEqual({ provider: 'MXFACE', providers: ['MXFACE', 'EMBEDDED'] });
});

test.each([
  ['photos/bbt1.jpg', 1],
  ['photos/happy.jpg', 1],
  ['dlib-faces/2008_002470.jpg', 1],
  ['photos/surprised.jpg', 8],
])('%s (EXIF orientation %s): the same faces within a pixel', async (file, orientation) => {
  let bytes = await sharp(dataset(...file.split('/'))).toBuffer();
  if (orientation !== 1) bytes = await sharp(bytes).rotate(90).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
  const base64 = bytes.toString('base64');
  const viaMxface = await detectWith('MXFACE', base64);
  const embedded = await detectWith('EMBEDDED', base64);
  expect(upstream.requests).toHaveLength(1);
  expect(viaMxface.length).toBeGreaterThan(0);
  expect(viaMxface).toHaveLength(embedded.length);
  const byX = (faces: Face[]) => [...faces].sort((a, b) => a.rectangle.x - b.rectangle.x);
  const [m, e] = [byX(viaMxface), byX(embedded)];
  m.forEach((face, i) => {
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(face.rectangle[key] - e[i].rectangle[key])).toBeLessThanOrEqual(1);
    face.landmarks.forEach((l, k) => {
      expect(l.type).toBe(e[i].landmarks[k].type);
      expect(Math.abs(l.point.x - e[i].landmarks[k].point.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(l.point.y - e[i].landmarks[k].point.y)).toBeLessThanOrEqual(1);
    });
  });
});

test("MXFace faces get their 68 points from the embedded net on MXFace's box, and a pose", async () => {
  const query = `mutation($image: ImageInput!, $options: DetectionOptions) { detectLandmarks(image: $image, options: $options) {
    faces { rectangle { x } all: landmarks(scheme: IBUG_68) { point { x y } } pose { yaw pitch roll } } } }`;
  const base64 = readBase64('photos', 'bbt3.jpg');
  const run = async (provider: string) =>
    (
      (await server.graphql(query, { image: { base64 }, options: { provider } })).body.data.detectLandmarks.faces as Array<{
        rectangle: { x: number };
        all: Array<{ point: { x: number; y: number } }>;
        pose: { yaw: number; pitch: number; roll: number };
      }>
    ).sort((a, b) => a.rectangle.x - b.rectangle.x);
  const [viaMxface, embedded] = [await run('MXFACE'), await run('EMBEDDED')];
  expect(viaMxface).toHaveLength(embedded.length);
  viaMxface.forEach((face, i) => {
    expect(face.all).toHaveLength(68);
    face.all.forEach((l, k) => expect(Math.hypot(l.point.x - embedded[i].all[k].point.x, l.point.y - embedded[i].all[k].point.y)).toBeLessThan(2));
    expect(Math.abs(face.pose.roll - embedded[i].pose.roll)).toBeLessThan(2);
  });
});

test('ten identical images in one batch cost one upstream call', async () => {
  const base64 = readBase64('photos', 'neutral.jpg');
  const { body } = await server.graphql(DETECT_BATCH, { images: Array.from({ length: 10 }, () => ({ base64 })) });
  expect(body.data.detectLandmarksBatch).toHaveLength(10);
  expect(body.data.detectLandmarksBatch.every((p: { faces: unknown[] }) => p.faces.length === 1)).toBe(true);
  expect(upstream.requests).toHaveLength(1);
});

test('upstream failures are typed user errors per image, and the key never shows', async () => {
  upstream.faults.set({ failNext: 1, errorStatus: 401 });
  const images = [{ base64: readBase64('photos', 'sad.jpg') }, { base64: 'broken base64!' }];
  const { body } = await server.graphql(DETECT_BATCH, { images });
  const [sad, broken] = body.data.detectLandmarksBatch;
  expect(sad.userErrors).toMatchObject([{ code: 'UPSTREAM_AUTH_FAILED', field: ['images', '0'] }]);
  expect(broken.userErrors).toMatchObject([{ code: 'INVALID_BASE64' }]);
  expect(JSON.stringify(body)).not.toContain(TEST_KEY);
});

test("an MXFace face is MXFace's answer: shifted 40 px right and 25 down, its box moves by that and its 68 points follow", async () => {
  const QUERY = `mutation($image: ImageInput!) { detectLandmarks(image: $image, options: { provider: MXFACE }) { faces { rectangle { x y } landmarks(scheme: IBUG_68) { point { x y } } } } }`;
  const base64 = readBase64('photos', 'happy.jpg');
  const centre = (face: { landmarks: Array<{ point: { x: number; y: number } }> }) => ({
    x: face.landmarks.reduce((s, l) => s + l.point.x, 0) / 68,
    y: face.landmarks.reduce((s, l) => s + l.point.y, 0) / 68,
  });
  const plain = (await server.graphql(QUERY, { image: { base64 } })).body.data.detectLandmarks.faces[0];
  upstream.faults.set({ shift: { x: 40, y: 25 } });
  try {
    const moved = (await server.graphql(QUERY, { image: { base64 } })).body.data.detectLandmarks.faces[0];
    expect(moved.rectangle).toEqual({ x: plain.rectangle.x + 40, y: plain.rectangle.y + 25 });
    // The mesh is seeded by MXFace's box and eyes, then fits the face it sees: measured +20.8, +26.7 px.
    // Points computed without MXFace's answer would not move at all.
    const [from, to] = [centre(plain), centre(moved)];
    expect(to.x - from.x).toBeGreaterThan(15);
    expect(to.x - from.x).toBeLessThan(45);
    expect(to.y - from.y).toBeGreaterThan(15);
    expect(to.y - from.y).toBeLessThan(35);
  } finally {
    upstream.faults.reset();
  }
});
