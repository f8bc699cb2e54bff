// Many requests at once over different photos: each gets the answer it gets alone. Images of
// different requests share worker tasks and mesh batches, so cross-talk would show here.
import fs from 'node:fs';
import { dataset } from './support/datasets';
import { DETECT, startTestServer, type TestServer } from './support/server';

interface Answer {
  rectangle: Record<string, number>;
  confidence: number;
  landmarks: Array<{ point: { x: number; y: number } }>;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const facesOf = (base64: string) => server.faces<Answer>(DETECT, base64);

test('12 photos sent at once each get the faces and points they get one at a time', async () => {
  const photos = fs.readdirSync(dataset('photos')).map((file) => fs.readFileSync(dataset('photos', file)).toString('base64'));
  expect(photos).toHaveLength(12);
  const alone: Answer[][] = [];
  for (const photo of photos) alone.push(await facesOf(photo));
  const together = await Promise.all(photos.map(facesOf));
  let points = 0;
  together.forEach((faces, i) => {
    expect(faces).toHaveLength(alone[i]!.length);
    faces.forEach((face, f) => {
      const reference = alone[i]![f]!;
      expect(Math.abs(face.confidence - reference.confidence)).toBeLessThan(1e-4);
      for (const key of ['x', 'y', 'width', 'height']) expect(Math.abs(face.rectangle[key]! - reference.rectangle[key]!)).toBeLessThan(1e-3);
      // Mesh batches of different sizes may round differently in the last bits, never more.
      face.landmarks.forEach((l, k) => {
        expect(Math.abs(l.point.x - reference.landmarks[k]!.point.x)).toBeLessThan(1e-2);
        expect(Math.abs(l.point.y - reference.landmarks[k]!.point.y)).toBeLessThan(1e-2);
        points++;
      });
    });
  });
  expect(points).toBeGreaterThanOrEqual(5 * 30);
});
