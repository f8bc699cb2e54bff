// The mxface provider against the local MXFace server: the wire contract, every response variation,
// every fault kind, retries, the circuit breaker, the concurrency limit, and the key kept secret.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureLogging } from '../src/logger';
import sharp from 'sharp';
import { checkImage, type CheckedImage } from '../src/image/image-decoder';
import type { ResponseVariant } from '../tools/mxface-server/fault-injection';
import { startMxfaceServer, type MxfaceServer } from '../tools/mxface-server/mxface-server';
import { MxfaceProvider } from '../src/providers/mxface/mxface.provider';
import type { MxfaceConfig } from '../src/config';
import type { ProviderFace } from '../src/providers/provider';
import { dataset } from './support/datasets';
import { mxfaceConfig, TEST_KEY } from './support/mxface';
import { ProviderName } from '../src/config';

const SETTINGS = { minConfidence: 0.3, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.MXFACE };
let upstream: MxfaceServer;
let happy: CheckedImage;
let dogs: CheckedImage;
const LOG_FILE = path.join(os.tmpdir(), `facemark-mxface-provider-${process.pid}.log`);

beforeAll(async () => {
  upstream = await startMxfaceServer({ keys: [TEST_KEY], threads: 1 });
  const load = async (file: string) => {
    const bytes = await sharp(dataset(...file.split('/')))
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    return checkImage({ bytes, sha256: file }, { maxPixels: 40_000_000, maxSide: 1280 });
  };
  happy = await load('photos/happy.jpg');
  // Upright: turned 90 degrees, one dog passes every check of the embedded engine (README, known limits).
  dogs = await checkImage({ bytes: fs.readFileSync(dataset('dlib-faces', 'dogs.jpg')), sha256: 'dogs' }, { maxPixels: 40_000_000, maxSide: 1280 });
  // The provider logs through pino: its real stream goes to a file this test reads.
  configureLogging({ level: 'debug', pretty: false, file: LOG_FILE });
});
afterAll(async () => {
  configureLogging({ level: 'info', pretty: false });
  await upstream?.stop();
  // Whatever happened in this file, lines were written (the breaker opened and closed) and the key never reached one.
  const lines = fs.readFileSync(LOG_FILE, 'utf8');
  fs.rmSync(LOG_FILE, { force: true });
  expect(lines).toContain('mxface circuit opened');
  expect(lines).toContain('mxface circuit closed');
  expect(lines).not.toContain(TEST_KEY);
});
beforeEach(() => {
  upstream.faults.reset();
  upstream.clearRequests();
});

const provider = (patch: Partial<MxfaceConfig> = {}) => new MxfaceProvider(mxfaceConfig(upstream.url, patch));

async function detectOne(p: MxfaceProvider, image = happy): Promise<ProviderFace[] | { code: string; message: string }> {
  const [answer] = await p.detect([image], SETTINGS);
  if (answer instanceof Error) {
    expect(answer.message).not.toContain(TEST_KEY);
    return { code: (answer as { code?: string }).code ?? 'none', message: answer.message };
  }
  return answer;
}

test('sends the contract: path, key header, JSON body with the upright image as plain base64', async () => {
  const p = provider({ apiPrefix: '/api/v3' });
  const faces = await detectOne(p);
  expect(faces).toHaveLength(1);
  const [request] = upstream.requests;
  expect(request.path).toBe('/api/v3/face/landmark');
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.headers.subscriptionkey).toBe(TEST_KEY);
  const body = request.body as { encoded_image: string };
  expect(Object.keys(body)).toEqual(['encoded_image']);
  expect(body.encoded_image).toMatch(/^[A-Za-z0-9+/]+=*$/);
  // EXIF orientation 6 was applied before sending: the upstream sees the upright picture.
  const sent = await sharp(Buffer.from(body.encoded_image, 'base64')).metadata();
  expect({ format: sent.format, width: sent.width, height: sent.height, orientation: sent.orientation }).toEqual({
    format: 'png',
    width: (await happy.pixels()).width,
    height: (await happy.pixels()).height,
    orientation: undefined,
  });
});

test('an upright JPEG is sent byte for byte, without decoding it', async () => {
  const bytes = fs.readFileSync(dataset('photos', 'bbt1.jpg'));
  const image = await checkImage({ bytes, sha256: 'bbt1' }, { maxPixels: 40_000_000, maxSide: 1280 });
  const pixels = jest.spyOn(image, 'pixels');
  const [faces] = await provider().detect([image], SETTINGS);
  expect(faces).toHaveLength(4);
  expect((upstream.requests[0].body as { encoded_image: string }).encoded_image).toBe(bytes.toString('base64'));
  expect(pixels).not.toHaveBeenCalled();
});

test('no face is an empty list, not an error', async () => {
  expect(await detectOne(provider(), dogs)).toEqual([]);
});

const VARIANTS: ResponseVariant[] = ['array', 'wrapped-array', 'object', 'quality-100', 'no-mouth', 'extra-fields'];

test.each(VARIANTS)('reads the %s response variation', async (variant) => {
  upstream.faults.set({ variant });
  const faces = (await detectOne(provider())) as ProviderFace[];
  expect(faces).toHaveLength(1);
  const [face] = faces;
  expect(face.quality).toBeGreaterThan(0.3);
  expect(face.quality).toBeLessThanOrEqual(1);
  expect(face.fivePoints!.leftEye.x).toBeLessThan(face.fivePoints!.rightEye.x);
  if (variant === 'no-mouth') expect(face.fivePoints!.mouthLeft).toBeUndefined();
  else expect(face.fivePoints!.mouthLeft).toBeDefined();
});

