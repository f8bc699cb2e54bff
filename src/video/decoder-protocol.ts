// What the decoder process (decoder-child.ts) and the service (video-decoder.ts) say to each other over
// the child's stdout: a sequence of records, each a fixed header and a payload, the last an End record.

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
  /** At most this many frames a second, by their timestamps; undefined: every frame. */
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

/** How a decode ended. */
export interface DecodeSummary {
  framesDecoded: number;
  /** FFmpeg's words for the first error (a corrupt or cut-off stream); undefined when it decoded cleanly. */
  failure?: string;
  /** Set when decoding stopped at a limit: the presentation seconds or the frame count that reached it. */
  tooLong?: { seconds?: number; frames?: number };
}
