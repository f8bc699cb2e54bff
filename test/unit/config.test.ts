import { ConfigError, loadConfig, ProviderName } from '../../src/config';

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
