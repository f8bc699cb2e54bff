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
test('helen-dev: all 80 faces; NME 5-pt <= 2.63 %, 68-pt <= 4.74 %, 51 inner <= 3.36 % (measured 2.50, 4.51, 3.20)', async () => {
  const accuracy = await measureAccuracy(server, 'helen-dev');
  expect(accuracy.annotated - accuracy.missed.length).toBe(80);
  expect(accuracy.five).toBeLessThanOrEqual(2.63);
  expect(accuracy.all68).toBeLessThanOrEqual(4.74);
  expect(accuracy.inner51).toBeLessThanOrEqual(3.36);
});

test('dlib-faces: all 43 faces; NME 5-pt <= 3.85 %, 68-pt <= 5.31 % (measured 3.67, 5.06)', async () => {
  const accuracy = await measureAccuracy(server, 'dlib-faces');
  expect(accuracy.missed).toEqual([]);
  expect(accuracy.five).toBeLessThanOrEqual(3.85);
  expect(accuracy.all68).toBeLessThanOrEqual(5.31);
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
