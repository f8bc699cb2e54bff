// The built service as users run it: `node dist/app/main.js`, configured by environment variables.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { dataset } from './support/datasets';
import { DETECT } from './support/server';
import { runService as run, waitFor } from './support/service-process';

let running: ChildProcess | undefined;
afterEach(() => {
  running?.kill('SIGKILL');
  running = undefined;
});

test('invalid configuration stops the start with every problem named', async () => {
  const { exited, output } = run({ PORT: 'eighty', LANDMARK_PROVIDER: 'cloud9', MAX_BATCH_SIZE: '0' });
  expect(await exited).toBe(2);
  const { stderr } = output();
  expect(stderr).toMatch(/Invalid configuration/);
  expect(stderr).toMatch(/PORT/);
  expect(stderr).toMatch(/LANDMARK_PROVIDER/);
  expect(stderr).toMatch(/MAX_BATCH_SIZE/);
});

test('the mxface provider without a subscription key refuses to start, and says why', async () => {
  const { exited, output } = run({ LANDMARK_PROVIDER: 'mxface' });
  expect(await exited).toBe(2);
  expect(output().stderr).toMatch(/MXFACE_SUBSCRIPTION_KEY: required when LANDMARK_PROVIDER=mxface/);
});

test('serves, reports readiness, and on SIGTERM finishes the request in flight before exiting', async () => {
  // The request in flight reads its image from this site, which answers only when the test says: the
  // signal arrives while the request is certainly running, whatever the machine's speed.
  let asked!: () => void;
  const imageRequested = new Promise<void>((resolve) => (asked = resolve));
  const waiting: http.ServerResponse[] = [];
  const site = http.createServer((_req, res) => {
    waiting.push(res);
    asked();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  try {
    const server = run({ PORT: '0', HOST: '127.0.0.1', WORKER_THREADS: '1', NODE_ENV: 'production', URL_ALLOWED_HOSTS: '127.0.0.1' });
    running = server.child;
    const url = await waitFor(() => /"url":"(http:[^"]+)\/graphql"/.exec(server.output().stdout)?.[1], 'the listening line');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    await waitFor(async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined), '/ready');
    // The built code's own module loading (not ts-jest's): a face average, whose triangulation comes from npm.
    const average = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'mutation($images: [ImageInput!]!) { averageFaces(images: $images, options: { width: 64, height: 64 }) { face { image { width } } userErrors { code } } }',
        variables: { images: [{ base64: fs.readFileSync(dataset('photos', 'neutral.jpg')).toString('base64') }] },
      }),
    });
    expect(await average.json()).toEqual({ data: { averageFaces: { face: { image: { width: 64 } }, userErrors: [] } } });

    const inFlight = fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: DETECT, variables: { image: { url: `http://127.0.0.1:${(site.address() as net.AddressInfo).port}/crowd.jpg` } } }),
    });
    await imageRequested;
    server.child.kill('SIGTERM');
    // New connections are refused while the one in flight is still waiting for its image.
    await waitFor(
      () =>
        fetch(`${url}/health`).then(
          () => undefined,
          () => true,
        ),
      'the listener to close',
      10_000,
    );
    const crowd = fs.readFileSync(dataset('dlib-faces', 'bald_guys.jpg'));
    waiting[0]!.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': crowd.length }).end(crowd);
    const response = await inFlight;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { detectLandmarks: { faces: unknown[] } } };
    expect(body.data.detectLandmarks.faces.length).toBeGreaterThan(15);
    expect(await server.exited).toBe(0);
  } finally {
    waiting.forEach((res) => res.destroy());
    site.close();
  }
});

test('a port already in use ends the start with one line that says what to do, exit 2', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  try {
    const { exited, output } = run({ PORT: String(port), HOST: '127.0.0.1', WORKER_THREADS: '1' });
    expect(await exited).toBe(2);
    const lines = output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'fatal', msg: `port ${port} is already in use: set PORT to a free port` });
  } finally {
    blocker.close();
  }
});
