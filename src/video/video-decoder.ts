// Frames of a video, streamed from ffmpeg as raw RGB: never the whole clip in memory. Each frame comes
// with its index in the decoded stream and its time from the stream's own timestamps (so variable frame
// rates are right); ffmpeg's showinfo filter reports both on stderr, one line per frame.
import type { Readable } from 'node:stream';
import { spawn } from 'node:child_process';
import os from 'node:os';
import type { RgbImage } from '../image/image-decoder';
import { VIDEO_CONTAINERS, type VideoInfo } from './video-probe';

export interface VideoFrame {
  /** Index in the decoded stream (0-based), also when frames are skipped by sampling. */
  index: number;
  /** Seconds from the first frame. */
  time: number;
  /** The upright frame (rotation metadata applied). */
  image: RgbImage;
}

export interface DecodeOptions {
  ffmpegPath: string;
  file: string;
  info: VideoInfo;
  /** At most this many frames per second; undefined: every frame. */
  sampleFps?: number;
  /** A part of the clip only (a segment); undefined: all of it. */
  segment?: SegmentFrames;
  signal?: AbortSignal;
}

/** The frames of one segment of a clip: those from `from`, up to the first at or after `until` (included). */
export interface SegmentFrames {
  /** Stream seconds (presentation times, as in `frameTimes`). */
  from: number;
  until?: number;
  /** The presentation time of every frame of the stream, ascending (probeFrameTimes): a frame's index is its place here. */
  frameTimes: readonly number[];
}

/** How decoding ended: whole, or broken after some frames (a truncated or corrupt stream). */
export interface DecodeEnd {
  framesDecoded: number;
  /** ffmpeg's own words when the stream broke or ffmpeg failed; undefined when the clip decoded whole. */
  failure?: string;
}

const SHOWINFO = /^\[Parsed_showinfo_(\d+) @ [^\]]+\] n:\s*(\d+) pts:\s*(-?\d+) pts_time:(-?[\d.e+-]+)/;
// What ffmpeg prints at error level about a broken stream (the rest of its info output is ignored).
const BROKEN = /invalid|error|corrupt|truncat|missing|could not|no frame|end of file|concealing/i;

