// Video jobs in this process: one runs at a time on the engine (photos keep their share of the workers
// through the engine's own queue), the others wait in order. A job belongs to the client that started
// it, and it and its results are dropped `resultTtlSeconds` after it ends.
import { randomUUID } from 'node:crypto';
import { ErrorCode, UserFacingError } from '../errors';
import { log } from '../logger';
import type { DetectionSettings, FaceAnalyser, FaceDetector } from '../providers/provider';
import { analyseClip, type FaceTrackData } from './video-analysis';
import { probeVideo, type VideoInfo, type VideoLimits } from './video-probe';
import { removeVideoFile } from './video-source';

export type VideoJobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface VideoJob {
  id: string;
  status: VideoJobStatus;
  /** 0..1 */
  progress: number;
  framesAnalysed: number;
  video?: VideoInfo;
  userErrors: UserFacingError[];
  tracks: FaceTrackData[];
}

export interface VideoJobRequest {
  owner: string;
  /** A temporary file the job takes over (and removes). */
  file: string;
  sampleFps?: number;
  smoothing: boolean;
  settings: DetectionSettings;
  detector: FaceDetector;
  analyser: FaceAnalyser;
}

export interface VideoJobsOptions extends VideoLimits {
  ffmpegPath: string;
  ffprobePath: string;
  detectionMaxSide: number;
  resultTtlSeconds: number;
  /** Engine workers a job uses at once: its segments side by side (VIDEO_WORKERS). */
  workers: number;
}

interface Entry {
  job: VideoJob;
  owner: string;
  abort: AbortController;
  expiry?: NodeJS.Timeout;
  /** Listeners of this job's changes (subscriptions). */
  listeners: Set<(job: VideoJob) => void>;
}

export class VideoJobs {
  private readonly entries = new Map<string, Entry>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: VideoJobsOptions) {}

  /**
   * Reads the file's facts (a file that is not a video, or over a limit, is refused here with its typed
   * error), then queues the job; it is analysed when its turn comes.
   */
  async start(request: VideoJobRequest): Promise<VideoJob> {
    const video = await probeVideo(this.options.ffprobePath, request.file, this.options);
    const job: VideoJob = { id: randomUUID(), status: 'QUEUED', progress: 0, framesAnalysed: 0, video, userErrors: [], tracks: [] };
    const entry: Entry = { job, owner: request.owner, abort: new AbortController(), listeners: new Set() };
    this.entries.set(job.id, entry);
    this.chain = this.chain.then(() => this.run(entry, request));
    return job;
  }

  /** The job, for its owner only: another client gets undefined, as for a job that does not exist. */
  get(id: string, owner: string): VideoJob | undefined {
    const entry = this.entries.get(id);
    return entry && entry.owner === owner ? entry.job : undefined;
  }

  /** Stops a queued or running job; an ended one stays as it ended. */
  cancel(id: string, owner: string): VideoJob | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    if (entry.job.status === 'QUEUED' || entry.job.status === 'RUNNING') {
      entry.abort.abort();
      this.end(entry, 'CANCELLED');
    }
    return entry.job;
  }

  /** Calls `listener` on every change of the job until `stop` is called. */
  watch(id: string, owner: string, listener: (job: VideoJob) => void): (() => void) | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    entry.listeners.add(listener);
    return () => entry.listeners.delete(listener);
  }

  /**
   * The job's state now, then as it changes (at most every `minIntervalMs`, at least every
   * `maxIntervalMs` while it has not ended), then its final state; undefined for a job the owner cannot see.
   */
  updates(id: string, owner: string, minIntervalMs = 200, maxIntervalMs = 1000): AsyncGenerator<VideoJob> | undefined {
    const job = this.get(id, owner);
    if (!job) return undefined;
    let changed = () => {};
    const stop = this.watch(id, owner, () => changed())!;
    const ended = () => job.status !== 'QUEUED' && job.status !== 'RUNNING';
    return (async function* () {
      try {
        yield job;
        while (!ended()) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, maxIntervalMs);
            changed = () => (clearTimeout(timer), resolve());
          });
          changed = () => {};
          yield job;
          if (!ended()) await new Promise((resolve) => setTimeout(resolve, minIntervalMs));
        }
        yield job; // the final state, once more after the last change
      } finally {
        stop();
      }
    })();
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
        ffmpegPath: this.options.ffmpegPath,
        ffprobePath: this.options.ffprobePath,
        workers: this.options.workers,
        file: request.file,
        info: job.video!,
        sampleFps: request.sampleFps,
        smoothing: request.smoothing,
        settings: request.settings,
        detector: request.detector,
        analyser: request.analyser,
        detectionMaxSide: this.options.detectionMaxSide,
        signal: entry.abort.signal,
        onProgress: (frames, fraction) => {
          job.framesAnalysed = frames;
          job.progress = fraction;
          this.changed(entry);
        },
      });
      if (entry.abort.signal.aborted) return;
      job.tracks = result.tracks;
      job.framesAnalysed = result.framesAnalysed;
      if (result.framesAnalysed === 0) {
        job.userErrors.push(
          new UserFacingError(
            ErrorCode.UNSUPPORTED_VIDEO,
            `The video has no frame that could be decoded${result.decode.failure ? ` (${result.decode.failure})` : ''}.`,
          ),
        );
        this.end(entry, 'FAILED');
        return;
      }
      if (result.decode.failure) {
        const last = result.tracks.flatMap((t) => t.faces).reduce((max, f) => Math.max(max, f.frame), -1);
        job.userErrors.push(
          new UserFacingError(
            ErrorCode.VIDEO_DECODE_FAILED,
            `The video broke off after ${result.framesAnalysed} analysed frames${last >= 0 ? ` (last face at frame ${last})` : ''}: ${result.decode.failure}. The frames before the break are kept.`,
          ),
        );
      }
      this.end(entry, 'SUCCEEDED');
    } catch (error) {
      if (entry.abort.signal.aborted) return;
      if (error instanceof UserFacingError) job.userErrors.push(error);
      else {
        log.error('video job failed', { job: job.id, error: error instanceof Error ? error.message : String(error) });
        job.userErrors.push(new UserFacingError(ErrorCode.ENGINE_FAILURE, 'The video could not be analysed (an internal failure); retrying may help.'));
      }
      this.end(entry, 'FAILED');
    } finally {
      await removeVideoFile(request.file).catch(() => undefined);
    }
  }

  private end(entry: Entry, status: VideoJobStatus): void {
    if (entry.job.status !== 'QUEUED' && entry.job.status !== 'RUNNING') return;
    entry.job.status = status;
    if (status === 'SUCCEEDED') entry.job.progress = 1;
    this.changed(entry);
    entry.expiry = setTimeout(() => this.entries.delete(entry.job.id), this.options.resultTtlSeconds * 1000);
    entry.expiry.unref();
  }

  private changed(entry: Entry): void {
    for (const listener of entry.listeners) listener(entry.job);
  }
}