test("the faces are the upstream's: a stand-in answering 40 px right and 25 px down moves every box and point by exactly that", async () => {
  const plain = (await detectOne(provider())) as ProviderFace[];
  upstream.faults.set({ shift: { x: 40, y: 25 } });
  const moved = (await detectOne(provider())) as ProviderFace[];
  expect(moved).toHaveLength(1);
  const by = (p: { x: number; y: number }) => ({ x: p.x + 40, y: p.y + 25 });
  expect(moved[0]!.box).toEqual({ ...plain[0]!.box, ...by(plain[0]!.box) });
  for (const key of ['leftEye', 'rightEye', 'noseTip', 'mouthLeft', 'mouthRight'] as const) {
    expect(moved[0]!.fivePoints![key]).toEqual(by(plain[0]!.fivePoints![key]!));
  }
});

test('quality on 0..100 is normalised to the same value as on 0..1', async () => {
  const plain = (await detectOne(provider())) as ProviderFace[];
  upstream.faults.set({ variant: 'quality-100' });
  const scaled = (await detectOne(provider())) as ProviderFace[];
  expect(scaled[0].quality).toBeCloseTo(plain[0].quality, 5);
});

describe('faults', () => {
  test('5xx twice, then success: retried within the attempt budget', async () => {
    upstream.faults.set({ failNext: 2, errorStatus: 503 });
    const p = provider();
    expect(await detectOne(p)).toHaveLength(1);
    expect(p.stats.attempts).toBe(3);
  });

  test('5xx beyond the attempt budget: UPSTREAM_UNAVAILABLE after exactly maxAttempts', async () => {
    upstream.faults.set({ failNext: 10, errorStatus: 500 });
    const p = provider({ maxAttempts: 3 });
    expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(p.stats.attempts).toBe(3);
  });

  test('a 429 burst is retried; a lasting one is UPSTREAM_RATE_LIMITED', async () => {
    upstream.faults.set({ rateLimitNext: 1 });
    const once = provider();
    expect(await detectOne(once)).toHaveLength(1);
    expect(once.stats.attempts).toBe(2);
    upstream.faults.set({ rateLimitNext: 10 });
    const lasting = provider({ maxAttempts: 2 });
    expect(await detectOne(lasting)).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' });
    expect(lasting.stats.attempts).toBe(2);
  });

  test('a wrong key is UPSTREAM_AUTH_FAILED at once, not retried', async () => {
    const p = new MxfaceProvider({ ...mxfaceConfig(upstream.url), subscriptionKey: 'sk-wrong-key' });
    const result = await detectOne(p);
    expect(result).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED' });
    expect((result as { message: string }).message).not.toContain('sk-wrong-key');
    expect(p.stats.attempts).toBe(1);
  });

  test('a 400 is UPSTREAM_REJECTED_IMAGE with the upstream message, not retried', async () => {
    upstream.faults.set({ failNext: 1, errorStatus: 400 });
    const p = provider();
    expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_REJECTED_IMAGE', message: expect.stringContaining('Injected failure') });
    expect(p.stats.attempts).toBe(1);
  });

  test('a dropped connection is retried', async () => {
    upstream.faults.set({ dropNext: 1 });
    const p = provider();
    expect(await detectOne(p)).toHaveLength(1);
    expect(p.stats.attempts).toBe(2);
  });

  test('malformed JSON is UPSTREAM_PROTOCOL_ERROR, not retried, not a crash', async () => {
    upstream.faults.set({ malformedNext: 1 });
    const p = provider();
    expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_PROTOCOL_ERROR' });
    expect(p.stats.attempts).toBe(1);
  });

  test('latency beyond the attempt timeout is retried, then UPSTREAM_TIMEOUT', async () => {
    upstream.faults.set({ latencyMs: 600 });
    const p = provider({ attemptTimeoutMs: 200, maxAttempts: 2 });
    expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(p.stats.attempts).toBe(2);
  });

  test('a body trickling in past the attempt timeout is UPSTREAM_TIMEOUT', async () => {
    upstream.faults.set({ slowBodyMs: 1500 });
    const p = provider({ attemptTimeoutMs: 800, maxAttempts: 1 });
    expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });

  test('the total timeout bounds all attempts together', async () => {
    upstream.faults.set({ latencyMs: 400 });
    const p = provider({ attemptTimeoutMs: 300, totalTimeoutMs: 700, maxAttempts: 10 });
    expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(p.stats.attempts).toBeLessThanOrEqual(3);
  });
});

test('the circuit opens after consecutive failures, fails fast, and closes after the cool-down', async () => {
  const p = provider({ maxAttempts: 1, breakerFailures: 3, breakerCooldownMs: 400 });
  upstream.faults.set({ failNext: 3, errorStatus: 502 });
  for (let i = 0; i < 3; i++) expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  expect(p.circuit).not.toBe('0'); // CircuitState.Closed = 0
  const before = upstream.requests.length;
  expect(await detectOne(p)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/paused/) });
  expect(upstream.requests.length).toBe(before); // failed fast: the upstream saw nothing
  await new Promise((r) => setTimeout(r, 500));
  expect(await detectOne(p)).toHaveLength(1); // the half-open probe succeeds
  expect(p.circuit).toBe('0');
});

test('calls in flight never exceed the concurrency limit, and a batch fans out to it', async () => {
  upstream.faults.set({ latencyMs: 150, canned: true });
  const p = provider({ concurrency: 2 });
  const images = await Promise.all(Array.from({ length: 6 }, async (_, i) => ({ ...happy, info: { ...happy.info, sha256: `img-${i}` } })));
  const results = await p.detect(images, SETTINGS);
  expect(results.every((r) => Array.isArray(r) && r.length === 1)).toBe(true);
  expect(upstream.maxInFlight()).toBe(2);
});
