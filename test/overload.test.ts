// Overload and cancellation at the engine's queue, through the real server and engine: one worker
// is held by a test-controlled latch while the images of the request under test wait behind it.
import sharp from 'sharp';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { dataset, readBase64 } from './support/datasets';
import { DETECT, DETECT_BATCH, startTestServer, type TestServer } from './support/server';
import { waitFor } from './support/service-process';

let server: TestServer;
let engine: EmbeddedProvider;
beforeAll(async () => {
  engine = new EmbeddedProvider({ threads: 1, engine: 'mediapipe', maxQueuedImages: 2 });
  server = await startTestServer({}, { provider: engine, analyser: engine });
});
afterAll(() => server?.stop());

/** Distinct small photos (the same face at different widths). */
const variants = (count: number) =>
  Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      base64: (
        await sharp(dataset('photos', 'happy.jpg'))
          .resize(300 + i * 8)
          .jpeg()
          .toBuffer()
      ).toString('base64'),
    })),
  );

// The engine's queue changes within milliseconds: poll it closely.
const until = (condition: () => boolean, what: string) => waitFor(() => (condition() ? true : undefined), what, 30_000, 5);

type EngineTask = (name: string, input: unknown) => Promise<unknown>;

/**
 * Holds the worker with a latch the test releases: the next engine task waits at the gate, then runs for
 * real. What waits behind it then depends on the test, not on how fast the CPU is.
 */
async function holdTheWorker() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const engineTasks = engine as unknown as { run: EngineTask };
  const realRun = engineTasks.run.bind(engine);
  jest.spyOn(engineTasks, 'run').mockImplementationOnce(async (name, input) => {
    await gate;
    return realRun(name, input);
  });
  const started = engine.queue.counts.started;
  const held = server.graphql(DETECT, { image: { base64: readBase64('photos', 'angry.jpg') } });
  await until(() => engine.queue.counts.started > started && engine.queue.running === 1, 'the held photo to start');
  return { held, release };
}

test('past MAX_QUEUED_IMAGES, images get SERVER_BUSY at once and the rest are served; /ready says busy meanwhile', async () => {
  const images = await variants(4);
  const { held, release } = await holdTheWorker();
  const batch = server.graphql(DETECT_BATCH, { images });
  await until(() => engine.queue.full, 'the queue to fill');
  const ready = await fetch(`${server.url}/ready`);
  expect(ready.status).toBe(503);
  expect(ready.headers.get('retry-after')).toBe('1');
  expect(await ready.json()).toMatchObject({ status: 'busy' });
  // The MXFace-compatible endpoint says the same in HTTP terms.
  const compat = await fetch(`${server.url}/api/face/landmark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ encoded_image: readBase64('photos', 'sad.jpg') }),
  });
  expect(compat.status).toBe(503);
  expect(compat.headers.get('retry-after')).toBe('1');

  release();
  const { status, body } = await batch;
  expect(status).toBe(200);
  const payloads = body.data.detectLandmarksBatch as Array<{ faces: unknown[]; userErrors: Array<{ code: string; message: string }> }>;
  const busy = payloads.filter((p) => p.userErrors[0]?.code === 'SERVER_BUSY');
  const served = payloads.filter((p) => p.userErrors.length === 0 && p.faces.length === 1);
  expect(busy).toHaveLength(2);
  expect(served).toHaveLength(2);
  expect(busy[0]?.userErrors[0]?.message).toMatch(/busy.*retry/i);
  expect((await held).body.data.detectLandmarks.faces).toHaveLength(1);
  expect((await fetch(`${server.url}/ready`)).status).toBe(200);
});

test('a client that aborts drops its images still waiting: the engine never runs them', async () => {
  const body = JSON.stringify({ query: DETECT_BATCH, variables: { images: await variants(2) } });
  const { held, release } = await holdTheWorker();
  const { started, cancelled } = engine.queue.counts;
  const client = new AbortController();
  const batch = fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: client.signal,
  });
  await until(() => engine.queue.queued === 2, 'the images to queue');
  client.abort();
  await expect(batch).rejects.toThrow();
  await until(() => engine.queue.queued === 0, 'the queue to drop them');
  release();
  expect((await held).body.data.detectLandmarks.faces).toHaveLength(1);
  expect(engine.queue.counts.cancelled - cancelled).toBe(2);
  expect(engine.queue.counts.started - started).toBe(0);
});
