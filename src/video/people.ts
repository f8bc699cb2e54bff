// Which tracks of a video show the same person: each track's best portraits (large, frontal, sharp)
// give a few 128-d descriptors; tracks are joined by agglomerative clustering with average linkage,
// never across two tracks that overlap in time (one person is not in two places at once).
import type { HeadPose } from '../geometry/head-pose';

/** Portraits per track that get a descriptor: a few of its best frames, not every frame. */
export const PORTRAITS_PER_TRACK = 2;
/**
 * Seconds between a track's portraits: faces a moment apart are near copies, so a second portrait is
 * worth its descriptor only from another moment.
 */
export const PORTRAIT_GAP_SECONDS = 1;
/**
 * The score (portraitScore) a face needs to be a portrait at all: below it (a face about 20 px wide,
 * or blurred, or in profile) its descriptor is noise, so the track stays a person of its own.
 */
export const MIN_PORTRAIT_SCORE = 0.15;
/**
 * Tracks whose descriptors lie closer than this on average are one person. Set from the labelled
 * identities in docs/video.md: no two different people of the labelled sets measured closer.
 */
export const SAME_PERSON_DISTANCE = 0.4;

/**
 * How good a face is to recognise someone by, 0..1: its quality (sharpness times resolution,
 * Face.quality) times its frontality (1 facing the camera, 0 in full profile or facing up or down).
 */
export function portraitScore(quality: number, pose: Pick<HeadPose, 'yaw' | 'pitch'>): number {
  const facing = (degrees: number) => Math.max(0, Math.cos((degrees * Math.PI) / 180));
  return quality * facing(pose.yaw) * facing(pose.pitch);
}

/** Whether a face scoring `score` enters a track's best portraits so far (their scores, best first). */
export function isAmongBest(score: number, best: readonly number[], count = PORTRAITS_PER_TRACK): boolean {
  return score >= MIN_PORTRAIT_SCORE && (best.length < count || score > best[count - 1]!);
}

/**
 * The `count` best of the portraits, best first, each at least PORTRAIT_GAP_SECONDS from every better one
 * chosen; an equal score keeps the earlier frame.
 */
export function bestPortraits<P extends { score: number; frame: number; time: number }>(portraits: readonly P[], count = PORTRAITS_PER_TRACK): P[] {
  const chosen: P[] = [];
  const ranked = portraits.filter((p) => p.score >= MIN_PORTRAIT_SCORE).sort((a, b) => b.score - a.score || a.frame - b.frame);
  for (const p of ranked) {
    if (chosen.length < count && chosen.every((c) => Math.abs(c.time - p.time) >= PORTRAIT_GAP_SECONDS)) chosen.push(p);
  }
  return chosen;
}

export interface TrackIdentity {
  /** The analysed frames the track spans (first and last). */
  firstFrame: number;
  lastFrame: number;
  /** Its portraits' descriptors; none: the track is a person of its own. */
  descriptors: ReadonlyArray<readonly number[]>;
}

export function descriptorDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

/** The mean distance between the two tracks' descriptors; Infinity when they overlap in time or one has none. */
export function trackDistance(a: TrackIdentity, b: TrackIdentity): number {
  if (a.descriptors.length === 0 || b.descriptors.length === 0) return Infinity;
  if (a.firstFrame <= b.lastFrame && b.firstFrame <= a.lastFrame) return Infinity;
  let sum = 0;
  for (const x of a.descriptors) for (const y of b.descriptors) sum += descriptorDistance(x, y);
  return sum / (a.descriptors.length * b.descriptors.length);
}

/**
 * The tracks grouped into people, as lists of track indices (each in index order; groups in order of
 * their first track). Average linkage: the closest two groups (the mean of their tracks' distances)
 * join while that mean is under `threshold`. A pair that overlaps in time is Infinity apart, so two
 * groups holding such a pair never join. O(n^3) in tracks, which is small next to the frames.
 */
export function linkPeople(tracks: readonly TrackIdentity[], threshold = SAME_PERSON_DISTANCE): number[][] {
  // A track overlaps itself: the diagonal is Infinity too.
  const distance = tracks.map((a) => tracks.map((b) => trackDistance(a, b)));
  // Each group under its first track's index (a Map keeps them in that order).
  const groups = new Map(tracks.map((_, i) => [i, [i]]));
  for (;;) {
    let closest = { i: 0, j: 0, d: threshold };
    for (const i of groups.keys()) for (const j of groups.keys()) if (i < j && distance[i]![j]! < closest.d) closest = { i, j, d: distance[i]![j]! };
    const { i, j } = closest;
    if (i === j) break;
    const [first, second] = [groups.get(i)!, groups.get(j)!];
    // Lance-Williams for average linkage: the mean over all track pairs, kept without recomputing it.
    for (const k of groups.keys()) {
      const merged = (first.length * distance[i]![k]! + second.length * distance[j]![k]!) / (first.length + second.length);
      distance[i]![k] = merged;
      distance[k]![i] = merged;
    }
    groups.set(
      i,
      [...first, ...second].sort((a, b) => a - b),
    );
    groups.delete(j);
  }
  return [...groups.values()];
}

/** What linking reads of a track: its faces' frames, and the portraits among them. */
interface LinkedTrack {
  faces: ReadonlyArray<{ frame: number; time: number; portrait?: { score: number; descriptor: number[] } }>;
  person?: string;
}

/**
 * Sets each track's `person` (tracks in order of their first frame): people numbered 1, 2, … in
 * order of their first track. A track's descriptors are those of its best portraits (after segments
 * are joined, a track may hold each segment's best).
 */
export function assignPeople(tracks: readonly LinkedTrack[], threshold = SAME_PERSON_DISTANCE): void {
  const identities = tracks.map((t) => ({
    firstFrame: t.faces[0]!.frame,
    lastFrame: t.faces[t.faces.length - 1]!.frame,
    descriptors: bestPortraits(t.faces.flatMap((f) => (f.portrait ? [{ frame: f.frame, time: f.time, ...f.portrait }] : []))).map((p) => p.descriptor),
  }));
  linkPeople(identities, threshold).forEach((group, k) => {
    for (const i of group) tracks[i]!.person = String(k + 1);
  });
}
