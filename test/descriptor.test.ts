// Face.descriptor: the same person in two different photos is closer than anyone else.
import type { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';
import { ProviderName } from '../src/config';

// Labelled by eye: the centre of each face box, in original pixels, and who it is.
const PEOPLE: Record<string, Array<[string, number, number]>> = {
  'bbt3.jpg': [
    ['Raj', 400, 140],
    ['Howard', 185, 120],
    ['Sheldon', 65, 60],
    ['Leonard', 515, 130],
    ['Penny', 285, 135],
  ],
  'bbt4.jpg': [
    ['Leonard', 100, 300],
    ['Penny', 295, 265],
    ['Sheldon', 510, 215],
    ['Raj', 275, 85],
    ['Bernadette', 620, 110],
    ['Amy', 125, 55],
  ],
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WORKER_THREADS: '1' });
});
afterAll(() => server?.stop());

interface Face {
  rectangle: { x: number; y: number; width: number; height: number };
  descriptor: number[];
}

const distance = (a: number[], b: number[]) => Math.sqrt(a.reduce((sum, v, i) => sum + (v - b[i]) ** 2, 0));

test('the same person in bbt3 and bbt4 is closer than every other person of bbt4', async () => {
  const engine = server.providers.get(ProviderName.EMBEDDED) as EmbeddedProvider;
  const before = engine.stats.descriptors;
  const files = Object.keys(PEOPLE);
  const { body } = await server.graphql(
    'mutation($images: [ImageInput!]!) { detectLandmarksBatch(images: $images) { faces { rectangle { x y width height } descriptor } } }',
    { images: files.map((file) => ({ base64: readBase64('photos', file) })) },
  );
  expect(body.errors).toBeUndefined();
  expect(engine.stats.descriptors - before).toBe(1);
  // Name each detected face by the labelled point inside its box.
  const named = files.map((file, i) => {
    const faces: Face[] = body.data.detectLandmarksBatch[i].faces;
    return new Map(
      PEOPLE[file].map(([name, x, y]) => {
        const face = faces.find(
          (f) => x >= f.rectangle.x && x <= f.rectangle.x + f.rectangle.width && y >= f.rectangle.y && y <= f.rectangle.y + f.rectangle.height,
        );
        expect(face).toBeDefined();
        expect(face!.descriptor).toHaveLength(128);
        return [name, face!.descriptor] as const;
      }),
    );
  });
  const [first, second] = named;
  const both = [...first.keys()].filter((name) => second.has(name));
  expect(both.sort()).toEqual(['Leonard', 'Penny', 'Raj', 'Sheldon']);
  for (const name of both) {
    const same = distance(first.get(name)!, second.get(name)!);
    const others = [...second].filter(([other]) => other !== name).map(([, d]) => distance(first.get(name)!, d));
    console.log(`${name}: same ${same.toFixed(3)}, nearest other ${Math.min(...others).toFixed(3)}`);
    expect(same).toBeLessThan(Math.min(...others));
    expect(same).toBeLessThan(0.4);
  }
});
