// Video jobs on BullMQ, shared by every replica using the same Redis (REDIS_URL). A job is a flow:
// one child job per segment of the clip (video-analysis.ts plans them) on the segments queue, which
// every replica's worker takes from, and a parent that joins their tracks once all have finished.
// The job's state (status, progress per segment, errors) is a Redis hash that any replica reads, so
// any replica answers `videoJob`, the subscription and the downloads; BullMQ's QueueEvents wake the
// subscriptions on every replica as segments progress. A replica that dies mid-segment stops
// renewing its lock and the segment is taken over (BullMQ's stalled-job recovery).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { FlowProducer, Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis, type ChainableCommander } from 'ioredis';
import { ErrorCode, UserFacingError } from '../errors';
import { describeError, log } from '../logger';
import { metrics, observeVideoQueues } from '../observability/metrics';
import type { DetectionSettings, FaceAnalyser, FaceDetector } from '../providers/provider';
import { decodeAnalysis, encodeAnalysis } from './analysis-codec';
import { analyseVideo, mergeAnalyses, planClip, planSegment, segmentSeconds, type ClipPlan, type FaceTrackData } from './video-analysis';
import { progressFraction } from './video-segments';
import { isActive, jobFailure, jobOutcome, jobUpdates, type VideoJob, type VideoJobRequest, type VideoJobService, type VideoJobStatus } from './video-job';
import type { VideoJobsOptions } from './video-jobs';
import type { VideoInfo } from './video-probe';
import { SharedClips } from './shared-clips';
import { removeVideoFile } from './video-source';

export interface QueuedVideoJobsOptions extends VideoJobsOptions {
  redisUrl: string;
  storageDir?: string;
  redisMaxBytes: number;
  segmentSeconds: number;
  lockSeconds: number;
  /** The engine this replica's segment worker runs on; undefined: it takes no segments. */
  engine?: { detector: FaceDetector; analyser: FaceAnalyser };
}

const SEGMENTS = 'facemark-video-segments';
const JOINS = 'facemark-video-jobs';
const PREFIX = 'facemark:bull';
/** A job that never ends (every replica gone for good) still leaves Redis after this. */
const UNENDED_TTL_SECONDS = 7 * 86_400;
/** BullMQ's highest priority number. */
const LOWEST_PRIORITY = 2 ** 21 - 1;
/** How often a running segment writes its progress and reads whether its job was cancelled. */
const REPORT_EVERY_MS = 250;
/** A segment failing for an unexpected reason is tried once more (a replica's engine hiccup). */
const SEGMENT_ATTEMPTS = 2;

/** A job's video facts as stored; one stored before `startTime` existed (a rolling upgrade) started at 0 as far as it knew. */
const storedVideo = (text: string): VideoInfo => ({ startTime: 0, ...(JSON.parse(text) as Omit<VideoInfo, 'startTime'>) });
const jobKey = (id: string) => `facemark:video:${id}`;
const progressKey = (id: string) => `${jobKey(id)}:progress`;
const planKey = (id: string) => `${jobKey(id)}:plan`;
const resultKey = (id: string) => `${jobKey(id)}:result`;
/** Segments queued per client, for fair priorities. */
const BACKLOG = 'facemark:video:backlog';
const segmentJobId = (id: string, k: number) => `${id}.s${k}`;
const videoIdOf = (jobId: string) => jobId.split('.')[0]!;

interface SegmentData {
  id: string;
  k: number;
  owner: string;
}

/** What a segment reads of its job (the request as the accepting replica resolved it). */
interface StoredRequest {
  sampleFps?: number;
  smoothing: boolean;
  settings: DetectionSettings;
}

interface StoredError {
  code: ErrorCode;
  message: string;
  field?: string[];
}

/** The status moves to ARGV[2] (with the fields that follow) only from one of ARGV[1]'s statuses. */
const TRANSITION = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status or not string.find(',' .. ARGV[1] .. ',', ',' .. status .. ',', 1, true) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], unpack(ARGV, 3))
return 1`;

/**
 * A running segment's progress (ARGV[1] its number, ARGV[2] its value) is written only while its job is
 * active; 1 then, 0 once the job has ended (its figures then stand as they were at the end).
 */
const REPORT = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'QUEUED' and status ~= 'RUNNING' then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

/**
 * A cancel: the job moves to CANCELLED from an active status, with the frames analysed so far (the
 * segments' reported progress, summed here, in the same step) frozen as its count.
 */
const CANCEL = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'QUEUED' and status ~= 'RUNNING' then return 0 end
local frames = 0
for _, value in ipairs(redis.call('HVALS', KEYS[2])) do frames = frames + tonumber(string.match(value, '^(%d+)')) end
redis.call('HSET', KEYS[1], 'status', 'CANCELLED', 'errors', '[]', 'frames', frames)
return 1`;

