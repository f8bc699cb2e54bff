import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import type { CheckedImage } from '../src/image/image-decoder';
import type { DetectionSettings } from '../src/providers/provider';
import { CountingProvider } from './support/counting-provider';
import { readBase64 } from './support/datasets';
import { DETECT, startTestServer, type TestServer } from './support/server';

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

/** Counts the images the engine is asked about, and what /ready said as each arrived. */
class WatchedProvider extends CountingProvider {
  readyStatuses: number[] = [];
  url = '';
  override async detect(images: readonly CheckedImage[], settings: DetectionSettings, signal?: AbortSignal) {
    this.readyStatuses.push((await fetch(`${this.url}/ready`)).status);
    return super.detect(images, settings, signal);
  }
}

describe('the warm-up requests a fresh server sends itself before /ready', () => {
  let engine: EmbeddedProvider;
  beforeAll(() => {
    engine = new EmbeddedProvider({ threads: 1, engine: 'mediapipe' });
  });
  afterAll(() => engine.close());

  /** Starts the providers as app/main.ts does: the server's warm-up runs before they count as ready. */
  async function startedLikeMain(env: Record<string, string>): Promise<{ server: TestServer; watched: WatchedProvider }> {
    const watched = new WatchedProvider(engine);
    const server = await startTestServer(env, { provider: watched, start: false });
    watched.url = server.url;
    await server.providers.start(() => server.warmUp());
    return { server, watched };
  }

  test('go through the whole GraphQL stack to the engine, past the rate limit, while /ready says starting', async () => {
    // One image a window for every client: the warm-up's six would be refused after the first if it counted.
    const { server, watched } = await startedLikeMain({ WARM_UP_REQUESTS: '6', RATE_LIMIT_IMAGES: '1', RATE_LIMIT_WINDOW_SECONDS: '600' });
    try {
      expect(watched.calls).toHaveLength(6);
      // Four photo widths, in turn: four distinct images, the first two sent twice.
      expect(new Set(watched.calls.flat()).size).toBe(4);
      expect(watched.readyStatuses).toEqual([503, 503, 503, 503, 503, 503]);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      // The warm-up charged no client: this one (the test's address) still has its image.
      expect(await server.faces(DETECT, readBase64('photos', 'happy.jpg'))).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  test('a failed answer ends the warm-up early, and the server becomes ready all the same', async () => {
    // A body limit below the warm-up photo's: the first request gets 413.
    const { server, watched } = await startedLikeMain({ WARM_UP_REQUESTS: '6', BODY_LIMIT_BYTES: '1024' });
    try {
      expect(watched.calls).toHaveLength(0);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  test('WARM_UP_REQUESTS=0 sends none', async () => {
    const { server, watched } = await startedLikeMain({ WARM_UP_REQUESTS: '0' });
    try {
      expect(watched.calls).toHaveLength(0);
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
