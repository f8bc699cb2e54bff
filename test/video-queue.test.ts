// Video jobs across replicas: service processes sharing a real redis-server run as a job queue
// (append-only file, no eviction), a clip cut into 2 s segments that every replica's worker takes
// from the BullMQ queue. Each replica answers for every job; a replica killed, a Redis restarted,
// a replica stopped with SIGTERM: the job still ends, with the tracks of an undisturbed run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { redisServerInstalled, startRedisServer, type RedisServer } from '../tools/redis-server';
import { scrapeMetrics } from '../tools/scrape-metrics';
import { ApiKeys } from '../src/access/api-keys';
import { startService, waitFor, type ServiceProcess } from './support/service-process';
import { describeWithPackage } from './support/system-package';
import { CANCEL, JOB_FIELDS, photoClip, videoClient } from './support/video-client';

const KEYS = ['queue-key-a', 'queue-key-b'];
const CHARGED_KEY = 'queue-key-charged';
const CANCEL_KEY = 'queue-key-cancel';
type Replica = ServiceProcess & { url: string };

describeWithPackage(
  'redis-server',
  redisServerInstalled(),
  'apt-get install redis-server',
)('video jobs on a queue shared by replicas', () => {
  let redis: RedisServer;
  let replicas: Replica[] = [];
  let dir: string;
  let clip: string;
  /** Twice as long: 8 segments, which keep both replicas busy while the fair-shares test queues its clips. */
  let longClip: string;
  let env: Record<string, string>;
  /** The job of an undisturbed run of `clip` on the first replica: its id, and its tracks, the reference for the runs below. */
  let undisturbed: Promise<{ id: string; tracks: unknown }> | undefined;
  const reference = async () => (await (undisturbed ??= runUndisturbed())).tracks;
  async function runUndisturbed() {
    const id = await analyse(replicas[0]!);
    return { id, tracks: (await client(replicas[0]!).finished(id)).tracks as unknown };
  }

  const start = () => startService(env);
  const client = (replica: Replica, key = KEYS[0]!) => videoClient(replica.url, key);
  const logged = (replica: Replica, msg: string, job: string) => replica.logLines().filter((l) => l.msg === msg && l.job === job);
  const segmentsDone = (replica: Replica, job: string) => logged(replica, 'video segment done', job).length;
  const segmentCount = (replica: Replica, job: string) => logged(replica, 'video job queued', job)[0]!.segments as number;
  const analyse = async (replica: Replica, key = KEYS[0]!, file = clip) => {
    const { job, userErrors } = await client(replica, key).analyze(file, {}, key);
    expect(userErrors).toEqual([]);
    return job.id as string;
  };
  const running = (replica: Replica, id: string) =>
    waitFor(
      async () =>
        (await client(replica).graphql(`query($id: ID!) { videoJob(id: $id) { framesAnalysed } }`, { id })).data.videoJob.framesAnalysed > 10
          ? true
          : undefined,
      `job ${id} to run`,
    );

  /** Points a client has used of its rate limit (rate-limiter-flexible's counter in Redis, named by the key's identity). */
  async function rateLimitPoints(key: string): Promise<number> {
    const client = new Redis(redis.url);
    try {
      return Number((await client.get(`facemark:rate:${ApiKeys.from([key]).identify(key)}`)) ?? 0);
    } finally {
      client.disconnect();
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-queue-'));
    clip = path.join(dir, 'sliding.mp4');
    // The photo's face sliding left 3 px a frame for 8 s: 80 frames, 3 segments.
    photoClip(clip, 8, "pad=750:282:0:0,crop=500:282:'3*n':0");
    longClip = path.join(dir, 'sliding-long.mp4');
    photoClip(longClip, 16, "pad=750:282:0:0,crop=500:282:'1.5*n':0");
    redis = await startRedisServer({ queue: true });
    env = {
      REDIS_URL: redis.url,
      API_KEYS: [...KEYS, CHARGED_KEY, CANCEL_KEY].join(','),
      // Limits high enough never to refuse: the frames' charge is what is checked.
      RATE_LIMIT_IMAGES: '1000000',
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      VIDEO_SEGMENT_SECONDS: '2',
      VIDEO_LOCK_SECONDS: '3',
      SHUTDOWN_TIMEOUT_MS: '60000',
    };
    replicas = await Promise.all([start(), start()]);
  });

  afterAll(async () => {
    replicas.forEach((r) => r.child.kill('SIGKILL'));
    await redis?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a job started on one replica runs on both and is answered by either: state, subscription, downloads; another key sees nothing', async () => {
    const [a, b] = replicas as [Replica, Replica];
    // A key of its own: frames of the other tests' jobs (cancelled ones too) may still be charged to theirs.
    const owner = CHARGED_KEY;
    const charged = await rateLimitPoints(owner);
    const id = await analyse(a, owner);
    undisturbed ??= client(a, owner)
      .finished(id)
      .then((job) => ({ id, tracks: job.tracks as unknown }));
    // B follows it by subscription while both run its segments.
    const ws = createClient({
      url: b.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner}` },
    });
    const events: Array<{ status: string; progress: number; at: number }> = [];
    await new Promise<void>((resolve, reject) =>
      ws.subscribe(
        { query: `subscription($id: ID!) { videoJob(id: $id) { status progress } }`, variables: { id } },
        {
          next: ({ data }) => void events.push({ ...(data!.videoJob as { status: string; progress: number }), at: Date.now() }),
          error: reject,
          complete: resolve,
        },
      ),
    );
    await ws.dispose();
    expect(events.at(-1)).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
    const gaps = events.slice(1).map((e, i) => e.at - events[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1500);

    const job = (await client(b, owner).graphql(`query($id: ID!) { videoJob(id: $id) { ${JOB_FIELDS} } }`, { id })).data.videoJob;
    expect(job).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 80, userErrors: [] });
    // One face, one track over every frame: the segments' tracks joined at each boundary.
    expect(job.tracks.map((t: { firstFrame: number; lastFrame: number; frameCount: number }) => [t.firstFrame, t.lastFrame, t.frameCount])).toEqual([
      [0, 79, 80],
    ]);
    expect(job.tracks).toEqual(await reference());
    // The job that joined the segments linked their portraits into people: one face, one person.
    expect(job.people).toEqual([
      { id: '1', frameCount: 80, firstTime: job.tracks[0].faces[0].time, lastTime: job.tracks[0].faces[79].time, tracks: [{ id: '1' }] },
    ]);
    expect(job.tracks[0].person).toEqual({ id: '1' });
    // Both replicas ran segments of it, each segment once.
    expect(segmentCount(a, id)).toBe(3);
    expect(segmentsDone(a, id)).toBeGreaterThan(0);
    expect(segmentsDone(b, id)).toBeGreaterThan(0);
    expect(segmentsDone(a, id) + segmentsDone(b, id)).toBe(3);

    const csv = await fetch(`${a.url}/videos/${id}/landmarks.csv`, { headers: { authorization: `Bearer ${owner}` } });
    expect(csv.status).toBe(200);
    expect((await csv.text()).trim().split('\n')).toHaveLength(81);
    for (const replica of [a, b]) {
      expect((await client(replica, KEYS[1]).graphql(`query($id: ID!) { videoJob(id: $id) { id } }`, { id }, KEYS[1])).data.videoJob).toBeNull();
    }
    // Its frames count against the client's image allowance, shared in Redis: 80, and the 2 boundary frames both sides analyse.
    await waitFor(async () => ((await rateLimitPoints(owner)) - charged >= 80 ? true : undefined), 'the frames charged', 5000);
    expect((await rateLimitPoints(owner)) - charged).toBe(82);
    const [queued] = await scrapeMetrics(a.url, ['facemark_video_queue_jobs{queue="segments",state="completed"}']);
    expect(queued).toBeGreaterThanOrEqual(3);
  });

  test('cancelled on the other replica: every segment stops within 2 s, no frame is analysed after; its count freezes at the cancel and is what is charged', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const charged = await rateLimitPoints(CANCEL_KEY);
    const id = await analyse(a, CANCEL_KEY);
    const count = async () =>
      (await client(b, CANCEL_KEY).graphql(`query($id: ID!) { videoJob(id: $id) { status framesAnalysed } }`, { id }, CANCEL_KEY)).data.videoJob;
    await waitFor(async () => ((await count()).framesAnalysed > 10 ? true : undefined), `job ${id} to run`);
    expect((await client(b, CANCEL_KEY).graphql(CANCEL, { id }, CANCEL_KEY)).data.cancelVideoJob).toEqual({ id, status: 'CANCELLED' });
    const atCancel = await count();
    expect(atCancel.status).toBe('CANCELLED');
    const frames = () => Promise.all([a, b].map((r) => scrapeMetrics(r.url, ['facemark_video_frames_analysed_total']).then(([n]) => n!)));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after2s = await frames();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await frames()).toEqual(after2s);
    expect(segmentsDone(a, id) + segmentsDone(b, id)).toBeLessThan(segmentCount(a, id));
    expect((await client(a, CANCEL_KEY).finished(id, CANCEL_KEY)).status).toBe('CANCELLED');
    // The segments' frames after the cancel neither count nor are charged; the charge lands as each segment stops.
    expect(await count()).toEqual(atCancel);
    await waitFor(async () => ((await rateLimitPoints(CANCEL_KEY)) - charged >= atCancel.framesAnalysed ? true : undefined), 'the frames charged', 5000);
    expect((await rateLimitPoints(CANCEL_KEY)) - charged).toBe(atCancel.framesAnalysed);
  });

  /** The segment `replica` has started for the job and not finished. */
  const holding = (replica: Replica, id: string) => {
    const done = new Set(logged(replica, 'video segment done', id).map((l) => l.segment));
    return logged(replica, 'video segment started', id).find((l) => !done.has(l.segment))?.segment as number | undefined;
  };

  test('a replica killed (SIGKILL) mid-segment: another replica takes the segment over, the job ends with the tracks of the undisturbed run', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const id = await analyse(a);
    const held = await waitFor(() => holding(b, id), 'b to hold a segment');
    b.child.kill('SIGKILL');
    await b.exited;
    const job = await client(a).finished(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.tracks).toEqual(await reference());
    // The segment b held ran again on a, as its second attempt.
    expect(
      logged(a, 'video segment started', id)
        .filter((l) => l.segment === held)
        .map((l) => l.attempt),
    ).toEqual([2]);
    const [retries] = await scrapeMetrics(a.url, ['facemark_video_segment_retries_total']);
    expect(retries).toBeGreaterThanOrEqual(1);
    replicas[1] = await start();
  });

  test('Redis restarted mid-job: requests meanwhile get VIDEO_QUEUE_UNAVAILABLE; the job ends (never stuck RUNNING), with the same tracks', async () => {
    const [a] = replicas as [Replica];
    const id = await analyse(a);
    await running(a, id);
    await redis.kill();
    try {
      // Meanwhile requests get a typed error at once, never a hang: the job's state, a new job, the metrics.
      const state = await client(a).graphql(`query($id: ID!) { videoJob(id: $id) { status } }`, { id });
      expect(state.errors?.[0]?.extensions?.code).toBe('VIDEO_QUEUE_UNAVAILABLE');
      const { job, userErrors } = await client(a).analyze(clip);
      expect(job).toBeNull();
      expect(userErrors.map((e: { code: string }) => e.code)).toEqual(['VIDEO_QUEUE_UNAVAILABLE']);
      expect((await fetch(`${a.url}/metrics`)).status).toBe(200);
    } finally {
      await redis.restart();
    }
    const job = await client(a).finished(id, KEYS[0], 90_000);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.tracks).toEqual(await reference());
  });

  test('SIGTERM: the replica finishes the segment it holds, starts no other, exits 0; the job ends on the other with the same tracks', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const id = await analyse(a);
    const held = await waitFor(() => holding(b, id), 'b to hold a segment');
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    const lines = b.logLines();
    const afterStop = lines.slice(lines.findIndex((l) => l.msg === 'shutting down')).filter((l) => l.job === id);
    expect(afterStop.filter((l) => l.msg === 'video segment started')).toEqual([]);
    expect(afterStop.filter((l) => l.msg === 'video segment done').map((l) => l.segment)).toEqual([held]);
    const job = await client(a).finished(id);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.tracks).toEqual(await reference());
    expect(logged(a, 'video segment started', id).some((l) => l.segment === held)).toBe(false);
    replicas[1] = await start();
  });

  test('a segment that cannot run (its clip gone from Redis) fails twice: the job ends FAILED with ENGINE_FAILURE, never stuck RUNNING', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const id = await analyse(a);
    const redisClient = new Redis(redis.url);
    await redisClient.del(`facemark:video:${id}:clip`);
    redisClient.disconnect();
    const job = await client(b).finished(id);
    expect(job.status).toBe('FAILED');
    expect(job.userErrors.map((e: { code: string }) => e.code)).toEqual(['ENGINE_FAILURE']);
    expect((await client(a).graphql(`query($id: ID!) { videoJob(id: $id) { status } }`, { id })).data.videoJob.status).toBe('FAILED');
  });

  test("fair shares: a client's one clip queued behind another's three starts at the next free worker, ahead of their second clip", async () => {
    const [a, b] = replicas as [Replica, Replica];
    // The first clip's 8 segments keep both workers busy while the others are queued (each submission
    // starts a decoder process to probe it, which takes a busy machine up to a second).
    const many = [await analyse(a, KEYS[0], longClip), await analyse(b), await analyse(a)];
    const one = await analyse(b, KEYS[1]);
    await Promise.all([...many.map((id) => client(a).finished(id)), client(a, KEYS[1]).finished(one, KEYS[1])]);
    const times = (msg: string, id: string) => [a, b].flatMap((r) => logged(r, msg, id).map((l) => Date.parse(l.time as string)));
    const started = (id: string) => Math.min(...times('video segment started', id));
    const ended = (id: string) => Math.max(...times('video segment done', id));
    expect(started(one)).toBeLessThan(started(many[1]!));
    expect(ended(one)).toBeLessThan(ended(many[1]!));
  });
});