type TransitionRedis = Redis & {
  transition(key: string, from: string, to: string, ...fields: string[]): Promise<number>;
  report(key: string, progress: string, segment: string, value: string): Promise<number>;
  cancelJob(key: string, progress: string): Promise<number>;
};

export class QueuedVideoJobs implements VideoJobService {
  /** The workers' connection: commands wait while Redis is away (a restart) and go through when it is back. */
  private readonly redis: TransitionRedis;
  /** Requests' connection: while Redis is away, commands fail at once (VIDEO_QUEUE_UNAVAILABLE), never hang a request. */
  private readonly requests: TransitionRedis;
  /** The clips as workers read them, and as requests store them (fail-fast). */
  private readonly clips: SharedClips;
  private readonly clipsIn: SharedClips;
  private readonly flows: FlowProducer;
  private readonly segments: Queue;
  private readonly joins: Queue;
  private readonly events: QueueEvents[];
  private readonly workers: Worker[] = [];
  /** Subscriptions of this replica, by job id. */
  private readonly wakes = new Map<string, Set<() => void>>();
  /** The last finished job's tracks read here (a client reading a result page by page asks again and again). */
  private lastTracks?: { id: string; tracks: Promise<FaceTrackData[]> };

  constructor(private readonly options: QueuedVideoJobsOptions) {
    const connect = () => new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.redis = connect() as TransitionRedis;
    this.requests = new Redis(options.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 2000,
    }) as TransitionRedis;
    for (const redis of [this.redis, this.requests]) {
      redis.defineCommand('transition', { numberOfKeys: 1, lua: TRANSITION });
      redis.defineCommand('report', { numberOfKeys: 2, lua: REPORT });
      redis.defineCommand('cancelJob', { numberOfKeys: 2, lua: CANCEL });
    }
    const clipOptions = { dir: options.storageDir, redisMaxBytes: options.redisMaxBytes, ttlSeconds: UNENDED_TTL_SECONDS };
    this.clips = new SharedClips(this.redis, clipOptions);
    this.clipsIn = new SharedClips(this.requests, clipOptions);
    const bull = { connection: this.redis, prefix: PREFIX };
    // Adding jobs and counting them serve requests: on the fail-fast connection (BullMQ's advice for producers).
    this.flows = new FlowProducer({ ...bull, connection: this.requests });
    this.segments = new Queue(SEGMENTS, { ...bull, connection: this.requests });
    this.joins = new Queue(JOINS, { ...bull, connection: this.requests });
    this.events = [SEGMENTS, JOINS].map((name) => new QueueEvents(name, { connection: connect(), prefix: PREFIX }));
    const wake = ({ jobId }: { jobId: string }) => this.wakes.get(videoIdOf(jobId))?.forEach((w) => w());
    for (const events of this.events) for (const name of ['progress', 'active', 'completed', 'failed'] as const) events.on(name, wake);
    // A join that failed (a segment failed for good, or the join itself did) ends the job FAILED, seen by every replica.
    this.events[1]!.on('failed', ({ jobId, failedReason }) => {
      void this.end(jobId, 'FAILED', { userErrors: [jobFailure(new Error(failedReason))] }).catch((e) => warn('could not end a failed video job', e, jobId));
    });
    if (options.engine) {
      const lockDuration = options.lockSeconds * 1000;
      const segmentWorker = new Worker<SegmentData, string>(SEGMENTS, (job, _token, signal) => this.runSegment(job, signal), {
        ...bull,
        connection: connect(),
        concurrency: options.workers,
        lockDuration,
        stalledInterval: lockDuration,
        maxStalledCount: 2,
      });
      const joinWorker = new Worker<{ id: string }, void>(JOINS, (job) => this.join(job), { ...bull, connection: connect(), concurrency: 1 });
      this.workers.push(segmentWorker, joinWorker);
      segmentWorker.on('completed', (job) => this.leftBacklog(job, true));
      segmentWorker.on('failed', (job) => this.leftBacklog(job, (job?.attemptsMade ?? 0) >= SEGMENT_ATTEMPTS));
      segmentWorker.on('stalled', (jobId) =>
        log.warn('video segment taken over from a replica that stopped renewing its lock', { job: videoIdOf(jobId), segment: jobId }),
      );
    }
    for (const emitter of [this.flows, this.segments, ...this.events, ...this.workers]) {
      (emitter as { on(event: 'error', listener: (error: Error) => void): unknown }).on('error', (error) => warn('video queue', error));
    }
    observeVideoQueues(async () => ({ segments: await this.segments.getJobCounts(), jobs: await this.joins.getJobCounts() }));
  }

  async start(request: VideoJobRequest): Promise<VideoJob> {
    const id = randomUUID();
    try {
      // The facts and the frame times in one decoder run: the plan follows at once.
      const { info: video, frameTimes } = await this.options.decoder.probeWithFrameTimes(request.file, this.options);
      // As many segments as the clip has VIDEO_SEGMENT_SECONDS (2-30 s each): the replicas' workers share them.
      const plan = await planClip(this.options.decoder, request.file, video, Math.ceil(video.durationSeconds / this.options.segmentSeconds), frameTimes);
      await reachable(this.clipsIn.put(id, request.file));
      const stored: StoredRequest = { sampleFps: request.sampleFps, smoothing: request.smoothing, settings: request.settings };
      const count = plan.starts.length;
      // Fair shares: a client's segments queue behind its own backlog, so another client's first clip goes ahead of them.
      const backlog = await reachable(this.requests.hincrby(BACKLOG, request.owner, count));
      await reachable(
        this.requests
          .multi()
          .hset(jobKey(id), { owner: request.owner, status: 'QUEUED', video: JSON.stringify(video), request: JSON.stringify(stored), segments: count })
          .expire(jobKey(id), UNENDED_TTL_SECONDS)
          .set(planKey(id), JSON.stringify(plan), 'EX', UNENDED_TTL_SECONDS)
          .exec(),
      );
      const kept = { age: this.options.resultTtlSeconds };
      await reachable(
        this.flows.add({
          name: 'join',
          queueName: JOINS,
          data: { id },
          opts: { jobId: id, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: kept, removeOnFail: kept },
          children: plan.starts.map((_, k) => ({
            name: 'segment',
            queueName: SEGMENTS,
            data: { id, k, owner: request.owner } satisfies SegmentData,
            opts: {
              jobId: segmentJobId(id, k),
              priority: Math.min(LOWEST_PRIORITY, Math.max(0, backlog - count) + k + 1),
              attempts: SEGMENT_ATTEMPTS,
              failParentOnFailure: true,
              removeOnComplete: kept,
              removeOnFail: kept,
            },
          })),
        }),
      );
      log.info('video job queued', { job: id, segments: count, seconds: video.durationSeconds });
      return (await this.read(id))!;
    } catch (error) {
      await this.clipsIn.remove(id).catch(() => undefined);
      throw error;
    } finally {
      await removeVideoFile(request.file).catch(() => undefined);
    }
  }

  async get(id: string, owner: string): Promise<VideoJob | undefined> {
    const job = await this.read(id);
    return job && job.owner === owner ? job : undefined;
  }

  async cancel(id: string, owner: string): Promise<VideoJob | undefined> {
    const job = await this.get(id, owner);
    if (!job) return undefined;
    // Running segments see it within REPORT_EVERY_MS and stop; queued ones start and return at once. Their
    // frames analysed after this moment are neither counted nor charged.
    if (isActive(job.status) && (await reachable(this.requests.cancelJob(jobKey(id), progressKey(id)))) === 1)
      await reachable(this.ended(id, 'CANCELLED', [], this.requests));
    return this.read(id);
  }

  async updates(id: string, owner: string): Promise<AsyncGenerator<VideoJob> | undefined> {
    const first = await this.get(id, owner);
    if (!first) return undefined;
    return jobUpdates(
      first,
      () => this.get(id, owner).catch(() => undefined), // Redis away a moment: the last state stands
      (wake) => {
        const set = this.wakes.get(id) ?? new Set();
        this.wakes.set(id, set.add(wake));
        return () => {
          set.delete(wake);
          if (set.size === 0) this.wakes.delete(id);
        };
      },
    );
  }

  /** Stops taking segments and finishes the ones this replica holds (SIGTERM); other replicas carry on. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([this.flows.close(), this.segments.close(), this.joins.close(), ...this.events.map((e) => e.close())]);
    await Promise.all([this.redis, this.requests].map((r) => r.quit().catch(() => undefined)));
  }

  private async read(id: string): Promise<(VideoJob & { owner: string }) | undefined> {
    const [hash, progress] = (await reachable(results(this.requests.multi().hgetall(jobKey(id)).hgetall(progressKey(id))))) as [
      Record<string, string>,
      Record<string, string>,
    ];
    if (!hash.owner) return undefined;
    const status = hash.status as VideoJobStatus;
    const video = storedVideo(hash.video!);
    const done = Object.values(progress).map((value) => value.split(' ').map(Number) as [number, number, number?]);
    const seconds = done.reduce((sum, [, s]) => sum + s, 0);
    // Without a declared duration the clip is one segment, whose progress is the share of the file it has read.
    const fileShare = Math.max(0, ...done.map(([, , fraction]) => fraction ?? 0));
    return {
      id,
      owner: hash.owner,
      status,
      progress: status === 'SUCCEEDED' ? 1 : video.durationSeconds > 0 ? Math.min(0.999, seconds / video.durationSeconds) : fileShare,
      framesAnalysed: hash.frames !== undefined ? Number(hash.frames) : done.reduce((sum, [frames]) => sum + frames, 0),
      video,
      userErrors: (JSON.parse(hash.errors ?? '[]') as StoredError[]).map((e) => new UserFacingError(e.code, e.message, e.field)),
      tracks: () => (status === 'SUCCEEDED' ? this.tracksOf(id) : Promise.resolve([])),
    };
  }

  private tracksOf(id: string): Promise<FaceTrackData[]> {
    if (this.lastTracks?.id !== id) {
      const tracks = reachable(this.requests.get(resultKey(id))).then((text) => (text ? decodeAnalysis(text).tracks : []));
      this.lastTracks = { id, tracks };
      tracks.catch(() => (this.lastTracks = undefined));
    }
    return this.lastTracks.tracks;
  }

  /**
   * Ends an active job (false if it had already ended): its status and errors, results kept for
   * VIDEO_RESULT_TTL_SECONDS from now, the shared clip removed.
   */
  private async end(
    id: string,
    status: Exclude<VideoJobStatus, 'QUEUED' | 'RUNNING'>,
    outcome: { userErrors?: UserFacingError[]; frames?: number },
    redis = this.redis,
  ) {
    const errors: StoredError[] = (outcome.userErrors ?? []).map((e) => ({ code: e.code, message: e.message, field: e.field }));
    const fields = ['errors', JSON.stringify(errors), ...(outcome.frames !== undefined ? ['frames', String(outcome.frames)] : [])];
    const ended = (await redis.transition(jobKey(id), 'QUEUED,RUNNING', status, ...fields)) === 1;
    if (!ended) return false;
    await this.ended(id, status, errors, redis);
    return true;
  }

  /** What follows a job's end, whoever ended it: results kept for VIDEO_RESULT_TTL_SECONDS, the shared clip removed. */
  private async ended(id: string, status: VideoJobStatus, errors: StoredError[], redis: TransitionRedis) {
    const ttl = this.options.resultTtlSeconds;
    await redis.multi().expire(jobKey(id), ttl).expire(progressKey(id), ttl).expire(resultKey(id), ttl).del(planKey(id)).exec();
    await this.clips.remove(id);
    metrics.videoJobsEnded.inc({ status });
    log.info('video job ended', { job: id, status, errors: errors.map((e) => e.code) });
  }

  /** A segment on this replica's engine: its analysis as text (an empty string for a job no longer active). */
  private async runSegment(job: Job<SegmentData, string>, signal?: AbortSignal): Promise<string> {
    const { id, k } = job.data;
    if (job.attemptsStarted > 1) metrics.videoSegmentRetries.inc();
    const [hash, planText] = (await results(this.redis.multi().hgetall(jobKey(id)).get(planKey(id)))) as [Record<string, string>, string | null];
    if (!hash.status || !isActive(hash.status as VideoJobStatus) || !planText) return '';
    await this.redis.transition(jobKey(id), 'QUEUED', 'RUNNING');
    log.info('video segment started', { job: id, segment: k, attempt: job.attemptsStarted });
    try {
      const result = await this.analyseSegment(
        job,
        JSON.parse(planText) as ClipPlan,
        JSON.parse(hash.request!) as StoredRequest,
        storedVideo(hash.video!),
        signal,
      );
      return result === undefined ? '' : encodeAnalysis(result);
    } catch (error) {
      if (!(error instanceof UserFacingError)) {
        log.error('video segment failed', { job: id, segment: k, attempt: job.attemptsStarted, error: describeError(error) });
        throw error; // BullMQ tries it again, up to SEGMENT_ATTEMPTS
      }
      // The clip itself is at fault: trying again would fail the same way.
      await this.end(id, 'FAILED', { userErrors: [error] });
      return '';
    }
  }

  /** A segment no longer queued (done, or failed for good) leaves its client's backlog. */
  private leftBacklog(job: Job<SegmentData> | undefined, final: boolean): void {
    if (job && final) void this.redis.hincrby(BACKLOG, job.data.owner, -1).catch(() => undefined);
  }

  /** The analysis, or undefined when the job was cancelled (or ended otherwise) while it ran. */
  private async analyseSegment(job: Job<SegmentData, string>, plan: ClipPlan, request: StoredRequest, video: VideoInfo, signal?: AbortSignal) {
    const { id, k } = job.data;
    const stop = new AbortController();
    signal?.addEventListener('abort', () => stop.abort());
    let progress = { frames: 0, seconds: 0, fraction: 0 };
    let reported = '';
    // The frames this segment reported while its job was active: what it charges, and what the job counts.
    let counted = 0;
    const report = async () => {
      const value = `${progress.frames} ${progress.seconds} ${progress.fraction}`;
      const frames = progress.frames;
      const active = (await this.redis.report(jobKey(id), progressKey(id), String(k), value)) === 1;
      if (!active) return stop.abort();
      counted = frames;
      if (value !== reported) await job.updateProgress(frames);
      reported = value;
    };
    const reporter = setInterval(() => void report().catch(() => undefined), REPORT_EVERY_MS);
    const file = await this.clips.open(id);
    const fileBytes = (await fs.promises.stat(file)).size;
    try {
      const result = await analyseVideo({
        decoder: this.options.decoder,
        maxSeconds: this.options.maxSeconds,
        file,
        info: video,
        sampleFps: request.sampleFps,
        smoothing: request.smoothing,
        settings: request.settings,
        detector: this.options.engine!.detector,
        analyser: this.options.engine!.analyser,
        detectionMaxSide: this.options.detectionMaxSide,
        photos: this.options.photos,
        signal: stop.signal,
        segment: planSegment(plan, k),
        onProgress: (frames, time, position) => {
          const seconds = segmentSeconds(plan, k, time, video.startTime);
          progress = { frames, seconds, fraction: progressFraction(video, seconds, position, fileBytes) };
        },
      });
      if (stop.signal.aborted) return undefined;
      await report();
      log.info('video segment done', { job: id, segment: k, frames: result.framesAnalysed, tracks: result.tracks.length });
      return result;
    } catch (error) {
      if (stop.signal.aborted) return undefined;
      throw error;
    } finally {
      clearInterval(reporter);
      this.clips.release(id);
      // The frames this attempt counted, whatever became of it (a replica killed mid-segment charges nothing;
      // frames analysed after a cancel are not charged, as the job does not count them).
      this.options.chargeFrames?.(job.data.owner, counted);
    }
  }

  /** Every segment has finished: their tracks joined into the job's result. */
  private async join(job: Job<{ id: string }, void>): Promise<void> {
    const { id } = job.data;
    const values = await job.getChildrenValues<string>();
    const texts = Object.entries(values)
      .map(([key, text]) => ({ k: Number(/\.s(\d+)$/.exec(key)![1]), text }))
      .sort((a, b) => a.k - b.k)
      .map((v) => v.text);
    // A segment that found its job no longer active returned nothing: the job has already ended.
    if (texts.some((text) => !text)) return void (await this.end(id, 'CANCELLED', {}));
    const merged = mergeAnalyses(texts.map(decodeAnalysis));
    const outcome = jobOutcome(merged);
    if (outcome.status === 'SUCCEEDED') await this.redis.set(resultKey(id), encodeAnalysis(merged), 'EX', UNENDED_TTL_SECONDS);
    await this.end(id, outcome.status, { userErrors: outcome.userErrors, frames: merged.framesAnalysed });
  }
}

/** A transaction's replies, or its first failure thrown (ioredis hands each command's error back in place). */
async function results(multi: ChainableCommander): Promise<unknown[]> {
  const replies = await multi.exec();
  if (!replies) throw new Error('the transaction was aborted');
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
  return replies.map(([, reply]) => reply);
}

/** A request's Redis command, failing with the typed error a client can retry on. */
async function reachable<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    if (error instanceof UserFacingError) throw error;
    warn('video queue unreachable', error);
    throw new UserFacingError(ErrorCode.VIDEO_QUEUE_UNAVAILABLE, 'Video jobs are unreachable right now (their Redis is away); retry in a few seconds.');
  }
}

let lastWarning = 0;
function warn(what: string, error: unknown, job?: string) {
  if (Date.now() - lastWarning < 10_000) return;
  lastWarning = Date.now();
  log.warn(what, { error: describeError(error), ...(job && { job }) });
}
