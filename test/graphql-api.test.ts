// The public GraphQL contract over real HTTP, with the real engine.
import { version } from '../package.json';
import { readBase64 } from './support/datasets';
import { DETECT, DETECT_BATCH, startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_BATCH_SIZE: '6' });
});
afterAll(() => server?.stop());

const bbt1 = readBase64('photos', 'bbt1.jpg');
const happy = readBase64('photos', 'happy.jpg');

test('serviceInfo tells the version, provider and limits', async () => {
  const { body } = await server.graphql(
    '{ serviceInfo { version provider providers ready supportedFormats limits { maxImageBytes maxImagePixels maxBatchSize maxRequestBytes maxFaces } } }',
  );
  expect(body.data.serviceInfo).toEqual({
    version,
    provider: 'EMBEDDED',
    providers: ['EMBEDDED'],
    ready: true,
    supportedFormats: ['JPEG', 'PNG', 'WEBP', 'GIF', 'TIFF', 'AVIF', 'BMP'],
    limits: {
      maxImageBytes: server.config.limits.maxImageBytes,
      maxImagePixels: server.config.limits.maxImagePixels,
      maxBatchSize: 6,
      maxRequestBytes: server.config.limits.bodyLimitBytes,
      maxFaces: 1000,
    },
  });
});

test('detectLandmarks returns every face with five named points and the image facts', async () => {
  const { status, body } = await server.graphql(DETECT, { image: { base64: `data:image/jpeg;base64,${bbt1}` } });
  expect(status).toBe(200);
  const payload = body.data.detectLandmarks;
  expect(payload.userErrors).toEqual([]);
  expect(payload.image).toMatchObject({ width: 1366, height: 768, format: 'JPEG', orientation: 1 });
  expect(payload.faces).toHaveLength(4);
  const confidences = payload.faces.map((f: { confidence: number }) => f.confidence);
  expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  for (const face of payload.faces) {
    expect(face.landmarks.map((l: { type: string }) => l.type)).toEqual(['LEFT_EYE', 'RIGHT_EYE', 'NOSE_TIP', 'MOUTH_LEFT', 'MOUTH_RIGHT']);
    for (const { point } of face.landmarks) {
      expect(point.x).toBeGreaterThanOrEqual(face.rectangle.x);
      expect(point.x).toBeLessThanOrEqual(face.rectangle.x + face.rectangle.width);
    }
  }
});

test('maxFaces keeps the most confident faces', async () => {
  const all = (await server.graphql(DETECT, { image: { base64: bbt1 } })).body.data.detectLandmarks.faces;
  const { body } = await server.graphql(DETECT, { image: { base64: bbt1 }, options: { maxFaces: 2 } });
  expect(body.data.detectLandmarks.faces).toEqual(all.slice(0, 2));
});

test('out-of-range options are user errors naming the option', async () => {
  const { body } = await server.graphql(DETECT, { image: { base64: happy }, options: { minConfidence: 1.5 } });
  expect(body.errors).toBeUndefined();
  expect(body.data.detectLandmarks).toMatchObject({
    faces: null,
    userErrors: [{ code: 'INVALID_OPTION', field: ['options', 'minConfidence'] }],
  });
  const zero = await server.graphql(DETECT, { image: { base64: happy }, options: { maxFaces: 0 } });
  expect(zero.body.data.detectLandmarks.userErrors[0]).toMatchObject({ code: 'INVALID_OPTION', field: ['options', 'maxFaces'] });
  const tiny = await server.graphql(DETECT, { image: { base64: happy }, options: { minFaceSize: 7 } });
  expect(tiny.body.data.detectLandmarks.userErrors[0]).toMatchObject({ code: 'INVALID_OPTION', field: ['options', 'minFaceSize'] });
  expect(tiny.body.data.detectLandmarks.userErrors[0].message).toMatch(/at least 8/);
  const eight = await server.graphql(DETECT, { image: { base64: happy }, options: { minFaceSize: 8 } });
  expect(eight.body.data.detectLandmarks.userErrors).toEqual([]);
});

test('a batch answers in input order and one bad image never fails the others', async () => {
  const images = [
    { base64: bbt1 },
    { base64: 'not base64 !' },
    { base64: readBase64('dlib-faces', 'dogs.jpg') },
    { base64: bbt1 },
    { base64: Buffer.from('plain text').toString('base64') },
    { base64: happy },
  ];
  const { body } = await server.graphql(DETECT_BATCH, { images });
  expect(body.errors).toBeUndefined();
  const [first, broken, dogs, again, text, last] = body.data.detectLandmarksBatch;
  expect(first.faces).toHaveLength(4);
  expect(broken).toMatchObject({ faces: null, image: null, userErrors: [{ code: 'INVALID_BASE64', field: ['images', '1', 'base64'] }] });
  expect(dogs).toMatchObject({ faces: [], userErrors: [] });
  expect(again).toEqual(first);
  expect(text.userErrors).toMatchObject([{ code: 'UNSUPPORTED_FORMAT', field: ['images', '4'] }]);
  expect(last.faces).toHaveLength(1);
});

test('a batch over the limit is refused as a whole', async () => {
  const { body } = await server.graphql(DETECT_BATCH, { images: Array.from({ length: 7 }, () => ({ base64: happy })) });
  expect(body.data).toBeNull();
  expect(body.errors?.[0].extensions).toMatchObject({ code: 'BATCH_TOO_LARGE', maxBatchSize: 6 });
});

test('ImageInput is @oneOf: an empty input is a validation error', async () => {
  const { status, body } = await server.graphql(DETECT, { image: {} });
  expect(status).toBe(400);
  expect(body.errors?.[0].message).toMatch(/Exactly one key/);
});

test('every expected failure in the schema has a description', async () => {
  const { body } = await server.graphql('{ __type(name: "ErrorCode") { description enumValues { name description } } }');
  const values = body.data.__type.enumValues;
  expect(values.map((v: { name: string }) => v.name)).toEqual(
    expect.arrayContaining([
      'INVALID_BASE64',
      'UNSUPPORTED_FORMAT',
      'CORRUPT_IMAGE',
      'IMAGE_TOO_LARGE',
      'TOO_MANY_PIXELS',
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_TIMEOUT',
    ]),
  );
  for (const value of values) expect(value.description).toBeTruthy();
});
