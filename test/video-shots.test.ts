// The stage clip (tools/stage-clip.ts: four shots from the shared photos, two of them dim and of one
// colour, with a flash, a fade, a pan, fast motion and turned faces) through the real decoder, engine
// and server: where the cuts are, that no track crosses one, and that the job finds, shot by shot, at
// least the faces a user's own loop of JPEG frames through detectLandmarks finds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { makeStageClip, shotOf, STAGE_FADE, STAGE_FLASH_FRAME, STAGE_SHOTS } from '../tools/stage-clip';
import { DecoderProcess } from '../src/video/decoder-process';
import { decodeFrames } from '../src/video/video-decoder';
import { SceneCuts, thumbnail } from '../src/video/scene-cut';
import { DETECT, startTestServer, type TestServer } from './support/server';
import { videoClient } from './support/video-client';

const KEY = 'stage-key';
let server: TestServer;
let dir: string;
let clip: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-stage-'));
  clip = path.join(dir, 'stage.mp4');
  makeStageClip(ffmpeg.path, clip);
  server = await startTestServer({ API_KEYS: KEY, RATE_LIMIT_IMAGES: '0' });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the cuts found in the decoded clip are exactly the shots' starts: not the flash, the fade, the pan or the fast motion", async () => {
  const decoder = new DecoderProcess({ maxMemoryBytes: 2 ** 31, maxCpuSeconds: 60 });
  try {
    const info = await decoder.probe(clip, { maxPixels: 1e7, maxSeconds: 60 });
    const cuts = new SceneCuts();
    const found: number[] = [];
    for await (const frame of decodeFrames({ decoder, file: clip, info, maxSeconds: 60 })) if (cuts.next(thumbnail(frame.image))) found.push(frame.index);
    expect(found).toEqual(STAGE_SHOTS.slice(1).map((s) => s.first));
  } finally {
    decoder.close();
  }
});

describe('the job against a loop of JPEG frames through detectLandmarks', () => {
  type Face = { frame: number };
  let tracks: Array<{ id: string; faces: Face[] }>;
  let loop: number[];
  beforeAll(async () => {
    const client = videoClient(server.url, KEY);
    const { job } = await client.analyze(clip);
    const done = await client.finished(job.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 150 });
    tracks = done.tracks;
    // What a user would do: every frame to a JPEG, each through the photo API, two in flight.
    const frames = path.join(dir, 'frames');
    fs.mkdirSync(frames);
    execFileSync(ffmpeg.path, ['-v', 'error', '-i', clip, '-vsync', 'passthrough', '-q:v', '2', path.join(frames, 'f%04d.jpg')]);
    const files = fs.readdirSync(frames).sort();
    loop = new Array<number>(files.length);
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        for (let k = next++; k < files.length; k = next++) {
          const base64 = fs.readFileSync(path.join(frames, files[k]!)).toString('base64');
          loop[k] = (await client.graphql(DETECT, { image: { base64 } })).data.detectLandmarks.faces.length;
        }
      }),
    );
  }, 240_000);

  test('no track crosses a cut; the flash and the fade are crossed by the tracks of the faces in them', () => {
    for (const track of tracks) expect([track.id, shotOf(track.faces.at(-1)!.frame).name]).toEqual([track.id, shotOf(track.faces[0]!.frame).name]);
    const across = (frame: number) => tracks.filter((t) => t.faces.some((f) => f.frame < frame) && t.faces.some((f) => f.frame > frame)).length;
    expect(across(STAGE_FLASH_FRAME)).toBeGreaterThanOrEqual(4);
    expect(across(STAGE_FADE.darkest)).toBeGreaterThanOrEqual(2);
  });

  test.each(STAGE_SHOTS.map((shot) => [shot.name, shot] as const))(
    '%s: a face on at least as many frames as the loop, and at least 97 %% as many faces',
    (_, shot) => {
      const inShot = tracks.flatMap((t) => t.faces.filter((f) => f.frame >= shot.first && f.frame <= shot.last));
      const loopCounts = loop.slice(shot.first, shot.last + 1);
      const job = { frames: new Set(inShot.map((f) => f.frame)).size, faces: inShot.length };
      const user = { frames: loopCounts.filter((n) => n > 0).length, faces: loopCounts.reduce((sum, n) => sum + n, 0) };
      expect(user.frames).toBeGreaterThan(0);
      expect(job.frames).toBeGreaterThanOrEqual(user.frames);
      expect(job.faces).toBeGreaterThanOrEqual(Math.ceil(0.97 * user.faces));
    },
  );
});
