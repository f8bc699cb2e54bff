// What a video file holds, from ffprobe's JSON, checked against the limits before any frame is decoded.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ErrorCode, UserFacingError } from '../errors';

/** What a client learns about its video. Width and height are those of the upright frame. */
export interface VideoInfo {
  width: number;
  height: number;
  durationSeconds: number;
  frameRate: number;
  frameCount: number;
  codec: string;
  /** Clockwise degrees the player turns the stored frames (0, 90, 180 or 270); already applied to width and height. */
  rotation: number;
  /** The container as ffprobe names it, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  container: string;
}

export interface VideoLimits {
  maxPixels: number;
  maxSeconds: number;
}

/** The demuxers the service lets ffmpeg use: the accepted containers, nothing else of ffmpeg's hundreds. */
export const VIDEO_CONTAINERS: Record<string, string> = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'mov',
  'matroska,webm': 'matroska',
  avi: 'avi',
  gif: 'gif',
};

/** The subset of ffprobe's `-show_streams -show_format -of json` output read here. */
export interface ProbeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
    nb_frames?: string;
    disposition?: { attached_pic?: number };
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
  format?: { format_name?: string; duration?: string };
}

const unsupported = (why: string) => new UserFacingError(ErrorCode.UNSUPPORTED_VIDEO, `${why} Send MP4/MOV, WebM, MKV, AVI or an animated GIF.`);

const rate = (fraction: string | undefined): number | undefined => {
  const [num, den] = (fraction ?? '').split('/').map(Number);
  return num && den ? num / den : undefined;
};
const positive = (value: string | number | undefined): number | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

/** The video's facts from ffprobe's answer, or the typed error that refuses it. */
export function describeProbe(probe: ProbeJson, limits: VideoLimits): VideoInfo {
  const container = probe.format?.format_name ?? '';
  if (!(container in VIDEO_CONTAINERS)) throw unsupported(`The file is not a video container the service reads (${container || 'unknown'}).`);
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw unsupported(streams.some((s) => s.codec_type === 'audio') ? 'The file has audio but no video stream.' : 'The file has no video stream.');
  const storedWidth = positive(video.width);
  const storedHeight = positive(video.height);
  if (!storedWidth || !storedHeight) throw unsupported('The video stream has no frame size.');
  const pixels = storedWidth * storedHeight;
  if (pixels > limits.maxPixels) {
    throw new UserFacingError(
      ErrorCode.VIDEO_TOO_LARGE,
      `Each frame is ${storedWidth}x${storedHeight} (${pixels} pixels); the limit is ${limits.maxPixels} pixels per frame (MAX_VIDEO_PIXELS).`,
    );
  }
  const frameRate = rate(video.avg_frame_rate) ?? rate(video.r_frame_rate) ?? 0;
  const durationSeconds = positive(video.duration) ?? positive(probe.format?.duration) ?? 0;
  if (durationSeconds > limits.maxSeconds) {
    throw new UserFacingError(
      ErrorCode.VIDEO_TOO_LONG,
      `The video lasts ${durationSeconds.toFixed(1)} s; the limit is ${limits.maxSeconds} s (MAX_VIDEO_SECONDS).`,
    );
  }
  const rotation = clockwiseRotation(video);
  const turned = rotation === 90 || rotation === 270;
  return {
    width: turned ? storedHeight : storedWidth,
    height: turned ? storedWidth : storedHeight,
    durationSeconds,
    frameRate,
    frameCount: positive(video.nb_frames) ?? Math.round(durationSeconds * frameRate),
    codec: video.codec_name ?? 'unknown',
    rotation,
    container,
  };
}

/** The display matrix states counter-clockwise degrees; the older `rotate` tag, clockwise ones. */
function clockwiseRotation(video: NonNullable<ProbeJson['streams']>[number]): number {
  const matrix = video.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const degrees = matrix !== undefined ? -matrix : Number(video.tags?.rotate ?? 0);
  const quarter = Math.round((Number.isFinite(degrees) ? degrees : 0) / 90);
  return (((quarter % 4) + 4) % 4) * 90;
}

/** Runs ffprobe on a file and describes it; a file ffprobe cannot read is UNSUPPORTED_VIDEO. */
export async function probeVideo(ffprobePath: string, file: string, limits: VideoLimits): Promise<VideoInfo> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(ffprobePath, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch {
    throw unsupported('The file is not a video the service can read.');
  }
  return describeProbe(JSON.parse(stdout) as ProbeJson, limits);
}

/**
 * The presentation time (seconds) of every frame of the video stream, ascending, from its packets
 * (demuxed, not decoded: a second or two for a long clip); undefined when a packet has no time.
 */
export async function probeFrameTimes(ffprobePath: string, file: string): Promise<number[] | undefined> {
  const { stdout } = await promisify(execFile)(
    ffprobePath,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
    {
      timeout: 60_000,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const times = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => Number(line.split(',')[0]));
  return times.length > 0 && times.every(Number.isFinite) ? times.sort((a, b) => a - b) : undefined;
}
