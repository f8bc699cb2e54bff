import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, envSchema, loadConfig, ProviderName } from '../../src/config';

test('defaults: the embedded MediaPipe engine with BlazeFace, no MXFace', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    provider: ProviderName.EMBEDDED,
    embeddedEnabled: true,
    embeddedEngine: 'mediapipe',
    faceDetector: { name: 'blazeface' },
    port: 4000,
  });
  expect(config.mxface).toBeUndefined();
  expect(config.limits.maxImageBytes).toBe(10 * 1024 * 1024);
});

test('every problem is listed at once, by variable', () => {
  let message = '';
  try {
    loadConfig({ PORT: 'eighty', MAX_BATCH_SIZE: '0', LANDMARK_PROVIDER: 'cloud9' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    message = (error as Error).message;
  }
  expect(message).toMatch(/PORT/);
  expect(message).toMatch(/MAX_BATCH_SIZE/);
  expect(message).toMatch(/LANDMARK_PROVIDER/);
});

test('the mxface provider needs its key; the key is kept, trailing slashes of the URL are not', () => {
  expect(() => loadConfig({ LANDMARK_PROVIDER: 'mxface' })).toThrow(/MXFACE_SUBSCRIPTION_KEY: required/);
  const config = loadConfig({ LANDMARK_PROVIDER: 'mxface', MXFACE_SUBSCRIPTION_KEY: 'k', MXFACE_URL: 'http://127.0.0.1:9/' });
  expect(config.mxface).toMatchObject({ subscriptionKey: 'k', url: 'http://127.0.0.1:9' });
});

test('empty values count as unset; lists are split and trimmed', () => {
  const config = loadConfig({ PORT: '', CORS_ORIGINS: ' https://a.example , https://b.example ,', MXFACE_COMPAT_KEYS: '' });
  expect(config.port).toBe(4000);
  expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  expect(config.mxfaceCompatKeys).toBeUndefined();
});

test('rate limit: none by default without keys, 600 images per key with them; RATE_LIMIT_IMAGES sets it either way', () => {
  expect(loadConfig({}).access.rateLimit.images).toBe(0);
  expect(loadConfig({ API_KEYS: 'k1' }).access.rateLimit.images).toBe(600);
  expect(loadConfig({ RATE_LIMIT_IMAGES: '50' }).access.rateLimit.images).toBe(50);
  expect(loadConfig({ API_KEYS: 'k1', RATE_LIMIT_IMAGES: '0' }).access.rateLimit.images).toBe(0);
});

// The documented defaults (docs/configuration.md, the table users read) are the oracle for the schema's.
test('every default the configuration page states is the one the service applies', () => {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');
  const documented = [...page.matchAll(/^\| `([A-Z0-9_]+)` \| `([^`]+)`(?: \([^)]*\))? \|/gm)].map(([, name, value]) => [name!, value!] as const);
  expect(documented.length).toBeGreaterThan(40);
  const parsed = envSchema.parse({}) as Record<string, unknown>;
  for (const [name, value] of documented) {
    const applied = parsed[name] ?? (name === 'INTROSPECTION' ? String(loadConfig({}).graphql.introspection) : undefined);
    expect([name, Array.isArray(applied) ? applied.join(',') : String(applied)]).toEqual([name, value]);
  }
});

const INT_RANGES: Record<string, [number, number]> = {
  PORT: [0, 65535],
  WORKER_THREADS: [1, 64],
  MAX_QUEUED_IMAGES: [1, 100_000],
  WARM_UP_REQUESTS: [0, 1000],
  MAX_IMAGE_BYTES: [1024, 100 * 2 ** 20],
  MAX_IMAGE_PIXELS: [1024, 200_000_000],
  MAX_BATCH_SIZE: [1, 256],
  BODY_LIMIT_BYTES: [1024, 4 * 2 ** 30],
  URL_FETCH_TIMEOUT_MS: [100, 300_000],
  URL_MAX_REDIRECTS: [0, 20],
  DETECTION_MAX_SIDE: [128, 8192],
  MAX_CROP_SIZE: [16, 4096],
  MAX_COMPOSE_IMAGES: [2, 1000],
  MAX_QUERY_DEPTH: [2, 100],
  MAX_ALIASES: [1, 1000],
  MAX_QUERY_COST: [1, 1_000_000],
  MAX_QUERY_TOKENS: [100, 1_000_000],
  SHUTDOWN_TIMEOUT_MS: [0, 600_000],
  MXFACE_ATTEMPT_TIMEOUT_MS: [100, 300_000],
  MXFACE_TOTAL_TIMEOUT_MS: [100, 600_000],
  MXFACE_MAX_ATTEMPTS: [1, 10],
  MXFACE_RETRY_BASE_MS: [1, 60_000],
  MXFACE_CONCURRENCY: [1, 256],
  MXFACE_BREAKER_FAILURES: [1, 1000],
  MXFACE_BREAKER_COOLDOWN_MS: [100, 3_600_000],
  RATE_LIMIT_IMAGES: [0, 10_000_000],
  RATE_LIMIT_WINDOW_SECONDS: [1, 86_400],
  CACHE_TTL_SECONDS: [1, 30 * 86_400],
  CACHE_MAX_ENTRY_BYTES: [1024, 64 * 2 ** 20],
  MAX_VIDEO_BYTES: [1024, 16 * 2 ** 30],
  MAX_VIDEO_SECONDS: [1, 86_400],
  MAX_VIDEO_PIXELS: [1024, 100_000_000],
  VIDEO_RESULT_TTL_SECONDS: [1, 30 * 86_400],
  VIDEO_WORKERS: [1, 64],
  VIDEO_REDIS_MAX_BYTES: [1024, 512 * 1024 * 1024],
  VIDEO_SEGMENT_SECONDS: [2, 600],
  VIDEO_LOCK_SECONDS: [2, 3600],
  VIDEO_DECODER_MAX_MEMORY_MB: [512, 64 * 1024],
  VIDEO_DECODER_MAX_CPU_SECONDS: [10, 7 * 86_400],
};

test.each(Object.entries(INT_RANGES))('%s takes whole numbers from %j, nothing outside or between', (name, [min, max]) => {
  const accepts = (value: string) => envSchema.safeParse({ [name]: value }).success;
  expect([min, max].map((v) => accepts(String(v)))).toEqual([true, true]);
  expect([min - 1, max + 1].map((v) => accepts(String(v)))).toEqual([false, false]);
  expect(accepts(`${min}.5`)).toBe(false);
  expect(accepts('lots')).toBe(false);
});

test('every whole-number variable has its range above', () => {
  const inner = (type: z.ZodType): z.ZodType => (type instanceof z.ZodDefault || type instanceof z.ZodOptional ? inner(type.unwrap() as z.ZodType) : type);
  const numeric = Object.entries(envSchema.shape).filter(([, type]) => inner(type) instanceof z.ZodNumber);
  expect(numeric.map(([name]) => name).sort()).toEqual(Object.keys(INT_RANGES).sort());
});

test('switches take true/false or 1/0, nothing else', () => {
  for (const [value, on] of [
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ] as const) {
    expect(loadConfig({ DEMO_PAGE: value }).demoPage).toBe(on);
    expect(loadConfig({ URL_INPUT_ENABLED: value }).urlInput !== undefined).toBe(on);
    expect(loadConfig({ INTROSPECTION: value }).graphql.introspection).toBe(on);
    expect(loadConfig({ OPS_REQUIRE_KEY: value }).access.opsRequireKey).toBe(on);
  }
  expect(() => loadConfig({ DEMO_PAGE: 'yes' })).toThrow(/DEMO_PAGE/);
});

test('the body limit follows the batch and image limits unless set', () => {
  expect(loadConfig({}).limits.bodyLimitBytes).toBe(Math.ceil((16 * 10 * 2 ** 20 * 4) / 3) + 2 ** 20);
  expect(loadConfig({ MAX_BATCH_SIZE: '2', MAX_IMAGE_BYTES: '3001' }).limits.bodyLimitBytes).toBe(8003 + 2 ** 20);
  expect(loadConfig({ BODY_LIMIT_BYTES: '5000' }).limits.bodyLimitBytes).toBe(5000);
});

test('URL input: its hosts, timeout and redirects, or off', () => {
  expect(loadConfig({ URL_ALLOWED_HOSTS: 'a.example, b.example', URL_FETCH_TIMEOUT_MS: '500', URL_MAX_REDIRECTS: '0' }).urlInput).toEqual({
    allowedHosts: ['a.example', 'b.example'],
    timeoutMs: 500,
    maxRedirects: 0,
  });
  expect(loadConfig({}).urlInput).toEqual({ allowedHosts: [], timeoutMs: 10_000, maxRedirects: 3 });
});

test('TRUST_PROXY: off, a hop count, true, or a named list', () => {
  expect(loadConfig({}).access.trustProxy).toBe(false);
  expect(loadConfig({ TRUST_PROXY: '2' }).access.trustProxy).toBe(2);
  expect(loadConfig({ TRUST_PROXY: 'true' }).access.trustProxy).toBe(true);
  expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).access.trustProxy).toBe('loopback, 10.0.0.0/8');
});

test('URLs: MXFace over http(s) only, Redis over redis(s) only; the API prefix is a path', () => {
  expect(() => loadConfig({ MXFACE_URL: 'ftp://mx.example' })).toThrow(/MXFACE_URL/);
  expect(() => loadConfig({ MXFACE_URL: 'not a url' })).toThrow(/MXFACE_URL/);
  expect(() => loadConfig({ REDIS_URL: 'http://cache:6379' })).toThrow(/REDIS_URL/);
  expect(loadConfig({ REDIS_URL: 'rediss://cache:6380' }).redis).toEqual({ url: 'rediss://cache:6380', cacheTtlSeconds: 3600, cacheMaxEntryBytes: 2 ** 20 });
  expect(loadConfig({}).redis).toBeUndefined();
  const prefix = (value: string) => loadConfig({ MXFACE_SUBSCRIPTION_KEY: 'k', MXFACE_API_PREFIX: value }).mxface?.apiPrefix;
  expect(prefix('/api/v3')).toBe('/api/v3');
  expect(prefix('/face-api.v2')).toBe('/face-api.v2');
  for (const bad of ['api', '/api/', '/a b', '//api', '/api?x=1']) expect(() => prefix(bad)).toThrow(/MXFACE_API_PREFIX: a path such as/);
  expect(loadConfig({ MXFACE_SUBSCRIPTION_KEY: 'k', MXFACE_URL: 'https://mx.example///' }).mxface).toEqual({
    url: 'https://mx.example',
    apiPrefix: '/api',
    subscriptionKey: 'k',
    attemptTimeoutMs: 10_000,
    totalTimeoutMs: 30_000,
    maxAttempts: 3,
    retryBaseMs: 200,
    concurrency: 4,
    breakerFailures: 5,
    breakerCooldownMs: 15_000,
  });
});

test('checks across variables: the embedded engine cannot be off while it is the default', () => {
  expect(() => loadConfig({ EMBEDDED_ENABLED: 'false' })).toThrow(/EMBEDDED_ENABLED: cannot be false while LANDMARK_PROVIDER=embedded/);
  expect(loadConfig({ EMBEDDED_ENABLED: 'false', LANDMARK_PROVIDER: 'mxface', MXFACE_SUBSCRIPTION_KEY: 'k' }).embeddedEnabled).toBe(false);
});

describe('files named by the configuration are read at start', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-config-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('API_KEYS_FILE: sha256 digests, comments and blank lines; anything else names the file and line', () => {
    const good = path.join(dir, 'keys');
    fs.writeFileSync(good, `# team a\n${'ab'.repeat(32)}\n\n${'CD'.repeat(32)}\n`);
    expect(loadConfig({ API_KEYS_FILE: good }).access.keysFile).toBe(good);
    const bad = path.join(dir, 'bad-keys');
    fs.writeFileSync(bad, `${'ab'.repeat(32)}\nsecret-in-the-clear\n`);
    expect(() => loadConfig({ API_KEYS_FILE: bad })).toThrow(`API_KEYS_FILE: ${bad}: line 2 is not a hex sha256 digest of a key`);
    expect(() => loadConfig({ API_KEYS_FILE: path.join(dir, 'missing') })).toThrow(/API_KEYS_FILE: .*missing: ENOENT/);
  });

  test('FACE_DETECTOR=yunet: needs the mediapipe engine and an existing model file', () => {
    const model = path.join(dir, 'yunet.onnx');
    fs.writeFileSync(model, 'onnx');
    expect(loadConfig({ FACE_DETECTOR: 'yunet', YUNET_MODEL_PATH: model }).faceDetector).toEqual({ name: 'yunet', modelPath: model });
    expect(() => loadConfig({ FACE_DETECTOR: 'yunet' })).toThrow(/YUNET_MODEL_PATH: required when FACE_DETECTOR=yunet/);
    expect(() => loadConfig({ FACE_DETECTOR: 'yunet', YUNET_MODEL_PATH: path.join(dir, 'none.onnx') })).toThrow(
      `YUNET_MODEL_PATH: no file at ${path.join(dir, 'none.onnx')}`,
    );
    expect(() => loadConfig({ FACE_DETECTOR: 'yunet', YUNET_MODEL_PATH: model, EMBEDDED_ENGINE: 'faceapi' })).toThrow(
      /FACE_DETECTOR: yunet seeds the mediapipe engine; EMBEDDED_ENGINE is faceapi/,
    );
  });
});

