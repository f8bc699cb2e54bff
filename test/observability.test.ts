// What operators see of the service as it runs in production: one log line per request (rejected
// ones too) with its id, operation, image count, duration and outcome, never a key; and /metrics.
import { readBase64 } from './support/datasets';
import { scrapeMetrics } from '../tools/scrape-metrics';
import { DETECT, type GraphQLBody } from './support/server';
import { startService, waitFor, type ServiceProcess } from './support/service-process';

const KEY = 'sk-live-observability-0123456789';
const WRONG_KEY = 'sk-wrong-key-should-not-be-logged';

let service: ServiceProcess & { url: string };
beforeAll(async () => {
  service = await startService({ API_KEYS: KEY, LOG_LEVEL: 'info', BODY_LIMIT_BYTES: String(2 * 1024 * 1024) });
});
afterAll(() => service?.child.kill('SIGKILL'));

const graphql = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify(body),
  });

/** The request log line of the request with this id, once written. */
const requestLine = (id: string) =>
  waitFor(
    () => service.logLines().find((line) => (line.req as { id?: string } | undefined)?.id === id && 'responseTime' in line),
    `the log line of ${id}`,
    10_000,
  );

test('a request id from a proxy is kept and returned; one is made otherwise; the log line says what happened', async () => {
  const response = await graphql(
    { query: DETECT, operationName: 'Detect', variables: { image: { base64: readBase64('photos', 'happy.jpg') } } },
    { 'x-request-id': 'edge-7f3a.42' },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('x-request-id')).toBe('edge-7f3a.42');
  const line = await requestLine('edge-7f3a.42');
  expect(line).toMatchObject({ level: 'info', operation: 'Detect', images: 1, outcome: 'ok', client: expect.stringMatching(/^key:[0-9a-f]{12}$/) });
  expect(line.responseTime).toEqual(expect.any(Number));

  const fresh = await graphql({ query: '{ serviceInfo { version } }' }, { 'x-request-id': 'not a valid id!' });
  const id = fresh.headers.get('x-request-id') ?? '';
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(await requestLine(id)).toMatchObject({ outcome: 'ok', images: 0 });
});

test('rejected requests are logged too: 401, CSRF, 413, user errors', async () => {
  const unauthorised = await graphql({ query: '{ serviceInfo { version } }' }, { authorization: `Bearer ${WRONG_KEY}` });
  expect(unauthorised.status).toBe(401);
  expect(await requestLine(unauthorised.headers.get('x-request-id') ?? '')).toMatchObject({ level: 'warn', res: { statusCode: 401 } });

  // Apollo's CSRF prevention: a simple request (text/plain) that could come from any web page.
  const csrf = await fetch(`${service.url}/graphql?query=%7B__typename%7D`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(csrf.status).toBe(400);
  expect(await requestLine(csrf.headers.get('x-request-id') ?? '')).toMatchObject({ level: 'warn', res: { statusCode: 400 } });

  const tooLarge = await graphql({ query: DETECT, variables: { image: { base64: 'A'.repeat(3 * 1024 * 1024) } } });
  expect(tooLarge.status).toBe(413);
  expect(await requestLine(tooLarge.headers.get('x-request-id') ?? '')).toMatchObject({ res: { statusCode: 413 } });

  const badImage = await graphql({ query: DETECT, variables: { image: { base64: 'not base64!' } } });
  expect(await requestLine(badImage.headers.get('x-request-id') ?? '')).toMatchObject({ outcome: 'user_errors', userErrors: ['INVALID_BASE64'] });
});

test('no key, right or wrong, appears anywhere in the output', async () => {
  const rejected = await graphql({ query: '{ serviceInfo { version } }' }, { 'x-api-key': WRONG_KEY, authorization: '' });
  const accepted = await graphql({ query: '{ serviceInfo { version } }' });
  expect([rejected.status, accepted.status]).toEqual([401, 200]);
  for (const response of [rejected, accepted]) await requestLine(response.headers.get('x-request-id') ?? '');
  const { stdout, stderr } = service.output();
  expect(stdout + stderr).not.toContain(KEY);
  expect(stdout + stderr).not.toContain(WRONG_KEY);
});

test('GET /metrics: request and per-image latency, queue, user errors, upstream, cache and process metrics', async () => {
  const counted = [
    'facemark_http_request_duration_seconds_count{route="graphql",status="200"}',
    'facemark_http_request_duration_seconds_count{route="graphql",status="401"}',
    'facemark_image_detection_seconds_count{provider="embedded",outcome="ok"}',
    'facemark_user_errors_total{code="INVALID_BASE64"}',
  ];
  const before = await scrapeMetrics(service.url, counted);
  // A new image (not in the cache), a wrong key, and a broken image.
  const detected = await graphql({ query: DETECT, variables: { image: { base64: readBase64('photos', 'neutral.jpg') } } });
  expect(((await detected.json()) as GraphQLBody).data.detectLandmarks.faces).toHaveLength(1);
  expect((await graphql({ query: '{ serviceInfo { version } }' }, { authorization: `Bearer ${WRONG_KEY}` })).status).toBe(401);
  expect((await graphql({ query: DETECT, variables: { image: { base64: 'not base64!' } } })).status).toBe(200);
  const after = await scrapeMetrics(service.url, counted);
  expect(after.map((value, i) => value - before[i]!)).toEqual([2, 1, 1, 1]);

  const response = await fetch(`${service.url}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  expect(text).toMatch(/^facemark_engine_queue_depth 0$/m);
  expect(text).toMatch(/^facemark_engine_images_in_flight 0$/m);
  expect(text).toMatch(/^facemark_engine_in_flight_per_worker 0$/m);
  for (const name of ['facemark_upstream_attempts_total', 'facemark_upstream_retries_total', 'facemark_upstream_breaker_open', 'facemark_cache_lookups_total'])
    expect(text).toContain(`# TYPE ${name}`);
  expect(text).toMatch(/^facemark_process_cpu_user_seconds_total \d/m);
  expect(text).toMatch(/^facemark_nodejs_heap_size_used_bytes \d/m);
});