/** Streams the video's frames in order; the generator's return value says how decoding ended. */
export async function* decodeFrames(options: DecodeOptions): AsyncGenerator<VideoFrame, DecodeEnd, undefined> {
  const { info, sampleFps, segment } = options;
  const demuxer = VIDEO_CONTAINERS[info.container];
  if (!demuxer) throw new Error(`no demuxer for ${info.container}`);
  // The first showinfo sees every decoded frame (its index), the last one only the frames kept.
  const filters = sampleFps ? `showinfo,select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${(1 / sampleFps) * 0.999})',showinfo` : 'showinfo';
  const child = spawn(
    options.ffmpegPath,
    [
      '-hide_banner',
      '-nostats',
      '-nostdin',
      '-v',
      'info',
      // A segment starts with a seek (ffmpeg decodes from the keyframe before and drops what precedes
      // `from`) and keeps the stream's own timestamps, so that its frames keep their times and indices.
      ...(segment ? ['-ss', String(segment.from), '-copyts'] : []),
      '-f',
      demuxer,
      '-i',
      options.file,
      '-map',
      '0:v:0',
      '-vf',
      filters,
      '-vsync',
      '0',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Decoding is background work: below the service's own threads, so that photos served meanwhile come first.
  if (child.pid !== undefined) {
    try {
      os.setPriority(child.pid, DECODER_NICENESS);
    } catch {
      // ffmpeg already gone (the error surfaces below), or a platform that does not allow it.
    }
  }
  const onAbort = () => child.kill('SIGKILL');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Cancelled before ffmpeg started: no abort event will come.
  if (options.signal?.aborted) onAbort();
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  // stderr: the index of every decoded frame by its pts, the times of the kept ones, and error lines.
  const keptFilter = sampleFps ? '2' : '0';
  const indexByPts = new Map<string, number>();
  const kept: Array<{ index: number; ptsTime: number }> = [];
  const problems: string[] = [];
  let wake: (() => void) | undefined;
  let stderrDone = false;
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) readLine(line);
    wake?.();
  });
  child.stderr.on('end', () => {
    if (pending) readLine(pending);
    stderrDone = true;
    wake?.();
  });
  function readLine(line: string) {
    const shown = SHOWINFO.exec(line);
    if (shown) {
      const [, filter, n, pts, ptsTime] = shown;
      if (filter === '0') indexByPts.set(pts!, Number(n));
      if (filter === keptFilter) kept.push({ index: indexByPts.get(pts!) ?? Number(n), ptsTime: Number(ptsTime) });
    } else if (!line.startsWith('[Parsed_showinfo') && BROKEN.test(line) && problems.length < 5) problems.push(line.trim());
  }
  const timeOf = async (k: number) => {
    while (kept.length <= k && !stderrDone) await new Promise<void>((resolve) => (wake = resolve));
    return kept[k];
  };

  const frameBytes = info.width * info.height * 3;
  const frames = framesAhead(child.stdout, frameBytes);
  let produced = 0;
  let origin: number | undefined;
  try {
    for (let data = await frames.next(); data; data = await frames.next()) {
      const stamp = await timeOf(produced);
      if (!stamp) throw new Error('ffmpeg gave a frame without its showinfo line');
      produced++;
      const image = { data, width: info.width, height: info.height };
      if (!segment) {
        origin ??= stamp.ptsTime;
        yield { index: stamp.index, time: stamp.ptsTime - origin, image };
        continue;
      }
      const index = frameIndex(segment.frameTimes, stamp.ptsTime);
      yield { index, time: stamp.ptsTime - segment.frameTimes[0]!, image };
      if (segment.until !== undefined && stamp.ptsTime >= segment.until) {
        child.kill('SIGKILL');
        return { framesDecoded: produced };
      }
    }
    const code = await exited;
    if (options.signal?.aborted) return { framesDecoded: produced, failure: 'cancelled' };
    const failure = code !== 0 ? (problems[0] ?? `ffmpeg exited with code ${code}`) : problems[0];
    return { framesDecoded: produced, failure };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** ffmpeg's niceness: 10 of 19, where the service runs at 0. */
const DECODER_NICENESS = 10;

/** Frames decoded ahead of the one being analysed: ffmpeg decodes the next while the engine works. */
const FRAMES_AHEAD = 2;

/**
 * A frame's buffer in shared memory: the engine calls of a frame (two or three) send it to worker
 * threads, which then read it where it is instead of each getting a copy (691 KB at 640x360).
 */
const sharedFrame = (bytes: number) => Buffer.from(new SharedArrayBuffer(bytes));

/**
 * The raw frames of ffmpeg's output, each copied once, chunk by chunk (pipe chunks are 64 KiB), into
 * its own buffer. Up to FRAMES_AHEAD wait for the reader, then the pipe is paused: ffmpeg keeps a
 * frame or two ahead, never the clip.
 */
function framesAhead(stdout: Readable, frameBytes: number): { next(): Promise<Buffer | undefined> } {
  const ready: Buffer[] = [];
  let frame = sharedFrame(frameBytes);
  let filled = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  stdout.on('data', (chunk: Buffer) => {
    for (let offset = 0; offset < chunk.length;) {
      const taken = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + taken);
      filled += taken;
      offset += taken;
      if (filled < frameBytes) continue;
      ready.push(frame);
      frame = sharedFrame(frameBytes);
      filled = 0;
    }
    if (ready.length >= FRAMES_AHEAD) stdout.pause();
    wake?.();
  });
  stdout.on('end', () => ((ended = true), wake?.()));
  stdout.on('error', (error) => ((failure = error), wake?.()));
  return {
    async next() {
      while (ready.length === 0 && !ended && !failure) await new Promise<void>((resolve) => (wake = resolve));
      if (failure) throw failure;
      const next = ready.shift();
      if (ready.length < FRAMES_AHEAD) stdout.resume();
      return next;
    },
  };
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
