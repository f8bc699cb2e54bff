// Frames of a video, streamed from the decoder process (decoder-child.ts) as raw RGB: never the whole
// clip in memory. Each frame comes with its index in decode order (counted by the decoder, so a stream
// that changes size midway does not restart it) and its time from the stream's own timestamps (so
// variable frame rates are right). Decoding stops at MAX_VIDEO_SECONDS of presentation time, and at a
// frame cap, whatever the container declared.
import type { RgbImage } from '../image/image-decoder';
import { MAX_FRAME_RATE, readRecords, RecordKind, type DecodeRequest, type DecodeSummary } from './decoder-protocol';
import { decoderExit, type DecoderProcess } from './decoder-process';
import { VIDEO_CONTAINERS, type VideoInfo } from './video-probe';

export interface VideoFrame {
  /** Index in the decoded stream (0-based), also when frames are skipped by sampling. */
  index: number;
  /** The frame's presentation time in seconds (its timestamp, edit lists applied): a player's `currentTime` while it shows the frame. */
  time: number;
  /** Where the frame's packet starts in the file (bytes), for progress without a declared duration; -1: unknown. */
  position: number;
  /** The upright frame (rotation metadata applied), at the stream's first size or smaller (`maxSide`). */
  image: RgbImage;
  /** Upright-frame pixels per pixel of `image` (1 unless `maxSide` shrank it). */
  scale: number;
}

export interface DecodeOptions {
  decoder: DecoderProcess;
  file: string;
  info: VideoInfo;
  /** Presentation seconds after which decoding stops with `tooLong` (MAX_VIDEO_SECONDS). */
  maxSeconds: number;
  /** At most this many frames per second, on a grid of the frames' timestamps (decoder-child.ts); undefined: every frame. */
  sampleFps?: number;
  /** A part of the clip only (a segment); undefined: all of it. */
  segment?: SegmentFrames;
  /**
   * The longer side frames are decoded at, at most (the detection size): the decoder scales as it converts
   * to RGB, so a large frame never crosses to the service, or is copied there, at full size.
   */
  maxSide?: number;
  signal?: AbortSignal;
}

/** The size frames of `width` x `height` are decoded at for a longer side of at most `maxSide`, and the scale back. */
export function decodedSize(width: number, height: number, maxSide = Infinity): { width: number; height: number; scale: number } {
  const longer = Math.max(width, height);
  if (longer <= maxSide) return { width, height, scale: 1 };
  const shrunk = { width: Math.max(1, Math.round((width * maxSide) / longer)), height: Math.max(1, Math.round((height * maxSide) / longer)) };
  return { ...shrunk, scale: width / shrunk.width };
}

/** The frames of one segment of a clip: those from `from`, up to the first at or after `until` (included). */
export interface SegmentFrames {
  /** Stream seconds (presentation times, as in `frameTimes`). */
  from: number;
  until?: number;
  /** The presentation time of every frame of the stream, ascending (probeFrameTimes): a frame's index is its place here. */
  frameTimes: readonly number[];
}

/** Streams the video's frames in order; the generator's return value says how decoding ended. */
export async function* decodeFrames(options: DecodeOptions): AsyncGenerator<VideoFrame, DecodeSummary, undefined> {
  const { info, segment } = options;
  const demuxer = VIDEO_CONTAINERS[info.container];
  if (!demuxer) throw new Error(`no demuxer for ${info.container}`);
  const size = decodedSize(info.width, info.height, options.maxSide);
  const request: DecodeRequest = {
    file: options.file,
    demuxer,
    width: size.width,
    height: size.height,
    rotation: info.rotation,
    sampleFps: options.sampleFps,
    from: segment?.from,
    until: segment?.until,
    origin: segment?.frameTimes[0],
    maxSeconds: options.maxSeconds,
    maxFrames: Math.ceil(options.maxSeconds * MAX_FRAME_RATE),
  };
  const child = options.decoder.start(['decode', JSON.stringify(request)]);
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Cancelled before the decoder started: no abort event will come.
  if (options.signal?.aborted) onAbort();
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (code, signal) => resolve([code, signal])));
  child.stderr!.resume(); // its diagnostics are not read; the End record says how decoding went

  const frameBytes = size.width * size.height * 3;
  const records = readRecords(child.stdout!, frameBytes);
  let produced = 0;
  try {
    // A decoder that breaks the protocol (a bug, or a file that took it over) ends the decode like a broken stream.
    const next = () => records.next().catch(() => 'broken' as const);
    for (let record = await next(); record; record = await next()) {
      if (record === 'broken') return { framesDecoded: produced, failure: 'the decoder sent something other than frames' };
      if (record.kind === RecordKind.End) return JSON.parse(record.payload.toString('utf8')) as DecodeSummary;
      produced++;
      const image = { data: record.payload, width: size.width, height: size.height };
      const index = segment ? frameIndex(segment.frameTimes, record.time) : record.index;
      yield { index, time: record.time, position: record.position, image, scale: size.scale };
    }
    // No End record: the decoder was stopped (a cancel, a limit of prlimit) or crashed.
    const [code, signal] = await exited;
    if (options.signal?.aborted) return { framesDecoded: produced, failure: 'cancelled' };
    return { framesDecoded: produced, failure: decoderExit(code, signal) };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The index of the frame shown at `time`: the nearest of the stream's frame times. */
export function frameIndex(frameTimes: readonly number[], time: number): number {
  let [low, high] = [0, frameTimes.length - 1];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (frameTimes[middle]! < time) low = middle + 1;
    else high = middle;
  }
  return low > 0 && time - frameTimes[low - 1]! < frameTimes[low]! - time ? low - 1 : low;
}
