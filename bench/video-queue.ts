// `BENCH_ONLY=queue npm run bench`: video jobs on the shared BullMQ queue (REDIS_URL), service
// processes on a real redis-server run as a queue. Two replicas against one with the same 4 clips
// submitted at once; a 60-segment job with a replica killed half-way against an undisturbed run.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { path as ffmpegPath } from '@ffmpeg-installer/ffmpeg';
import { startRedisServer, type RedisServer } from '../tools/redis-server';
import { scrapeMetrics } from '../tools/scrape-metrics';
import { sharedPath } from '../tools/shared-folder';
import { startService } from './service-process';
import { jobWhenEnded, submitVideo } from './video-jobs';

const WALKING = sharedPath('datasets', 'video', 'walking.mp4');
type Service = Awaited<ReturnType<typeof startService>>;
interface Job {
  status: string;
  progress: number;
  framesAnalysed: number;
  tracks: Array<{ firstFrame: number; lastFrame: number; faces: Array<{ frame: number; rectangle: { x: number; y: number } }> }>;
}

const FIELDS = 'framesAnalysed tracks { firstFrame lastFrame faces { frame rectangle { x y } } }';
const ended = (url: string, id: string, onPoll?: (job: Job) => void) => jobWhenEnded<Job>(url, id, FIELDS, onPoll);

/** Segments each replica ran (its 'video segment done' lines), by job. */
function segmentsRun(service: Service): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of service.output().split('\n')) {
    if (!line.includes('"video segment done"')) continue;
    const { job } = JSON.parse(line) as { job: string };
    counts.set(job, (counts.get(job) ?? 0) + 1);
  }
  return counts;
}

async function replicas(count: number, env: Record<string, string>): Promise<Service[]> {
  const started: Service[] = [];
  for (let i = 0; i < count; i++) started.push(await startService(env));
  return started;
}

export async function benchVideoQueue() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-bench-queue-'));
  const run = promisify(execFile);
  const clip = path.join(dir, 'walking-640.mp4');
  await run(ffmpegPath, ['-v', 'error', '-i', WALKING, '-vf', 'scale=640:360', '-c:v', 'libx264', '-an', clip]);
  // Two minutes of real footage (walking.mp4 looped, a scene cut at each loop): 121 s, 60 segments of 2 s.
  const long = path.join(dir, 'walking-120s.mp4');
  await run(ffmpegPath, ['-v', 'error', '-stream_loop', '28', '-i', WALKING, '-t', '121', '-vf', 'scale=640:360', '-c:v', 'libx264', '-an', long]);
  let redis: RedisServer | undefined;
  let services: Service[] = [];
  const results: Record<string, unknown> = {};
  const stop = async () => {
    services.forEach((s) => s.child.kill('SIGKILL'));
    services = [];
    await redis?.kill();
  };
  try {
    console.log('\nVideo across replicas: the same 4 clips (walking.mp4 at 640x360, 4.2 s, 2 segments each) submitted at once');
    console.log('| replicas on one redis-server (WORKER_THREADS=2 each) | total s | segments run per replica | jobs with segments on both |');
    console.log('|---|---|---|---|');
    // One replica as configured by default (VIDEO_WORKERS=1: a worker kept for photos), one using both workers, then two.
    for (const [count, videoWorkers] of [
      [1, '1'],
      [1, '2'],
      [2, '1'],
    ] as const) {
      redis = await startRedisServer({ queue: true });
      services = await replicas(count, { REDIS_URL: redis.url, WORKER_THREADS: '2', VIDEO_WORKERS: videoWorkers, VIDEO_SEGMENT_SECONDS: '2' });
      await ended(services[0]!.url, await submitVideo(services[0]!.url, clip)); // warm: the engines' first frames
      const started = performance.now();
      const ids = await Promise.all([0, 1, 2, 3].map((k) => submitVideo(services[k % count]!.url, clip)));
      await Promise.all(ids.map((id) => ended(services[0]!.url, id)));
      const seconds = (performance.now() - started) / 1000;
      const runs = services.map((s) => segmentsRun(s));
      const perReplica = runs.map((r) => ids.reduce((sum, id) => sum + (r.get(id) ?? 0), 0));
      const shared = ids.filter((id) => runs.every((r) => (r.get(id) ?? 0) > 0)).length;
      const name = `${count} replica${count > 1 ? 's' : ''}, VIDEO_WORKERS=${videoWorkers}`;
      console.log(`| ${name} | ${seconds.toFixed(1)} | ${perReplica.join(' + ')} | ${count > 1 ? `${shared} of 4` : '-'} |`);
      results[name] = { seconds, perReplica, shared };
      await stop();
    }

    console.log('\nA 60-segment job (2 min of walking.mp4 at 640x360, sampleFps 2, VIDEO_SEGMENT_SECONDS=2) on two replicas, VIDEO_LOCK_SECONDS=5');
    console.log('| run | total s | segments | segments run again | frames | tracks | same tracks as undisturbed |');
    console.log('|---|---|---|---|---|---|---|');
    let reference: string | undefined;
    for (const disturbed of [false, true]) {
      redis = await startRedisServer({ queue: true });
      const env = { REDIS_URL: redis.url, WORKER_THREADS: '2', VIDEO_SEGMENT_SECONDS: '2', VIDEO_LOCK_SECONDS: '5' };
      services = await replicas(2, env);
      const [a, b] = services as [Service, Service];
      const started = performance.now();
      const id = await submitVideo(a.url, long, { sampleFps: 2 });
      let killed = false;
      const job = await ended(a.url, id, (j) => {
        if (disturbed && !killed && j.progress >= 0.5) {
          killed = true;
          b.child.kill('SIGKILL');
        }
      });
      const seconds = (performance.now() - started) / 1000;
      const segments = a
        .output()
        .split('\n')
        .filter((line) => line.includes('"video job queued"'))
        .map((line) => (JSON.parse(line) as { segments: number }).segments)[0];
      const [retries] = await scrapeMetrics(a.url, ['facemark_video_segment_retries_total']);
      const tracks = JSON.stringify(job.tracks);
      reference ??= tracks;
      const same = tracks === reference;
      console.log(
        `| ${disturbed ? 'replica killed at 50 %' : 'undisturbed'} | ${seconds.toFixed(1)} | ${segments} | ${retries} | ${job.framesAnalysed} | ${job.tracks.length} | ${disturbed ? (same ? 'yes' : 'NO') : '-'} |`,
      );
      results[disturbed ? 'killed' : 'undisturbed'] = { seconds, status: job.status, segments, retries, frames: job.framesAnalysed, same };
      await stop();
    }
  } finally {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