test('the problems are listed one per line under a heading', () => {
  expect(() => loadConfig({ PORT: '-1', MAX_ALIASES: '0' })).toThrow(/^Invalid configuration:\n {2}PORT: .+\n {2}MAX_ALIASES: .+$/);
});

test('video limits and the decoder process bounds', () => {
  expect(loadConfig({ WORKER_THREADS: '2' }).video).toEqual({
    maxBytes: 500 * 2 ** 20,
    maxSeconds: 600,
    maxPixels: 3840 * 2160,
    resultTtlSeconds: 86_400,
    workers: 1,
    decoder: { maxMemoryBytes: 2048 * 2 ** 20, maxCpuSeconds: 1800 },
    queue: undefined,
  });
  // The queue comes with Redis.
  expect(loadConfig({ REDIS_URL: 'redis://r:6379', VIDEO_STORAGE_DIR: '/clips', VIDEO_LOCK_SECONDS: '5' }).video.queue).toEqual({
    url: 'redis://r:6379',
    storageDir: '/clips',
    redisMaxBytes: 64 * 2 ** 20,
    segmentSeconds: 10,
    lockSeconds: 5,
  });
  // A video job leaves photos one worker by default, and takes at least one.
  expect(loadConfig({ WORKER_THREADS: '4' }).video.workers).toBe(3);
  expect(loadConfig({ WORKER_THREADS: '1' }).video.workers).toBe(1);
  expect(loadConfig({ WORKER_THREADS: '2', VIDEO_WORKERS: '2' }).video.workers).toBe(2);
  // The decoder's CPU time follows the longest clip accepted (3 s a second of it), unless set.
  expect(loadConfig({ MAX_VIDEO_SECONDS: '20' }).video.decoder).toEqual({ maxMemoryBytes: 2048 * 2 ** 20, maxCpuSeconds: 60 });
  expect(loadConfig({ VIDEO_DECODER_MAX_MEMORY_MB: '600', VIDEO_DECODER_MAX_CPU_SECONDS: '45' }).video.decoder).toEqual({
    maxMemoryBytes: 600 * 2 ** 20,
    maxCpuSeconds: 45,
  });
});
