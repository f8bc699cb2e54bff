// The optional YuNet detector (FACE_DETECTOR=yunet) in front of the same mesh, with the model file
// from ../shared/models (never copied into the project), through GraphQL over HTTP.
import { ConfigError, loadConfig } from '../src/config';
import { measureAccuracy } from './support/accuracy';
import { readBase64 } from './support/datasets';
import { sharedPath } from '../tools/shared-folder';
import { DETECT, startTestServer, type TestServer } from './support/server';

const MODEL = sharedPath('models', 'yunet', 'yunet_n_dynamic.onnx');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ FACE_DETECTOR: 'yunet', YUNET_MODEL_PATH: MODEL });
});
afterAll(() => server?.stop());

// Bounds: the measured figure plus 5 % (the engine is deterministic on a runtime).
// Dim pictures are brightened before detection (exposure.ts): YuNet then finds helen-dev's 80th face.
test('helen-dev: all 80 faces; NME 5-pt <= 2.96 %, 68-pt <= 5.36 %, 51 inner <= 3.74 % (measured 2.82, 5.10, 3.56)', async () => {
  const accuracy = await measureAccuracy(server, 'helen-dev');
  expect(accuracy.annotated - accuracy.missed.length).toBe(80);
  expect(accuracy.five).toBeLessThanOrEqual(2.96);
  expect(accuracy.all68).toBeLessThanOrEqual(5.36);
  expect(accuracy.inner51).toBeLessThanOrEqual(3.74);
});

test('dlib-faces: all 43 faces; NME 5-pt <= 4.71 %, 68-pt <= 6.14 % (measured 4.45, 5.84)', async () => {
  const accuracy = await measureAccuracy(server, 'dlib-faces');
  expect(accuracy.missed).toEqual([]);
  expect(accuracy.five).toBeLessThanOrEqual(4.71);
  expect(accuracy.all68).toBeLessThanOrEqual(6.14);
});

test.each([
  ['dlib-faces/dogs.jpg', 0],
  ['photos/bbt4.jpg', 6],
  ['photos/happy.jpg', 1],
])('finds %s faces as BlazeFace does: %i', async (file, count) => {
  const { body } = await server.graphql(DETECT, { image: { base64: readBase64(...file.split('/')) } });
  expect(body.data.detectLandmarks.faces).toHaveLength(count);
});

test.each([
  [{ FACE_DETECTOR: 'yunet' }, /YUNET_MODEL_PATH: required/],
  [{ FACE_DETECTOR: 'yunet', YUNET_MODEL_PATH: '/nowhere/yunet.onnx' }, /YUNET_MODEL_PATH: no file at \/nowhere\/yunet.onnx/],
  [{ FACE_DETECTOR: 'yunet', YUNET_MODEL_PATH: MODEL, EMBEDDED_ENGINE: 'faceapi' }, /FACE_DETECTOR: yunet seeds the mediapipe engine/],
  [{ FACE_DETECTOR: 'retinaface' }, /FACE_DETECTOR/],
])('a configuration that cannot work is refused at start: %j', (env, message) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});
