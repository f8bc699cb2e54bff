import { startTestServer } from './support/server';

test('/ready answers 503 until the models are loaded and warmed up, /health answers at once', async () => {
  const server = await startTestServer({ WORKER_THREADS: '1' }, { start: false });
  try {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const before = await fetch(`${server.url}/ready`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ status: 'starting', providers: ['embedded'] });
    expect((await server.graphql('{ serviceInfo { ready } }')).body.data.serviceInfo.ready).toBe(false);
    await server.providers.start();
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    expect((await server.graphql('{ serviceInfo { ready } }')).body.data.serviceInfo.ready).toBe(true);
  } finally {
    await server.stop();
  }
});
