// A long clip in segments analysed side by side, one per engine worker at a time, then joined into
// one set of tracks. Neighbouring segments both analyse the frame where one ends and the next begins;
// a face there continues the same track across the boundary (matched by overlap), so one person keeps one id.
import { iou, type Box } from '../geometry/geometry';

/** What joining reads of a track: its faces' frames and boxes (the rest passes through). */
interface Track<F extends { frame: number; box: Box }> {
  id: string;
  faces: F[];
}

/** Shorter segments cost more than they save (a detector run to start each, one more decoder). */
export const MIN_SEGMENT_SECONDS = 2;
/** Longer ones leave workers idle at the end of a clip and hold more before they are joined. */
export const MAX_SEGMENT_SECONDS = 30;
/** The overlap a face in the boundary frame needs with the next segment's face to continue its track. */
const SAME_FACE = 0.3;

/**
 * Where the segments start (stream seconds, the first at `start`): one segment per worker while
 * that keeps them between MIN and MAX_SEGMENT_SECONDS long; one for a clip too short to share.
 */
export function segmentStarts(start: number, durationSeconds: number, workers: number): number[] {
  const count = Math.max(1, Math.min(Math.floor(durationSeconds / MIN_SEGMENT_SECONDS), Math.max(workers, Math.ceil(durationSeconds / MAX_SEGMENT_SECONDS))));
  return Array.from({ length: count }, (_, k) => start + (k * durationSeconds) / count);
}

/**
 * One set of tracks from the segments' (in clip order). A track of one segment that has a face in its
 * last frame continues in the next segment's track whose face in its first frame overlaps it most
 * (IoU at least SAME_FACE, best pairs first); where both segments analysed that frame, the later
 * segment's face stays. Ids are renumbered 1, 2, … in order of each track's first frame.
 */
export function joinSegments<F extends { frame: number; box: Box }>(segments: ReadonlyArray<ReadonlyArray<Track<F>>>): Array<Track<F>> {
  const joined: F[][] = [];
  let open = new Map<Track<F>, F[]>();
  for (const [k, tracks] of segments.entries()) {
    const continued = k === 0 ? new Map<Track<F>, F[]>() : continuations(segments[k - 1]!, tracks, open);
    const next = new Map<Track<F>, F[]>();
    for (const track of tracks) {
      let faces = continued.get(track);
      if (faces) {
        // The boundary frame, analysed by both: the later segment's face replaces the earlier one's.
        const first = track.faces[0]!.frame;
        while (faces.length > 0 && faces[faces.length - 1]!.frame >= first) faces.pop();
        faces.push(...track.faces);
      } else {
        faces = [...track.faces];
        joined.push(faces);
      }
      next.set(track, faces);
    }
    open = next;
  }
  return joined
    .filter((faces) => faces.length > 0)
    .sort((a, b) => a[0]!.frame - b[0]!.frame)
    .map((faces, i) => ({ id: String(i + 1), faces }));
}

/** Which tracks of `later` continue which joined tracks of `earlier` (their faces, as joined so far). */
function continuations<F extends { frame: number; box: Box }>(
  earlier: ReadonlyArray<Track<F>>,
  later: ReadonlyArray<Track<F>>,
  joinedFaces: ReadonlyMap<Track<F>, F[]>,
): Map<Track<F>, F[]> {
  const lastFrame = Math.max(...earlier.flatMap((t) => t.faces.map((f) => f.frame)));
  const firstFrame = Math.min(...later.flatMap((t) => t.faces.map((f) => f.frame)));
  const ending = earlier.filter((t) => t.faces[t.faces.length - 1]?.frame === lastFrame);
  const starting = later.filter((t) => t.faces[0]?.frame === firstFrame);
  const pairs = ending.flatMap((a) => starting.map((b) => ({ a, b, overlap: iou(a.faces[a.faces.length - 1]!.box, b.faces[0]!.box) })));
  pairs.sort((x, y) => y.overlap - x.overlap);
  const result = new Map<Track<F>, F[]>();
  const used = new Set<Track<F>>();
  for (const { a, b, overlap } of pairs) {
    if (overlap < SAME_FACE) break;
    if (used.has(a) || result.has(b)) continue;
    used.add(a);
    result.set(b, joinedFaces.get(a)!);
  }
  return result;
}

/** A job's progress (0..0.999): seconds analysed of the declared duration, or bytes read of the file without one. */
export function progressFraction(info: { durationSeconds: number }, seconds: number, position: number, fileBytes: number): number {
  const done = info.durationSeconds > 0 ? seconds / info.durationSeconds : fileBytes > 0 && position > 0 ? position / fileBytes : 0;
  return Math.min(0.999, done);
}
