// Video jobs in this process: one runs at a time on the engine (photos keep their share of the workers
// through the engine's own queue), the others wait in order. A job belongs to the client that started
// it, and it and its results are dropped `resultTtlSeconds` after it ends.
import type { PhotoTraffic } from '../detection/photo-traffic';
import { randomUUID } from 'node:crypto';
import { log } from '../logger';
import { metrics } from '../observability/metrics';
import { analyseClip, type FaceTrackData } from './video-analysis';
import {
  isActive,
  jobFailure,
  jobOutcome,
  jobUpdates,
  type VideoJob,
  type VideoJobRequest,
  type VideoJobService,
  type VideoJobStatus,
  type FrameCharge,
} from './video-job';
import type { VideoLimits } from './video-probe';
import { removeVideoFile } from './video-source';
import type { DecoderProcess } from './decoder-process';

export interface VideoJobsOptions extends VideoLimits {
  /** Runs the decoder's process, where every file is probed and decoded. */
  decoder: DecoderProcess;
  detectionMaxSide: number;
  resultTtlSeconds: number;
  /** Segments of a job analysed side by side (VIDEO_WORKERS). */
  workers: number;
  /** Where a job's analysed frames are counted against its client's rate limit (when it ends). */
  chargeFrames?: FrameCharge;
  /** This replica's photo detections, which jobs' frames let pass first. */
  photos?: PhotoTraffic;
}

interface Entry {
  job: VideoJob;
  tracks: FaceTrackData[];
  owner: string;
  abort: AbortController;
  expiry?: NodeJS.Timeout;
  /** Listeners of this job's changes (subscriptions). */
  listeners: Set<() => void>;
}

export class VideoJobs implements VideoJobService {
  private readonly entries = new Map<string, Entry>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: VideoJobsOptions) {}

  async start(request: VideoJobRequest): Promise<VideoJob> {
    const video = await this.options.decoder.probe(request.file, this.options);
    const entry: Entry = {
      job: { id: randomUUID(), status: 'QUEUED', progress: 0, framesAnalysed: 0, video, userErrors: [], tracks: async () => entry.tracks },
      tracks: [],
      owner: request.owner,
      abort: new AbortController(),
      listeners: new Set(),
    };
    const { job } = entry;
    this.entries.set(job.id, entry);
    this.chain = this.chain.then(() => this.run(entry, request));
    return job;
  }

  async get(id: string, owner: string): Promise<VideoJob | undefined> {
    const entry = this.entries.get(id);
    return entry && entry.owner === owner ? entry.job : undefined;
  }

  async cancel(id: string, owner: string): Promise<VideoJob | undefined> {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    if (isActive(entry.job.status)) {
      entry.abort.abort();
      this.end(entry, 'CANCELLED');
    }
    return entry.job;
  }

  async updates(id: string, owner: string): Promise<AsyncGenerator<VideoJob> | undefined> {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    return jobUpdates(
      entry.job,
      async () => entry.job,
      (wake) => (entry.listeners.add(wake), () => entry.listeners.delete(wake)),
    );
  }

  /** Cancels every job and waits for the running one to stop. */
  async close(): Promise<void> {
    for (const entry of this.entries.values()) {
      entry.abort.abort();
      clearTimeout(entry.expiry);
    }
    await this.chain;
  }

  private async run(entry: Entry, request: VideoJobRequest): Promise<void> {
    const { job } = entry;
    try {
      if (entry.abort.signal.aborted) return;
      job.status = 'RUNNING';
      this.changed(entry);
      const result = await analyseClip({
        decoder: this.options.decoder,
        maxSeconds: this.options.maxSeconds,
        workers: this.options.workers,
        file: request.file,
        info: job.video!,
        sampleFps: request.sampleFps,
        smoothing: request.smoothing,
        settings: request.settings,
        detector: request.detector,
        analyser: request.analyser,
        detectionMaxSide: this.options.detectionMaxSide,
        photos: this.options.photos,
        signal: entry.abort.signal,
        onProgress: (frames, fraction) => {
          // A cancelled job's figures stand as they were at the cancel (and were charged so).
          if (!isActive(job.status)) return;
          job.framesAnalysed = frames;
          job.progress = fraction;
          this.changed(entry);
        },
      });
      if (entry.abort.signal.aborted) return;
      entry.tracks = result.tracks;
      job.framesAnalysed = result.framesAnalysed;
      const outcome = jobOutcome(result);
      job.userErrors.push(...outcome.userErrors);
      this.end(entry, outcome.status);
    } catch (error) {
      if (entry.abort.signal.aborted) return;
      const failure = jobFailure(error);
      if (failure !== error) log.error('video job failed', { job: job.id, error: error instanceof Error ? error.message : String(error) });
      job.userErrors.push(failure);
      this.end(entry, 'FAILED');
    } finally {
      await removeVideoFile(request.file).catch(() => undefined);
    }
  }

  private end(entry: Entry, status: VideoJobStatus): void {
    if (!isActive(entry.job.status)) return;
    entry.job.status = status;
    metrics.videoJobsEnded.inc({ status });
    this.options.chargeFrames?.(entry.owner, entry.job.framesAnalysed);
    if (status === 'SUCCEEDED') entry.job.progress = 1;
    this.changed(entry);
    entry.expiry = setTimeout(() => this.entries.delete(entry.job.id), this.options.resultTtlSeconds * 1000);
    entry.expiry.unref();
  }

  private changed(entry: Entry): void {
    for (const listener of entry.listeners) listener();
  }
}
