// People across a video: the cast clip (tools/cast-clip.ts: the same actors in shot after shot, cut
// from two cast photos, every actor's face labelled by hand) through the real decoder, engine and
// server, in one segment and in two.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { actorIn, CAST_SHOTS, castShotOf, makeCastClip } from '../tools/cast-clip';
import { ProviderName } from '../src/config';
import { DETECT, startTestServer, type TestServer } from './support/server';
import { videoClient } from './support/video-client';

const KEY = 'people-key';
let oneSegment: TestServer;
let twoSegments: TestServer;
let dir: string;

interface Track {
  id: string;
  person: { id: string };
  faces: Array<{ frame: number; time: number; rectangle: { x: number; y: number; width: number; height: number } }>;
}
interface Person {
  id: string;
  frameCount: number;
  firstTime: number;
  lastTime: number;
  tracks: Array<{ id: string }>;
}
interface Job {
  id: string;
  status: string;
  tracks: Track[];
  people: Person[];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-people-'));
  makeCastClip(ffmpeg.path, path.join(dir, 'cast.mp4'));
  makeCastClip(ffmpeg.path, path.join(dir, 'one-shot.mp4'), CAST_SHOTS.slice(0, 1));
  oneSegment = await startTestServer({ API_KEYS: KEY, VIDEO_WORKERS: '1' });
  // The same engine; the 6.6 s clip in two segments, which meet inside the third shot.
  twoSegments = await startTestServer(
    { API_KEYS: KEY, VIDEO_WORKERS: '2' },
    { provider: oneSegment.providers.get(ProviderName.EMBEDDED)!, analyser: oneSegment.providers.analyser, start: false },
  );
});
afterAll(async () => {
  await twoSegments?.stop();
  await oneSegment?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function analysed(server: TestServer, file: string): Promise<Job> {
  const client = videoClient(server.url, KEY);
  const { job } = await client.analyze(path.join(dir, file));
  const done = (await client.finished(job.id)) as Job;
  expect(done.status).toBe('SUCCEEDED');
  return done;
}

/** Each track's actor and scene (the photo its shot was cut from), by the labelled face centre inside its first box. */
function labelled(job: Job) {
  return job.tracks.map((t) => {
    const first = t.faces[0]!;
    return { track: t, actor: actorIn(first.frame, first.rectangle), scene: castShotOf(first.frame).shot.photo, shot: castShotOf(first.frame).index };
  });
}

describe('the cast clip', () => {
  const jobs: Record<'one' | 'two', Job> = {} as never;
  beforeAll(async () => {
    jobs.one = await analysed(oneSegment, 'cast.mp4');
    jobs.two = await analysed(twoSegments, 'cast.mp4');
  }, 240_000);

  test.each(['one', 'two'] as const)('in %s segment(s): no person holds two actors, and each actor of a scene is one person', (segments) => {
    const tracks = labelled(jobs[segments]);
    // Nearly every track is an actor's: the rest are faces the framing cuts in half.
    expect(tracks.filter((t) => t.actor).length).toBeGreaterThanOrEqual(20);
    const actorsOf = new Map<string, Set<string>>();
    const peopleOf = new Map<string, Set<string>>();
    for (const { track, actor, scene } of tracks) {
      if (!actor) continue;
      actorsOf.set(track.person.id, (actorsOf.get(track.person.id) ?? new Set()).add(actor));
      const who = `${actor} in ${scene}`;
      peopleOf.set(who, (peopleOf.get(who) ?? new Set()).add(track.person.id));
    }
    for (const [person, actors] of actorsOf) expect([person, [...actors]]).toEqual([person, [expect.any(String)]]);
    // Sheldon, Raj, Penny and Amy come back whole in bbt4's scene; Sheldon, Howard, Leonard and Penny in bbt5's.
    const returning = [...peopleOf.keys()].filter((who) => tracks.filter((t) => t.actor && `${t.actor} in ${t.scene}` === who).length > 1);
    expect(returning.length).toBeGreaterThanOrEqual(8);
    for (const who of returning) expect([who, peopleOf.get(who)!.size]).toEqual([who, 1]);
  });

  test('one segment and two give the same people: the same labelled tracks together', () => {
    const groups = (job: Job) => {
      const byPerson = new Map<string, string[]>();
      for (const { track, actor, shot } of labelled(job))
        if (actor) byPerson.set(track.person.id, [...(byPerson.get(track.person.id) ?? []), `${shot}:${actor}`]);
      return [...byPerson.values()].map((g) => g.sort().join(' ')).sort();
    };
    expect(groups(jobs.two)).toEqual(groups(jobs.one));
  });

  test("people list every track once, with the frames and the span of their tracks' faces", () => {
    const job = jobs.one;
    expect(job.people.flatMap((p) => p.tracks.map((t) => t.id)).sort()).toEqual(job.tracks.map((t) => t.id).sort());
    expect(job.people.map((p) => p.id)).toEqual(job.people.map((_, k) => String(k + 1)));
    for (const person of job.people) {
      const tracks = job.tracks.filter((t) => t.person.id === person.id);
      expect(person.tracks.map((t) => t.id)).toEqual(tracks.map((t) => t.id));
      const faces = tracks.flatMap((t) => t.faces);
      expect(person.frameCount).toBe(faces.length);
      expect(person.firstTime).toBe(Math.min(...faces.map((f) => f.time)));
      expect(person.lastTime).toBe(Math.max(...faces.map((f) => f.time)));
    }
    // In order of first appearance.
    const firsts = job.people.map((p) => p.firstTime);
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  });

  test("a person's thumbnail is a square of the size asked for, showing one face in its middle", async () => {
    const client = videoClient(oneSegment.url, KEY);
    const { body } = {
      body: await client.graphql(
        'query($id: ID!) { videoJob(id: $id) { people { id thumbnail(size: 160, format: PNG) { dataUrl width height rectangle { x y width height } } } } }',
        { id: jobs.one.id },
      ),
    };
    const people: Array<{ id: string; thumbnail: { dataUrl: string; width: number; height: number; rectangle: { width: number } } | null }> =
      body.data.videoJob.people;
    // Everyone whose face a track shows whole (a labelled actor in view) has one; faces the frame cuts may not.
    const seen = new Set(labelled(jobs.one).flatMap((t) => (t.actor ? [t.track.person.id] : [])));
    expect(seen.size).toBeGreaterThanOrEqual(8);
    for (const person of people) if (seen.has(person.id)) expect([person.id, person.thumbnail !== null]).toEqual([person.id, true]);
    const withThumbnails = people.filter((p) => p.thumbnail);
    for (const { thumbnail } of withThumbnails.slice(0, 4)) {
      expect(thumbnail).toMatchObject({ width: 160, height: 160, dataUrl: expect.stringMatching(/^data:image\/png;base64,/) });
      const { faces } = (await client.graphql(DETECT, { image: { base64: thumbnail!.dataUrl } })).data.detectLandmarks;
      expect(faces).toHaveLength(1);
      const centre = faces[0].rectangle.x + faces[0].rectangle.width / 2;
      expect(Math.abs(centre - 80)).toBeLessThan(16);
    }
    const tooSmall = await client.graphql('query($id: ID!) { videoJob(id: $id) { people { thumbnail(size: 8) { width } } } }', { id: jobs.one.id });
    expect(tooSmall.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

test('a single shot with everyone in view throughout: one person per track', async () => {
  const job = await analysed(oneSegment, 'one-shot.mp4');
  expect(job.tracks.length).toBeGreaterThanOrEqual(6);
  expect(job.people).toHaveLength(job.tracks.length);
  expect(new Set(job.tracks.map((t) => t.person.id)).size).toBe(job.tracks.length);
}, 120_000);
