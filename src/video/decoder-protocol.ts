// What the decoder process (decoder-child.ts) and the service (video-decoder.ts) say to each other over
// the child's stdout: a sequence of records, each a fixed header and a payload, the last an End record.
// The service reads it as it would any untrusted input: a record of a kind or size it does not expect
// ends the decode, whatever the decoder says.
import type { Readable } from 'node:stream';

/** Header: kind u32, payload bytes u32, presentation time f64 (s), byte position f64 (-1: unknown), decode index u32, spare u32. */
export const DECODER_HEADER_BYTES = 32;

export enum RecordKind {
  /** An upright frame as packed RGB at the requested size. */
  Frame = 1,
  /** The last record: a DecodeSummary as JSON. */
  End = 2,
}

/** One decode: a file, the demuxer the probe allowed, and the limits it must stop at. */
export interface DecodeRequest {
  file: string;
  demuxer: string;
  /** The upright size every frame is delivered at (a stream that changes size midway is scaled to it). */
  width: number;
  height: number;
  /** Clockwise degrees to turn the stored frames (0, 90, 180 or 270). */
  rotation: number;
  /** The first frame at or after each tick of a 1/sampleFps grid from the first frame's time; undefined: every frame. */
  sampleFps?: number;
  /** Stream seconds: decoding starts at the first frame at or after `from`, ends after the first at or after `until`. */
  from?: number;
  until?: number;
  /** The time `maxSeconds` counts from; undefined: the first frame's. */
  origin?: number;
  /** Presentation seconds past `origin` at which decoding stops (MAX_VIDEO_SECONDS). */
  maxSeconds: number;
  /** Decoded frames at which decoding stops, whatever their timestamps say. */
  maxFrames: number;
}

/**
 * The frame rate no accepted clip exceeds: with MAX_VIDEO_SECONDS it caps the frames decoded
 * (`maxFrames`), so that a stream whose timestamps stand still or lie cannot run on for ever.
 */
export const MAX_FRAME_RATE = 120;

/** How a decode ended: whole, broken after some frames (a truncated or corrupt stream), or cut at a limit. */
export interface DecodeSummary {
  framesDecoded: number;
  /** FFmpeg's words for the first error (a corrupt or cut-off stream); undefined when it decoded cleanly. */
  failure?: string;
  /** Set when decoding stopped at a limit: the presentation seconds or the frame count that reached it. */
  tooLong?: { seconds?: number; frames?: number };
}

/** A record's header as the decoder writes it. */
export function recordHeader(kind: RecordKind, payloadBytes: number, time = 0, position = -1, index = 0): Buffer {
  const header = Buffer.alloc(DECODER_HEADER_BYTES);
  header.writeUInt32LE(kind, 0);
  header.writeUInt32LE(payloadBytes, 4);
  header.writeDoubleLE(time, 8);
  header.writeDoubleLE(position, 16);
  header.writeUInt32LE(index, 24);
  return header;
}

export interface DecoderRecord {
  kind: RecordKind;
  /** Presentation seconds of a frame. */
  time: number;
  /** Byte position of its packet in the file; -1 unknown. */
  position: number;
  /** Its index in decode order. */
  index: number;
  payload: Buffer;
}

/** The largest End record accepted: a DecodeSummary is a few hundred bytes. */
export const MAX_END_BYTES = 64 * 1024;

/** Records read ahead of the one being analysed: the decoder decodes the next while the engine works. */
export const RECORDS_AHEAD = 2;

/**
 * A frame's buffer in shared memory: the engine calls of a frame (two or three) send it to worker
 * threads, which then read it where it is instead of each getting a copy (691 KB at 640x360).
 */
const sharedFrame = (bytes: number) => Buffer.from(new SharedArrayBuffer(bytes));

/**
 * The records of a decoder's stdout, each payload copied once, chunk by chunk (pipe chunks are 64 KiB),
 * into its own buffer. Up to RECORDS_AHEAD wait for the reader, then the pipe is paused: the decoder
 * keeps a frame or two ahead (its writes block), never the clip. A frame of another size than
 * `frameBytes`, an End record over MAX_END_BYTES, or an unknown kind fails `next()`.
 */
export function readRecords(stdout: Readable, frameBytes: number): { next(): Promise<DecoderRecord | undefined> } {
  const ready: DecoderRecord[] = [];
  const header = Buffer.alloc(DECODER_HEADER_BYTES);
  let headerFilled = 0;
  let current: DecoderRecord | undefined;
  let filled = 0;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const begin = (): DecoderRecord | Error => {
    const kind = header.readUInt32LE(0) as RecordKind;
    const length = header.readUInt32LE(4);
    const expected = kind === RecordKind.Frame ? length === frameBytes : kind === RecordKind.End && length <= MAX_END_BYTES;
    if (!expected) return new Error(`the decoder sent a record of kind ${kind} with ${length} bytes (frames have ${frameBytes})`);
    const payload = kind === RecordKind.Frame ? sharedFrame(length) : Buffer.alloc(length);
    return { kind, time: header.readDoubleLE(8), position: header.readDoubleLE(16), index: header.readUInt32LE(24), payload };
  };
  stdout.on('data', (chunk: Buffer) => {
    for (let offset = 0; offset < chunk.length && !failure;) {
      if (!current) {
        const taken = Math.min(DECODER_HEADER_BYTES - headerFilled, chunk.length - offset);
        chunk.copy(header, headerFilled, offset, offset + taken);
        headerFilled += taken;
        offset += taken;
        if (headerFilled < DECODER_HEADER_BYTES) continue;
        headerFilled = 0;
        filled = 0;
        const begun = begin();
        if (begun instanceof Error) {
          failure = begun;
          stdout.destroy();
          break;
        }
        current = begun;
      }
      const taken = Math.min(current.payload.length - filled, chunk.length - offset);
      chunk.copy(current.payload, filled, offset, offset + taken);
      filled += taken;
      offset += taken;
      if (filled < current.payload.length) continue;
      ready.push(current);
      current = undefined;
    }
    if (ready.length >= RECORDS_AHEAD) stdout.pause();
    wake?.();
  });
  stdout.on('end', () => {
    // A record cut off by the decoder's end is not delivered: it was never whole.
    ended = true;
    wake?.();
  });
  stdout.on('error', (error) => ((failure ??= error), wake?.()));
  return {
    async next() {
      while (ready.length === 0 && !ended && !failure) await new Promise<void>((resolve) => (wake = resolve));
      // The whole records before a failure are delivered first (the frames before a break stand).
      if (ready.length === 0 && failure) throw failure;
      const next = ready.shift();
      if (ready.length < RECORDS_AHEAD) stdout.resume();
      return next;
    },
  };
}
