// A job's people as its clients see them: the tracks of each person (people.ts linked them), with the
// span they appear in and their best thumbnail.
import type { Box } from '../geometry/geometry';
import { assignPeople } from './people';
import type { FaceTrackData } from './video-analysis';

export interface PersonData {
  id: string;
  /** Its tracks, in order of their first frame. */
  tracks: FaceTrackData[];
  /** Analysed frames with the person (their tracks never overlap in time). */
  frameCount: number;
  firstTime: number;
  lastTime: number;
  /** The best-scoring thumbnail of its tracks' portraits; undefined when no face of theirs was good enough. */
  thumbnail?: { base64: string; rectangle: Box; score: number };
}

/** The people of a job's tracks (in order of their first appearance); each track's person is set here if it was not. */
export function peopleOf(tracks: readonly FaceTrackData[]): PersonData[] {
  // Results stored before people existed have none: each track is then a person of its own.
  if (tracks.some((t) => t.person === undefined)) assignPeople(tracks, 0);
  const people = new Map<string, PersonData>();
  for (const track of tracks) {
    const id = track.person!;
    const first = track.faces[0]!;
    const last = track.faces[track.faces.length - 1]!;
    let person = people.get(id);
    if (!person) {
      person = { id, tracks: [], frameCount: 0, firstTime: first.time, lastTime: last.time };
      people.set(id, person);
    }
    person.tracks.push(track);
    person.frameCount += track.faces.length;
    person.firstTime = Math.min(person.firstTime, first.time);
    person.lastTime = Math.max(person.lastTime, last.time);
    for (const { portrait } of track.faces) {
      if (portrait?.thumbnail && portrait.thumbnailRectangle && !(person.thumbnail && person.thumbnail.score >= portrait.score)) {
        person.thumbnail = { base64: portrait.thumbnail, rectangle: portrait.thumbnailRectangle, score: portrait.score };
      }
    }
  }
  return [...people.values()];
}
