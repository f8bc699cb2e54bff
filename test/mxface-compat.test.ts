// The drop-in MXFace REST endpoint on the main service: MXFace clients switch by changing the base URL.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import { MxfaceProvider } from '../src/providers/mxface/mxface.provider';
import { checkImage } from '../src/image/image-decoder';
import { dataset, readBase64 } from './support/datasets';
import { mxfaceConfig } from './support/mxface';
import { startTestServer, type TestServer } from './support/server';
import fs from 'node:fs';
import { ProviderName } from '../src/config';

const COMPAT_KEY = 'compat-key-1';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WORKER_THREADS: '1', MXFACE_COMPAT_KEYS: `other-key, ${COMPAT_KEY}` });
});
afterAll(() => server?.stop());

const post = (path: string, body: string, key: string | null = COMPAT_KEY) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { subscriptionkey: key } : {}) },
    body,
  });

test.each(['/api', '/api/v2', '/api/v3'])('%s/face/landmark answers the documented face list', async (prefix) => {
  const response = await post(`${prefix}/face/landmark`, JSON.stringify({ encoded_image: readBase64('photos', 'bbt1.jpg') }));
  expect(response.status).toBe(200);
  const faces = (await response.json()) as Array<Record<string, unknown>>;
  expect(faces).toHaveLength(4);
  for (const face of faces) {
    expect(Object.keys(face).sort()).toEqual(['faceLandmark', 'faceRectangle', 'quality']);
    expect(Object.keys(face.faceLandmark as object).sort()).toEqual(['eye_left', 'eye_right', 'mouthLeft', 'mouthRight', 'nose']);
    expect(Number.isInteger((face.faceRectangle as { x: number }).x)).toBe(true);
    expect(face.quality).toBeGreaterThan(0);
    expect(face.quality).toBeLessThanOrEqual(1);
  }
});

test('no face: 200 with an empty list', async () => {
  const response = await post('/api/face/landmark', JSON.stringify({ encoded_image: readBase64('dlib-faces', 'dogs.jpg') }));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual([]);
});

test('minimumDistanceBetweenEyeThreshold drops faces with closer eyes', async () => {
  const body = (threshold: number) => JSON.stringify({ encoded_image: readBase64('photos', 'bbt1.jpg'), minimumDistanceBetweenEyeThreshold: threshold });
  expect(await (await post('/api/face/landmark', body(10))).json()).toHaveLength(4);
  expect(await (await post('/api/face/landmark', body(10_000))).json()).toEqual([]);
});

test.each([
  ['a missing key', null, 401],
  ['a wrong key', 'nope', 401],
])('%s is refused with the vendor envelope', async (_name, key, status) => {
  const response = await post('/api/face/landmark', JSON.stringify({ encoded_image: readBase64('photos', 'happy.jpg') }), key);
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ code: 401, error: 'Access denied due to invalid subscription key or wrong API endpoint.' });
});

test.each([
  ['invalid JSON', '{"encoded_image": ', 400, 'The request body is not valid JSON.'],
  ['a missing parameter', '{}', 400, expect.stringContaining('encoded_image')],
  ['broken base64', '{"encoded_image": "@@@@"}', 400, 'The input is not a valid Base-64 string.'],
  ['text that is not an image', JSON.stringify({ encoded_image: Buffer.from('hello').toString('base64') }), 400, expect.stringContaining('not an image')],
])('%s is a 400 in the vendor envelope', async (_name, body, status, message) => {
  const response = await post('/api/face/landmark', body);
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ code: status, error: message });
});

test('a body over 10 MB is refused with an envelope', async () => {
  const response = await post('/api/face/landmark', JSON.stringify({ encoded_image: 'A'.repeat(11 * 1024 * 1024) }));
  expect(response.status).toBe(413);
  expect(((await response.json()) as { code: number }).code).toBe(413);
});

test("the service's own MXFace client reads the endpoint: a round trip through the contract", async () => {
  const client = new MxfaceProvider({ ...mxfaceConfig(server.url), subscriptionKey: COMPAT_KEY });
  const bytes = fs.readFileSync(dataset('photos', 'bbt1.jpg'));
  const image = await checkImage({ bytes, sha256: 'bbt1' }, { maxPixels: 40_000_000, maxSide: 1280 });
  const [faces] = await client.detect([image], { minConfidence: 0.3, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.MXFACE });
  expect(faces).toHaveLength(4);
});

test('without MXFACE_COMPAT_KEYS the endpoint is open', async () => {
  const open = await startTestServer({ WORKER_THREADS: '1' }, { start: false });
  try {
    const response = await fetch(`${open.url}/api/face/landmark`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400); // past the key check, stopped by the missing parameter
  } finally {
    await open.stop();
  }
});
