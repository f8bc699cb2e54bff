// The video decoder's own process (decoder-process.ts starts it under prlimit): FFmpeg's libraries from
// node-av's npm package parse the untrusted file here, never in the service. It answers one command
// and exits:
//   probe <file> [frame-times]  the file's facts as ffprobe's JSON would give them (ProbeJson), and with
//                               `frame-times` every frame's presentation time, from the packets (no decoding)
//   decode <request JSON>       the frames as raw RGB records (decoder-protocol.ts), then an end record
//   version                     the FFmpeg libraries' version
// It is synchronous on purpose: a blocking write to the pipe is the back-pressure, and a kill ends it.
import fs from 'node:fs';
import { RecordKind, recordHeader, type DecodeRequest, type DecodeSummary } from './decoder-protocol';

// node-av is ESM and reaches for Promise.withResolvers (Node 22) in its async paths; this process uses
// its synchronous API, but the module must load on Node 20 too.
(Promise as unknown as { withResolvers?: unknown }).withResolvers ??= () => {
  let resolve: unknown;
  let reject: unknown;
  const promise = new Promise((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the shim above
const av = require('node-av/api') as typeof import('node-av/api');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const constants = require('node-av/constants') as typeof import('node-av/constants');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require('node-av/lib') as typeof import('node-av/lib');

type Demuxer = import('node-av/api').Demuxer;
type Stream = Demuxer['streams'][number];
type Frame = import('node-av/lib').Frame;

/** Consecutive packets the decoder may refuse before the stream counts as broken off. */
const MAX_CONSECUTIVE_ERRORS = 25;

const seconds = (value: bigint, base: { num: number; den: number }) => (Number(value) * base.num) / base.den;
const fraction = (r: { num: number; den: number }) => `${r.num}/${r.den}`;
/** ffmpeg's "no timestamp" (AV_NOPTS_VALUE). */
const NO_PTS = -(2n ** 63n);

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `bytes` to stdout, waiting while the pipe is full (the parent reads as it analyses). */
function writeAll(bytes: Uint8Array) {
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += fs.writeSync(1, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 2);
    }
  }
}

function writeRecord(kind: RecordKind, payload: Uint8Array, time = 0, position = -1, index = 0) {
  writeAll(recordHeader(kind, payload.length, time, position, index));
  writeAll(payload);
}

/** The first video stream that is not a cover picture. */
function videoStream(input: Demuxer): Stream | undefined {
  return input.streams.find((s) => s.codecpar.codecType === constants.AVMEDIA_TYPE_VIDEO && (s.disposition & constants.AV_DISPOSITION_ATTACHED_PIC) === 0);
}

/** av_display_rotation_get: the display matrix's counter-clockwise degrees, as ffprobe prints them. */
function displayRotation(stream: Stream): number | undefined {
  const matrix = stream.codecpar.getCodedSideData(constants.AV_PKT_DATA_DISPLAYMATRIX);
  if (!matrix || matrix.length < 36) return undefined;
  const m = Array.from({ length: 9 }, (_, k) => matrix.readInt32LE(k * 4));
  const scaleX = Math.hypot(m[0]!, m[3]!);
  const scaleY = Math.hypot(m[1]!, m[4]!);
  if (scaleX === 0 || scaleY === 0) return undefined;
  return -((Math.atan2(m[1]! / scaleY, m[0]! / scaleX) * 180) / Math.PI);
}

/** The file's facts; with `withFrameTimes`, also its video frames' times (one process for both: a queued job's plan). */
function probe(file: string, withFrameTimes: boolean) {
  const input = av.Demuxer.openSync(file);
  try {
    const streams = input.streams.map((s) => {
      const type = s.codecpar.codecType;
      const rotation = displayRotation(s);
      const rotateTag = s.metadata?.get('rotate');
      return {
        codec_type: type === constants.AVMEDIA_TYPE_VIDEO ? 'video' : type === constants.AVMEDIA_TYPE_AUDIO ? 'audio' : 'other',
        // The codec's own name (avcodec_get_name, as ffprobe gives it: flv1, av1), not its decoder's (flv, libdav1d).
        codec_name: lib.avGetCodecName(s.codecpar.codecId) ?? undefined,
        width: s.codecpar.width || undefined,
        height: s.codecpar.height || undefined,
        avg_frame_rate: fraction(s.avgFrameRate),
        r_frame_rate: fraction(s.rFrameRate),
        duration: s.duration > 0n && s.duration !== NO_PTS ? String(seconds(s.duration, s.timeBase)) : undefined,
        start_time: s.startTime !== NO_PTS ? String(seconds(s.startTime, s.timeBase)) : undefined,
        nb_frames: s.nbFrames > 0n ? String(s.nbFrames) : undefined,
        disposition: { attached_pic: (s.disposition & constants.AV_DISPOSITION_ATTACHED_PIC) !== 0 ? 1 : 0 },
        tags: rotateTag ? { rotate: rotateTag } : undefined,
        side_data_list: rotation !== undefined ? [{ rotation }] : undefined,
      };
    });
    const duration = input.duration > 0 ? String(input.duration) : undefined;
    const video = withFrameTimes ? videoStream(input) : undefined;
    const startTime = Number.isFinite(input.startTime) ? String(input.startTime) : undefined;
    return { streams, format: { format_name: input.formatName, duration, start_time: startTime }, frame_times: video && packetTimes(input, video) };
  } finally {
    input.closeSync();
  }
}

/** The presentation times of the stream's packets, ascending: one per frame, without decoding any. */
function packetTimes(input: Demuxer, stream: Stream): number[] {
  const times: number[] = [];
  for (const packet of input.packetsSync(stream.index)) {
    if (!packet) break;
    if (packet.pts !== NO_PTS) times.push(seconds(packet.pts, stream.timeBase));
    packet.free();
  }
  return times.sort((a, b) => a - b);
}

/** The filters that turn a decoded frame upright (the player's rotation) at the first frame's size, in RGB. */
function uprightRgb(request: DecodeRequest): string {
  const turn = { 0: [], 90: ['transpose=clock'], 180: ['hflip', 'vflip'], 270: ['transpose=cclock'] }[request.rotation] ?? [];
  return [...turn, `scale=${request.width}:${request.height}`, 'format=rgb24'].join(',');
}

function decode(request: DecodeRequest): DecodeSummary {
  const input = av.Demuxer.openSync(request.file, { format: request.demuxer });
  const stream = videoStream(input);
  if (!stream) return { framesDecoded: 0, failure: 'the file has no video stream' };
  const decoder = av.Decoder.createSync(stream);
  // Rebuilt when the decoded frames change size or format mid-stream: every frame still leaves at the first size.
  let filter: { key: string; api: import('node-av/api').FilterAPI } | undefined;
  const toRgb = (frame: Frame): Buffer[] => {
    const key = `${frame.width}x${frame.height}:${frame.format}`;
    if (filter?.key !== key) {
      filter?.api.close();
      filter = { key, api: av.FilterAPI.create(uprightRgb(request)) };
    }
    return filter.api.processAllSync(frame).map((out) => {
      const bytes = out.toBuffer();
      out.free();
      return bytes;
    });
  };

  if (request.from !== undefined) input.seekSync(request.from, -1, constants.AVSEEK_FLAG_BACKWARD);
  let decoded = 0;
  let kept = 0;
  let origin = request.origin;
  let lastKept: number | undefined;
  // sampleFps keeps the first frame at or after each tick of a 1/sampleFps grid from the first frame: the
  // rate asked for on average (2 a second of 25 fps is 0, 0.52, 1.0, 1.52...), never drifting below it.
  let nextTick: number | undefined;
  let position = -1;
  let errors = 0;
  let firstError: string | undefined;
  const summary = (extra: Partial<DecodeSummary> = {}): DecodeSummary => ({ framesDecoded: kept, failure: firstError, ...extra });

  // Frames in presentation order as the decoder gives them; true when decoding should stop.
  const take = (frame: Frame): DecodeSummary | undefined => {
    const pts = frame.bestEffortTimestamp !== NO_PTS ? frame.bestEffortTimestamp : frame.pts;
    const time = pts !== NO_PTS ? seconds(pts, stream.timeBase) : (lastKept ?? 0);
    if (request.from !== undefined && time < request.from - 1e-6) return undefined; // before the segment: decoded only to reach it
    const index = decoded++;
    origin ??= time;
    if (time - origin > request.maxSeconds + 1e-6) return summary({ tooLong: { seconds: time - origin } });
    if (decoded > request.maxFrames) return summary({ tooLong: { frames: decoded } });
    const step = request.sampleFps ? 1 / request.sampleFps : 0;
    const sampled = step === 0 || nextTick === undefined || time >= nextTick - step * 0.001;
    if (sampled) {
      if (step > 0) {
        nextTick ??= time;
        while (nextTick <= time + step * 0.001) nextTick += step;
      }
      lastKept = time;
      for (const rgb of toRgb(frame)) {
        writeRecord(RecordKind.Frame, rgb, time, position, index);
        kept++;
      }
    }
    if (request.until !== undefined && time >= request.until) return summary();
    return undefined;
  };

  try {
    for (const packet of input.packetsSync(stream.index)) {
      if (packet && packet.pos >= 0n) position = Number(packet.pos);
      try {
        decoder.decodeSync(packet);
        errors = 0;
      } catch (error) {
        firstError ??= describe(error);
        if (++errors > MAX_CONSECUTIVE_ERRORS) return summary();
      }
      packet?.free();
      for (let frame = decoder.receiveSync(); frame instanceof lib.Frame; frame = decoder.receiveSync()) {
        const end = take(frame);
        frame.free();
        if (end) return end;
      }
      if (!packet) break;
    }
    return summary();
  } catch (error) {
    // The demuxer gave up (a cut-off file, a broken container): the frames so far stand.
    firstError ??= describe(error);
    return summary();
  } finally {
    filter?.api.close();
    decoder.close();
    input.closeSync();
  }
}

/** FFmpeg's words for what went wrong, never a path of this machine. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/(?:\/[\w.-]+)+/g, 'the file').trim() || 'the stream could not be decoded';
}

/** The command: on the command line, or (a spare process, started ahead) as JSON on stdin once it is wanted. */
function commandLine(): string[] {
  if (process.argv.length > 2) return process.argv.slice(2);
  const text = fs.readFileSync(0, 'utf8');
  if (!text) process.exit(0); // a spare never used: the service closed its stdin
  return JSON.parse(text) as string[];
}

function main(argv: string[]) {
  const [command, ...args] = argv;
  if (command === 'version') return writeAll(Buffer.from(JSON.stringify({ version: lib.getFFmpegInfo().version })));
  if (command === 'probe') return writeAll(Buffer.from(JSON.stringify(probe(args[0]!, args[1] === 'frame-times'))));
  if (command === 'decode') {
    const end = decode(JSON.parse(args[0]!) as DecodeRequest);
    return writeRecord(RecordKind.End, Buffer.from(JSON.stringify(end)));
  }
  throw new Error(`unknown command ${command}`);
}

try {
  main(commandLine());
} catch (error) {
  process.stderr.write(`${describe(error)}\n`);
  process.exitCode = 1;
}
