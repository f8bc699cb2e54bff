// The error convention for fields of a face: a failure nulls that field alone, with an error that
// names it and carries a code; the payload, its user errors and the other fields stand.
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import type { FaceAnalyser } from '../src/providers/provider';
import { readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';

const engine = new EmbeddedProvider({ threads: 1, engine: 'mediapipe' });
// The real engine, but its expression work and its composites fail as a crashed or broken worker would.
const failingExpressions: FaceAnalyser = {
  meshes: (requests) => engine.meshes(requests),
  warps: (requests) => engine.warps(requests),
  descriptors: (requests, size) => engine.descriptors(requests, size),
  expressions: () => Promise.reject(new Error('worker 3 exited: /opt/engine/secret.wasm out of memory')),
  compose: () => Promise.reject(new Error('worker 3 exited: /opt/engine/secret.wasm out of memory')),
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { provider: engine, analyser: failingExpressions });
});
afterAll(() => server?.stop());

const QUERY = /* GraphQL */ `
  mutation Fields($image: ImageInput!) {
    detectLandmarks(image: $image) {
      faces {
        confidence
        landmarks {
          type
        }
        expressions {
          expression
        }
        dominantExpression
        region(part: EYES, size: 5) {
          width
        }
        aligned(size: 64) {
          width
        }
      }
      userErrors {
        code
      }
    }
  }
`;

test('an engine failure and an argument out of range each null one field, with a code and the field path', async () => {
  const { status, body } = await server.graphql(QUERY, { image: { base64: readBase64('photos', 'neutral.jpg') } });
  expect(status).toBe(200);
  const payload = body.data.detectLandmarks;
  expect(payload.userErrors).toEqual([]);
  const [face] = payload.faces;
  expect(face.confidence).toBeGreaterThan(0.5);
  expect(face.landmarks).toHaveLength(5);
  expect(face.aligned).toEqual({ width: 64 });
  expect(face.expressions).toBeNull();
  expect(face.dominantExpression).toBeNull();
  expect(face.region).toBeNull();
  const byField = Object.fromEntries((body.errors ?? []).map((e) => [String((e as { path?: unknown[] }).path?.at(-1)), e]));
  expect(byField.expressions).toMatchObject({ extensions: { code: 'ENGINE_FAILURE' }, path: ['detectLandmarks', 'faces', 0, 'expressions'] });
  expect(byField.dominantExpression).toMatchObject({ extensions: { code: 'ENGINE_FAILURE' } });
  expect(byField.region).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'size' } });
  // Nothing of the internal failure reaches the client.
  expect(JSON.stringify(body)).not.toMatch(/secret|worker 3|out of memory/);
});

test("an engine failure while composing faces is the payload's ENGINE_FAILURE, with no face and nothing internal", async () => {
  const { status, body } = await server.graphql(
    /* GraphQL */ `
      mutation Average($images: [ImageInput!]!) {
        averageFaces(images: $images) {
          face {
            sources {
              index
            }
          }
          userErrors {
            code
            message
            field
          }
        }
      }
    `,
    { images: [{ base64: readBase64('photos', 'neutral.jpg') }, { base64: readBase64('photos', 'happy.jpg') }] },
  );
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data.averageFaces.face).toBeNull();
  expect(body.data.averageFaces.userErrors).toEqual([
    { code: 'ENGINE_FAILURE', message: 'The face engine failed while composing the faces; retrying may help.', field: null },
  ]);
  expect(JSON.stringify(body)).not.toMatch(/secret|worker 3|out of memory/);
});
