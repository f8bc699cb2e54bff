// What a video job is to its clients, whichever runs it: in this process (video-jobs.ts) or on a
// BullMQ queue shared by replicas (queued-video-jobs.ts). Both answer through VideoJobService.
import { ErrorCode, UserFacingError } from '../errors';
import type { DetectionSettings, FaceAnalyser, FaceDetector } from '../providers/provider';
import type { AnalysisResult, FaceTrackData } from './video-analysis';
import { MAX_FRAME_RATE } from './decoder-protocol';
import type { VideoInfo } from './video-probe';

export type VideoJobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface VideoJob {
  id: string;
  status: VideoJobStatus;
  /** 0..1 */
  progress: number;
  framesAnalysed: number;
  video?: VideoInfo;
  userErrors: UserFacingError[];
  /** The tracks, once the job has SUCCEEDED (read on demand: a long clip's are large). */
  tracks(): Promise<FaceTrackData[]>;
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

export interface VideoJobService {
  /**
   * Reads the file's facts (a file that is not a video, or over a limit, is refused here with its typed
   * error), then queues the job.
   */
  start(request: VideoJobRequest): Promise<VideoJob>;
  /** The job, for its owner only: another client gets undefined, as for a job that does not exist. */
  get(id: string, owner: string): Promise<VideoJob | undefined>;
  /** Stops a queued or running job; an ended one stays as it ended. */
  cancel(id: string, owner: string): Promise<VideoJob | undefined>;
  /**
   * The job's state now, then as it changes (at least every second while it has not ended), then its
   * final state; undefined for a job the owner cannot see.
   */
  updates(id: string, owner: string): Promise<AsyncGenerator<VideoJob> | undefined>;
  /** Stops taking work; jobs this process alone holds are cancelled. */
  close(): Promise<void>;
}

/** Counts a client's analysed frames against its rate limit (the images' budget). */
export type FrameCharge = (owner: string, frames: number) => void;

export const isActive = (status: VideoJobStatus) => status === 'QUEUED' || status === 'RUNNING';

/**
 * How an analysis that ran to its end ends the job: FAILED with no frame, else SUCCEEDED, noting a
 * break (VIDEO_DECODE_FAILED) or a cut at the length limit (VIDEO_TOO_LONG); the frames before stand.
 */
export function jobOutcome(result: Pick<AnalysisResult, 'tracks' | 'framesAnalysed' | 'decode'>): {
  status: 'SUCCEEDED' | 'FAILED';
  userErrors: UserFacingError[];
} {
  const { failure, tooLong } = result.decode;
  if (result.framesAnalysed === 0) {
    if (tooLong) return { status: 'FAILED', userErrors: [lengthLimit(tooLong, 0)] };
    return {
      status: 'FAILED',
      userErrors: [new UserFacingError(ErrorCode.UNSUPPORTED_VIDEO, `The video has no frame that could be decoded${failure ? ` (${failure})` : ''}.`)],
    };
  }
  if (tooLong) return { status: 'SUCCEEDED', userErrors: [lengthLimit(tooLong, result.framesAnalysed)] };
  if (!failure) return { status: 'SUCCEEDED', userErrors: [] };
  const last = result.tracks.flatMap((t) => t.faces).reduce((max, f) => Math.max(max, f.frame), -1);
  return {
    status: 'SUCCEEDED',
    userErrors: [
      new UserFacingError(
        ErrorCode.VIDEO_DECODE_FAILED,
        `The video broke off after ${result.framesAnalysed} analysed frames${last >= 0 ? ` (last face at frame ${last})` : ''}: ${failure}. The frames before the break are kept.`,
      ),
    ],
  };
}

/** A stream that ran past MAX_VIDEO_SECONDS (or the frame cap derived from it) while decoding. */
function lengthLimit(tooLong: NonNullable<AnalysisResult['decode']['tooLong']>, framesAnalysed: number): UserFacingError {
  const where =
    tooLong.seconds !== undefined
      ? `its timeline reached ${tooLong.seconds.toFixed(1)} s, past the limit (MAX_VIDEO_SECONDS)`
      : `it reached ${tooLong.frames} frames, more than the limit allows (MAX_VIDEO_SECONDS at ${MAX_FRAME_RATE} frames a second)`;
  const kept = framesAnalysed > 0 ? `; the ${framesAnalysed} analysed frames before the cut are kept` : '';
  return new UserFacingError(ErrorCode.VIDEO_TOO_LONG, `The video is longer than the server accepts: decoding stopped where ${where}${kept}.`);
}

/** The typed error a job ends with when its analysis threw. */
export function jobFailure(error: unknown): UserFacingError {
  return error instanceof UserFacingError
    ? error
    : new UserFacingError(ErrorCode.ENGINE_FAILURE, 'The video could not be analysed (an internal failure); retrying may help.');
}

/**
 * A job's states for a subscription: `read()` now, then again on each `wake` call or after
 * `maxIntervalMs`, at most every `minIntervalMs`, until it has ended; then the final state once more.
 */
export async function* jobUpdates(
  first: VideoJob,
  read: () => Promise<VideoJob | undefined>,
  onWake: (wake: () => void) => () => void,
  minIntervalMs = 200,
  maxIntervalMs = 1000,
): AsyncGenerator<VideoJob> {
  let job = first;
  let woken = () => {};
  const stop = onWake(() => woken());
  try {
    yield job;
    while (isActive(job.status)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxIntervalMs);
        woken = () => (clearTimeout(timer), resolve());
      });
      woken = () => {};
      job = (await read()) ?? job;
      yield job;
      if (isActive(job.status)) await new Promise((resolve) => setTimeout(resolve, minIntervalMs));
    }
    yield (await read()) ?? job; // the final state, once more after the last change
  } finally {
    stop();
  }
}
