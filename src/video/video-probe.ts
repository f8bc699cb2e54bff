// What a video file holds, as ffprobe's JSON states it (the decoder process answers in that form),
// checked against the limits before any frame is decoded.
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
  /** The first frame's presentation time in seconds, as a player's timeline counts (0 for most files; later in edited MP4s and MPEG-TS). */
  startTime: number;
  /** The container as ffprobe names it, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  container: string;
}

export interface VideoLimits {
  maxPixels: number;
  maxSeconds: number;
}

/**
 * The demuxers the service lets ffmpeg use, by the container name ffprobe reports: the accepted
 * containers, nothing else of ffmpeg's hundreds. MP4, MOV, 3GP and 3G2 share one demuxer.
 */
export const VIDEO_CONTAINERS: Record<string, string> = {
  'mov,mp4,m4a,3gp,3g2,mj2': 'mov',
  'matroska,webm': 'matroska',
  avi: 'avi',
  gif: 'gif',
  // Recorders, cameras and HLS segments.
  mpegts: 'mpegts',
  // Windows Media (WMV), as in OpenFace's own sample clips.
  asf: 'asf',
  flv: 'flv',
};

/** The accepted containers as a person names them, for refusals and docs. */
export const VIDEO_CONTAINER_NAMES = 'MP4/MOV/3GP, WebM/MKV, AVI, MPEG-TS, WMV (ASF), FLV or an animated GIF';

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
    start_time?: string;
    nb_frames?: string;
    disposition?: { attached_pic?: number };
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
  format?: { format_name?: string; duration?: string; start_time?: string };
}

export const unsupported = (why: string) => new UserFacingError(ErrorCode.UNSUPPORTED_VIDEO, `${why} Send ${VIDEO_CONTAINER_NAMES}.`);

const rate = (fraction: string | undefined): number | undefined => {
  const [num, den] = (fraction ?? '').split('/').map(Number);
  return num && den ? num / den : undefined;
};
const finite = (value: string | undefined): number | undefined => {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
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
    startTime: finite(video.start_time) ?? finite(probe.format?.start_time) ?? 0,
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
