// Scale-out: two service processes sharing a real redis-server (Debian's package; .ci/run installs
// it), as replicas behind a load balancer would. The cache and the rate limit are shared; Redis dying
// costs the cache, never a request.
import { readBase64 } from './support/datasets';
import { scrapeMetrics } from '../tools/scrape-metrics';
import { DETECT } from './support/server';
import { startService, waitFor, type ServiceProcess } from './support/service-process';
import { redisServerInstalled, startRedisServer, type RedisServer } from '../tools/redis-server';
import { describeWithPackage } from './support/system-package';
import { Redis } from 'ioredis';

const KEYS = ['replica-test-key-a', 'replica-test-key-b'];
type Replica = ServiceProcess & { url: string };

describeWithPackage(
  'redis-server',
  redisServerInstalled(),
  'apt-get install redis-server',
)('two replicas on one Redis', () => {
  let redis: RedisServer;
  let replicas: Replica[] = [];
  /** Redis's keys once both replicas were ready, before any test sent a request. */
  let keysAtReady: string[];

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, API_KEYS: KEYS.join(','), RATE_LIMIT_IMAGES: '5', RATE_LIMIT_WINDOW_SECONDS: '600' };
    replicas = await Promise.all([startService(env), startService(env)]);
    // Each replica's Redis connection is up before the test starts.
    await Promise.all(replicas.map((r) => waitFor(() => (r.logLines().some((l) => l.msg === 'redis connected') ? true : undefined), 'redis connected')));
    const client = new Redis(redis.url);
    keysAtReady = await client.keys('*').finally(() => client.disconnect());
  });

  afterAll(async () => {
    replicas.forEach((r) => r.child.kill('SIGKILL'));
    await redis?.kill();
  });

  async function detect(replica: Replica, base64: string, key = KEYS[0] as string) {
    const response = await fetch(`${replica.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: DETECT, variables: { image: { base64 } } }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
    return { status: response.status, body: (await response.json()) as any };
  }

  const connectedLines = (replica: Replica) => replica.logLines().filter((l) => l.msg === 'redis connected').length;
  const metrics = (replica: Replica, series: string[]) => scrapeMetrics(replica.url, series);
  const ENGINE_RUNS = 'facemark_image_detection_seconds_count{provider="embedded",outcome="ok"}';
  const [MISSES, HITS, LOOKUP_ERRORS] = ['miss', 'hit', 'error'].map((result) => `facemark_cache_lookups_total{result="${result}"}`) as [
    string,
    string,
    string,
  ];

  test('each replica answered its 24 warm-up requests before /ready, and they left nothing in Redis: no cached answer, no rate-limit count', () => {
    for (const replica of replicas) expect(replica.logLines().filter((l) => l.msg === 'warm-up requests answered')).toMatchObject([{ answered: 24 }]);
    // BullMQ's bookkeeping of the video queues is all there is.
    expect(keysAtReady.filter((key) => !key.startsWith('facemark:bull:'))).toEqual([]);
  });

  test('an image detected by one replica is a cache hit on the other: same faces, no engine work', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const image = readBase64('photos', 'bbt2.jpg'); // this test's own image: nothing else puts it in the cache
    const series = [ENGINE_RUNS, MISSES, HITS];
    const before = await Promise.all([a, b].map((r) => metrics(r, series)));
    const first = await detect(a, image);
    expect(first.body.data.detectLandmarks.faces.length).toBeGreaterThan(1);
    const second = await detect(b, image);
    expect(second.body.data.detectLandmarks).toEqual(first.body.data.detectLandmarks);
    const after = await Promise.all([a, b].map((r) => metrics(r, series)));
    const grown = after.map((values, i) => values.map((v, j) => v - (before[i] as number[])[j]!));
    expect(grown).toEqual([
      [1, 1, 0], // a: one engine run after one miss
      [0, 0, 1], // b: one hit, no engine run
    ]);
  });

  test('the rate limit is shared: images counted on either replica use the same allowance', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const key = KEYS[1] as string;
    const image = readBase64('photos', 'happy.jpg');
    for (const replica of [a, b, a, b, a]) expect((await detect(replica, image, key)).body.data.detectLandmarks.userErrors).toEqual([]);
    expect((await detect(b, image, key)).status).toBe(429);
    expect((await detect(a, image, key)).status).toBe(429);
    // The other key is not affected.
    expect((await detect(b, image, KEYS[0])).status).toBe(200);
  });

  test('with Redis killed, both replicas keep answering (no cache, a warning), and /ready stays 200; back when it is', async () => {
    const image = readBase64('photos', 'sad.jpg');
    const connectedBefore = replicas.map(connectedLines);
    await redis.kill();
    try {
      for (const replica of replicas) {
        const [errorsBefore] = await metrics(replica, [LOOKUP_ERRORS]);
        const { status, body } = await detect(replica, image);
        expect(status).toBe(200);
        expect(body.data.detectLandmarks.faces).toHaveLength(1);
        expect((await fetch(`${replica.url}/ready`)).status).toBe(200);
        expect(await metrics(replica, [LOOKUP_ERRORS])).toEqual([errorsBefore! + 1]);
        expect(replica.logLines().some((l) => l.level === 'warn' && /redis unreachable|result cache unreachable/.test(String(l.msg)))).toBe(true);
      }
    } finally {
      await redis.restart(); // the other tests, in whatever order they run, have their Redis back
    }
    // Each replica reconnects by itself.
    await Promise.all(replicas.map((r, i) => waitFor(() => (connectedLines(r) > connectedBefore[i]! ? true : undefined), 'redis connected, again')));
  });
});
