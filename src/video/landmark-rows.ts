// A job's faces as one row per face per frame, in frame order: the columns of OpenFace 2.0's
// FeatureExtraction CSV where they mean the same (frame, timestamp, confidence, x_0..x_67, y_0..y_67),
// with the track and person ids, the box and the pose (degrees) beside them.
import type { FaceTrackData, TrackedFaceData } from './video-analysis';

const POINTS = 68;

export const CSV_HEADER = [
  'frame',
  'timestamp',
  'track',
  'person',
  'confidence',
  'box_x',
  'box_y',
  'box_width',
  'box_height',
  ...Array.from({ length: POINTS }, (_, i) => `x_${i}`),
  ...Array.from({ length: POINTS }, (_, i) => `y_${i}`),
  'pose_yaw',
  'pose_pitch',
  'pose_roll',
].join(',');

/** One row: a face, its track and its person. */
export interface FaceRow {
  track: string;
  person: string;
  face: TrackedFaceData;
}

/** Every face of every track, in frame order (tracks in order within a frame). */
export function* facesByFrame(tracks: readonly FaceTrackData[]): Generator<FaceRow> {
  const all = tracks.flatMap((t) => t.faces.map((face) => ({ track: t.id, person: t.person ?? '', face })));
  all.sort((a, b) => a.face.frame - b.face.frame || Number(a.track) - Number(b.track));
  yield* all;
}

const round = (n: number) => String(Math.round(n * 1000) / 1000);

export function csvRow({ track, person, face }: FaceRow): string {
  const points = face.points68 ?? [];
  const coordinate = (axis: 'x' | 'y') => Array.from({ length: POINTS }, (_, i) => (points[i] ? round(points[i]![axis]) : ''));
  return [
    face.frame,
    round(face.time),
    track,
    person,
    round(face.confidence),
    round(face.box.x),
    round(face.box.y),
    round(face.box.width),
    round(face.box.height),
    ...coordinate('x'),
    ...coordinate('y'),
    round(face.pose.yaw),
    round(face.pose.pitch),
    round(face.pose.roll),
  ].join(',');
}

export function jsonRow({ track, person, face }: FaceRow): string {
  return JSON.stringify({
    frame: face.frame,
    time: face.time,
    track,
    person,
    confidence: face.confidence,
    box: face.box,
    points68: (face.points68 ?? []).map((p) => [p.x, p.y]),
    pose: face.pose,
  });
}
