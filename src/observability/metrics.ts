// Prometheus metrics (prom-client), served at GET /metrics. One registry per process: the modules
// that do the work record into the metrics below; gauges of live state are read at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'facemark_' });

// From a 640 px photo on a warm engine (~50 ms) to a crowd behind a full queue (seconds).
const SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  requests: new Histogram({
    name: 'facemark_http_request_duration_seconds',
    help: 'HTTP requests by route and status, from the first byte in to the last byte out.',
    labelNames: ['route', 'status'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  imageDetections: new Histogram({
    name: 'facemark_image_detection_seconds',
    help: "Time from a provider call to its answers, observed once per image of the call (a request's images share one call; queue wait included), by provider and outcome.",
    labelNames: ['provider', 'outcome'] as const,
    buckets: SECONDS,
    registers: [registry],
  }),
  userErrors: new Counter({
    name: 'facemark_user_errors_total',
    help: 'User errors returned, by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  upstreamAttempts: new Counter({
    name: 'facemark_upstream_attempts_total',
    help: 'Calls to the MXFace API, by outcome (ok, or the failure class).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  upstreamRetries: new Counter({
    name: 'facemark_upstream_retries_total',
    help: 'MXFace calls retried after a retryable failure.',
    registers: [registry],
  }),
  upstreamBreakerOpen: new Gauge({
    name: 'facemark_upstream_breaker_open',
    help: '1 while the MXFace circuit breaker is open or half-open (calls fail fast), else 0.',
    registers: [registry],
  }),
  cacheLookups: new Counter({
    name: 'facemark_cache_lookups_total',
    help: 'Result cache lookups by result: hit, miss, or error (Redis unreachable: treated as a miss).',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: 'facemark_rate_limited_images_total',
    help: 'Images refused by the rate limit (HTTP 429 or RATE_LIMITED user errors).',
    registers: [registry],
  }),
  videoFrames: new Counter({
    name: 'facemark_video_frames_analysed_total',
    help: 'Video frames analysed by this process (rate() of it: frames per second).',
    registers: [registry],
  }),
  videoJobsEnded: new Counter({
    name: 'facemark_video_jobs_total',
    help: 'Video jobs ended, by final status (counted where the job ended).',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  videoSegmentRetries: new Counter({
    name: 'facemark_video_segment_retries_total',
    help: "Queued video segments started again: after a failure, or taken over from a replica that stopped renewing its lock (BullMQ's stalled jobs).",
    registers: [registry],
  }),
};

/** The shared video queues' jobs by state (BullMQ's counts), read at scrape time; undefined without REDIS_URL. */
let videoQueues: (() => Promise<Record<'segments' | 'jobs', Record<string, number>>>) | undefined;

export function observeVideoQueues(counts: () => Promise<Record<'segments' | 'jobs', Record<string, number>>>): void {
  videoQueues = counts;
}

new Gauge({
  name: 'facemark_video_queue_jobs',
  help: "BullMQ jobs on the shared video queues (REDIS_URL) by queue (segments: a clip's parts; jobs: one per clip, waiting-children while its segments run) and state; the queue depth is segments waiting + prioritized.",
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const counts = await videoQueues?.().catch(() => undefined);
    for (const [queue, states] of Object.entries(counts ?? {})) {
      for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
    }
  },
});

export interface EngineState {
  queued(): number;
  running(): number;
  workers(): number;
  utilization(): number;
}

let engine: EngineState | undefined;

/** The embedded engine whose queue and workers the gauges below report (the last one started). */
export function observeEngine(state: EngineState): void {
  engine = state;
}

const engineGauge = (name: string, help: string, read: (e: EngineState) => number) =>
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(engine ? read(engine) : 0);
    },
  });

engineGauge('facemark_engine_queue_depth', 'Images waiting for an engine worker.', (e) => e.queued());
engineGauge('facemark_engine_images_in_flight', 'Images being detected by the engine workers now.', (e) => e.running());
engineGauge(
  'facemark_engine_in_flight_per_worker',
  'Images in flight per engine worker thread (1 = every worker busy with one image on average).',
  (e) => e.running() / Math.max(1, e.workers()),
);
engineGauge('facemark_engine_utilization', "The worker pool's utilisation since start (piscina, 0..1).", (e) => e.utilization());
