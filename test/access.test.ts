// API keys and rate limits through the real server: who gets in, what a refusal looks like, and
// how images are counted.
import { readBase64 } from './support/datasets';
import { DETECT, DETECT_BATCH, startTestServer, type TestServer } from './support/server';

// Each test owns what it counts: the rate-limit test spends the third key's allowance alone.
const KEYS = ['team-a-key-0123456789', 'team-b-key-9876543210', 'team-c-key-5555555555'];
const happy = { base64: readBase64('photos', 'happy.jpg') };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WORKER_THREADS: '1', API_KEYS: KEYS.join(','), RATE_LIMIT_IMAGES: '3', RATE_LIMIT_WINDOW_SECONDS: '600' });
});
afterAll(() => server?.stop());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
type Json = any;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: async (): Promise<Json> => response.json() };
}

test('where keys are configured, /graphql needs one: 401 with a JSON body otherwise', async () => {
  for (const headers of [
    {} as Record<string, string>,
    { authorization: 'Bearer wrong-key' },
    { 'x-api-key': `${KEYS[0]}x` },
    { authorization: `Basic ${KEYS[0]}` },
  ]) {
    const response = await post('/graphql', { query: '{ serviceInfo { version } }' }, headers);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ errors: [{ message: expect.stringMatching(/API key is required/), extensions: { code: 'UNAUTHENTICATED' } }] });
  }
  const bearer = await post('/graphql', { query: '{ serviceInfo { version } }' }, { authorization: `Bearer ${KEYS[0]}` });
  expect(bearer.status).toBe(200);
  const header = await post('/graphql', { query: '{ serviceInfo { version } }' }, { 'x-api-key': KEYS[1] as string });
  expect(header.status).toBe(200);
});

test('the MXFace-compatible endpoint takes the same keys in Subscriptionkey, refusing in its own envelope', async () => {
  const refused = await post('/api/face/landmark', { encoded_image: happy.base64 });
  expect(refused.status).toBe(401);
  expect(await refused.json()).toEqual({ code: 401, error: 'Access denied due to invalid subscription key or wrong API endpoint.' });
  const accepted = await post('/api/face/landmark', { encoded_image: happy.base64 }, { subscriptionkey: KEYS[1] as string });
  expect(accepted.status).toBe(200);
  expect(await accepted.json()).toHaveLength(1);
});

test('probes stay open by default (OPS_REQUIRE_KEY=false)', async () => {
  for (const path of ['/health', '/ready', '/metrics']) expect((await fetch(`${server.url}${path}`)).status).toBe(200);
});

test('rate limits count images per key: the last image of a batch over the limit is RATE_LIMITED, then the key gets 429', async () => {
  const key = { authorization: `Bearer ${KEYS[2]}` };
  const batch = await post('/graphql', { query: DETECT_BATCH, variables: { images: [happy, happy] } }, key);
  expect((await batch.json()).data.detectLandmarksBatch.every((p: { userErrors: unknown[] }) => p.userErrors.length === 0)).toBe(true);
  const over = await post('/graphql', { query: DETECT_BATCH, variables: { images: [happy, happy] } }, key);
  const [served, limited] = (await over.json()).data.detectLandmarksBatch;
  expect(served.faces).toHaveLength(1);
  expect(limited).toMatchObject({ faces: null, userErrors: [{ code: 'RATE_LIMITED', field: ['images', '1'] }] });
  expect(limited.userErrors[0].message).toMatch(/retry in \d+ s/);

  const refused = await post('/graphql', { query: DETECT, variables: { image: happy } }, key);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
  expect(await refused.json()).toEqual({ errors: [{ message: expect.stringMatching(/Rate limit/), extensions: { code: 'RATE_LIMITED' } }] });

  // The other key has its own count.
  const other = await post('/graphql', { query: DETECT, variables: { image: happy } }, { 'x-api-key': KEYS[1] as string });
  expect((await other.json()).data.detectLandmarks.faces).toHaveLength(1);
});

test('OPS_REQUIRE_KEY closes the probes and /metrics to callers without a key', async () => {
  const closed = await startTestServer({ WORKER_THREADS: '1', API_KEYS: KEYS[0] as string, OPS_REQUIRE_KEY: 'true' }, { start: false });
  try {
    expect((await fetch(`${closed.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${closed.url}/health`)).status).toBe(401);
    expect((await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${KEYS[0]}` } })).status).toBe(200);
  } finally {
    await closed.stop();
  }
});

test('without keys the limit is per client IP: behind a proxy (TRUST_PROXY) from X-Forwarded-For, otherwise from the socket', async () => {
  const behindProxy = await startTestServer(
    { WORKER_THREADS: '1', RATE_LIMIT_IMAGES: '1', TRUST_PROXY: '1' },
    { provider: server.providers.defaultProvider, start: false },
  );
  const direct = await startTestServer({ WORKER_THREADS: '1', RATE_LIMIT_IMAGES: '1' }, { provider: server.providers.defaultProvider, start: false });
  const detectFrom = (target: TestServer, forwardedFor: string) =>
    fetch(`${target.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ query: DETECT, variables: { image: happy } }),
    }).then((r) => r.status);
  try {
    expect(await detectFrom(behindProxy, '203.0.113.7')).toBe(200);
    expect(await detectFrom(behindProxy, '198.51.100.9')).toBe(200);
    expect(await detectFrom(behindProxy, '203.0.113.7')).toBe(429);
    // Not trusting proxies, a forged header changes nothing: every request is 127.0.0.1.
    expect(await detectFrom(direct, '203.0.113.7')).toBe(200);
    expect(await detectFrom(direct, '198.51.100.9')).toBe(429);
  } finally {
    behindProxy.httpServer.close();
    direct.httpServer.close();
  }
});
