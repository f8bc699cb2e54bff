// Face.expressions / dominantExpression: the labelled photos, and one batched inference per request.
import type { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';
import { ProviderName } from '../src/config';

const LABELLED = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'];

const QUERY = /* GraphQL */ `
  mutation Expressions($images: [ImageInput!]!) {
    detectLandmarksBatch(images: $images) {
      faces {
        confidence
        dominantExpression
        expressions {
          expression
          probability
        }
      }
      userErrors {
        code
      }
    }
  }
`;

let server: TestServer;
let engine: EmbeddedProvider;
beforeAll(async () => {
  server = await startTestServer();
  engine = server.providers.get(ProviderName.EMBEDDED) as EmbeddedProvider;
});
afterAll(() => server?.stop());

interface ExpressionFace {
  dominantExpression: string;
  expressions: Array<{ expression: string; probability: number }>;
}

async function batch(files: string[]): Promise<ExpressionFace[][]> {
  const { body } = await server.graphql(QUERY, { images: files.map((f) => ({ base64: readBase64('photos', f) })) });
  expect(body.errors).toBeUndefined();
  return body.data.detectLandmarksBatch.map((p: { faces: ExpressionFace[] }) => p.faces);
}

test('the dominant expression matches the label of at least six of the seven labelled photos', async () => {
  const results = await batch(LABELLED.map((name) => `${name}.jpg`));
  const dominant = results.map((faces) => faces[0].dominantExpression.toLowerCase());
  console.log(`expressions: ${LABELLED.map((label, i) => `${label}->${dominant[i]}`).join(', ')}`);
  expect(dominant.filter((d, i) => d === LABELLED[i]).length).toBeGreaterThanOrEqual(6);
  for (const [face] of results) {
    expect(face.expressions.map((e) => e.expression).sort()).toEqual(['ANGRY', 'DISGUSTED', 'FEARFUL', 'HAPPY', 'NEUTRAL', 'SAD', 'SURPRISED']);
    expect(face.expressions.reduce((sum, e) => sum + e.probability, 0)).toBeCloseTo(1, 3);
    expect(face.expressions[0].expression).toBe(face.dominantExpression);
  }
});

test('expressions of every face across five group photos run as one batched inference', async () => {
  const before = engine.stats.expressions;
  const results = await batch(['bbt1.jpg', 'bbt2.jpg', 'bbt3.jpg', 'bbt4.jpg', 'bbt5.jpg']);
  const faces = results.flat();
  console.log(`${faces.length} faces across bbt1-5.jpg`);
  // Every face of the five photos: 4 + 3 + 5 + 6 + 5 (test/accuracy.test.ts counts each).
  expect(faces.length).toBe(23);
  expect(faces.every((f) => f.expressions.length === 7)).toBe(true);
  expect(engine.stats.expressions - before).toBe(1);
});

test('nothing is inferred when the query does not select expressions', async () => {
  const before = engine.stats.expressions;
  await server.graphql('mutation($i: ImageInput!) { detectLandmarks(image: $i) { faces { confidence } } }', {
    i: { base64: readBase64('photos', 'happy.jpg') },
  });
  expect(engine.stats.expressions).toBe(before);
});
