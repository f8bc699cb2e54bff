// Landmark accuracy on faces annotated by people (helen-dev), through GraphQL over HTTP: the figures
// the default engine is tuned and judged on.
import { iou, type Point } from '../src/geometry/geometry';
import { landmarkErrors } from '../src/geometry/landmark-error';
import { groundTruth, readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';

const QUERY = /* GraphQL */ `
  mutation Helen($image: ImageInput!) {
    detectLandmarks(image: $image) {
      faces {
        rectangle { x y width height }
        points: landmarks(scheme: IBUG_68) { point { x y } }
      }
      userErrors { code }
    }
  }
`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('helen-dev: every annotated face found, 5-point NME <= 3.7 % and 68-point NME <= 7.7 %', async () => {
  let annotated = 0;
  const five: number[] = [];
  const all: number[] = [];
  const inner: number[] = [];
  const missed: string[] = [];
  for (const image of groundTruth('helen-dev')) {
    const { body } = await server.graphql(QUERY, { image: { base64: readBase64('helen-dev', image.file) } });
    expect(body.errors).toBeUndefined();
    const faces: Array<{ rectangle: { x: number; y: number; width: number; height: number }; points: Array<{ point: Point }> }> = body.data.detectLandmarks.faces;
    for (const truth of image.faces) {
      annotated++;
      const match = faces.map((f) => ({ f, overlap: iou(f.rectangle, truth.box) })).sort((a, b) => b.overlap - a.overlap)[0];
      if (!match || match.overlap < 0.3) {
        missed.push(image.file);
        continue;
      }
      const errors = landmarkErrors(
        truth.landmarks68.map(([x, y]) => ({ x, y })),
        match.f.points.map((l) => l.point),
      );
      five.push(errors.five);
      all.push(errors.all68);
      inner.push(errors.inner51);
    }
  }
  console.log(
    `helen-dev: recall ${annotated - missed.length}/${annotated}, 5-pt NME ${mean(five).toFixed(2)}%, 68-pt ${mean(all).toFixed(2)}%, 51-pt (no jaw) ${mean(inner).toFixed(2)}%`,
  );
  expect(annotated).toBe(80);
  expect(missed).toEqual([]);
  expect(mean(five)).toBeLessThanOrEqual(3.7);
  expect(mean(all)).toBeLessThanOrEqual(7.7);
});
