// Malformed and abusive requests: each gets a clear, typed refusal and the server stays healthy.
import { readBase64 } from './support/datasets';
import { DETECT, startTestServer, type GraphQLBody, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT_BYTES: String(2 * 1024 * 1024), MAX_IMAGE_BYTES: String(1024 * 1024), NODE_ENV: 'production' });
});
afterAll(() => server?.stop());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${server.url}/graphql`, { method: 'POST', headers, body });

const json = async (response: Response) => (await response.json()) as GraphQLBody;
const codes = (body: GraphQLBody) => body.errors?.map((e) => e.extensions?.code);

test('too many aliases', async () => {
  const query = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: serviceInfo { version }`).join(' ')} }`;
  const { status, body } = await server.graphql(query);
  expect(status).toBe(400);
  expect(codes(body)).toContain('GRAPHQL_VALIDATION_FAILED');
  expect(body.errors?.[0].message).toMatch(/alias/i);
});

test('too many tokens', async () => {
  const query = `{ serviceInfo { ${'version '.repeat(6000)} } }`;
  const { status, body } = await server.graphql(query);
  expect(status).toBe(400);
  expect(body.errors?.[0].message).toMatch(/token/i);
});

test('too many directives', async () => {
  const query = `{ serviceInfo { version ${'@include(if: true) '.repeat(60)} } }`;
  const { status, body } = await server.graphql(query);
  expect(status).toBe(400);
  expect(body.errors?.[0].message).toMatch(/directive/i);
});

test('a query too deep, through introspection fields that are not exempt', async () => {
  const nested = (depth: number): string => (depth === 0 ? 'name' : `name ofType { ${nested(depth - 1)} }`);
  const query = `{ __type(name: "Face") { fields { type { ${nested(12)} } } } }`;
  const { status, body } = await server.graphql(query);
  expect(status).toBe(400);
  expect(body.errors?.[0].message).toMatch(/depth/i);
});

test('field suggestions are not leaked in production', async () => {
  const { body } = await server.graphql('{ serviceInf { version } }');
  expect(body.errors?.[0].message).not.toMatch(/did you mean/i);
});

test('errors carry no stack traces in production', async () => {
  const { body } = await server.graphql('{ nope }');
  expect(JSON.stringify(body)).not.toMatch(/stacktrace|\.ts:|node_modules/);
});

test('a body over the limit is refused with 413 and a GraphQL-shaped error', async () => {
  const response = await post(JSON.stringify({ query: DETECT, variables: { image: { base64: 'A'.repeat(3 * 1024 * 1024) } } }));
  expect(response.status).toBe(413);
  expect(codes(await json(response))).toEqual(['PAYLOAD_TOO_LARGE']);
});

test('an image over the byte limit inside an accepted body is a user error', async () => {
  const { body } = await server.graphql(DETECT, { image: { base64: Buffer.alloc(1024 * 1024 + 10).toString('base64') } });
  expect(body.data.detectLandmarks.userErrors[0].code).toBe('IMAGE_TOO_LARGE');
});

test.each([
  ['truncated JSON', '{"query": "{ serviceInfo { version } }"'],
  ['not JSON at all', 'query { serviceInfo { version } }'],
  ['JSON without a query', '{"variables": {}}'],
  ['a query that is not a string', '{"query": 42}'],
  ['a batched HTTP request', '[{"query": "{ serviceInfo { version } }"}]'],
])('%s gets a 400 with a JSON error', async (_name, raw) => {
  const response = await post(raw);
  expect(response.status).toBe(400);
  expect((await json(response)).errors?.length).toBeGreaterThan(0);
});

test('syntax errors and unknown variables are 400s', async () => {
  expect((await server.graphql('{ serviceInfo { version }')).status).toBe(400);
  expect((await server.graphql(DETECT, { image: { base64: 42 } })).status).toBe(400);
  expect((await server.graphql(DETECT, { image: { base64: 'a', url: 'http://x' } })).status).toBe(400);
});

test('CSRF prevention: a simple (non-preflighted) request is refused', async () => {
  const form = await post('query={serviceInfo{version}}', { 'content-type': 'application/x-www-form-urlencoded' });
  expect(form.status).toBe(400);
  const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ serviceInfo { version } }')}`);
  expect(get.status).toBe(400);
  const preflighted = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ serviceInfo { version } }')}`, {
    headers: { 'apollo-require-preflight': 'true' },
  });
  expect(preflighted.status).toBe(200);
});

test('CORS: a browser preflight from another origin is answered (Apollo Sandbox, web apps)', async () => {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-credentials')).toBeNull();
});

test('mutations are refused over GET', async () => {
  const response = await fetch(
    `${server.url}/graphql?query=${encodeURIComponent('mutation { detectLandmarks(image: {base64: "x"}) { userErrors { code } } }')}`,
    {
      headers: { 'apollo-require-preflight': 'true' },
    },
  );
  expect(response.status).toBe(405);
});

test('no answer may be stored by a cache: faces, a query and a refusal all say no-store', async () => {
  const detect = JSON.stringify({ query: DETECT, variables: { image: { base64: readBase64('photos', 'happy.jpg') } } });
  for (const body of [detect, JSON.stringify({ query: '{ serviceInfo { version } }' }), JSON.stringify({ query: '{ serviceInf }' })]) {
    const response = await post(body);
    expect(response.headers.get('cache-control')).toBe('no-store');
  }
});

test('after all of the above the server is healthy and still detects faces', async () => {
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
  const { body } = await server.graphql(DETECT, { image: { base64: readBase64('photos', 'happy.jpg') } });
  expect(body.data.detectLandmarks.faces).toHaveLength(1);
});

test('introspection can be turned off', async () => {
  const closed = await startTestServer({ INTROSPECTION: 'false', WORKER_THREADS: '1' }, { start: false });
  try {
    const { body } = await closed.graphql('{ __schema { types { name } } }');
    expect(body.errors?.[0].message).toMatch(/introspection/i);
  } finally {
    await closed.stop();
  }
});
