// Video through the real server: clips the test makes with ffmpeg from real photos, uploaded as a
// GraphQL multipart request, analysed by the real engine, followed with videoJob(id).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { iou } from '../src/geometry/geometry';
import { dataset, readBase64 } from './support/datasets';
import { DETECT, startTestServer, type TestServer } from './support/server';
import { waitFor } from './support/service-process';
import { CANCEL, JOB, photoClip, videoClient, X264 } from './support/video-client';

const KEYS = ['video-key-a', 'video-key-b'];
const LIMITS = { VIDEO_WORKERS: '2', MAX_VIDEO_SECONDS: '6', MAX_VIDEO_PIXELS: String(640 * 480), MAX_VIDEO_BYTES: String(3_000_000) };
const PHOTO = dataset('photos', 'happy.jpg'); // 500x282, one face

let server: TestServer;
let dir: string;
const clip = (name: string) => path.join(dir, name);
/** Runs the npm package's ffmpeg: the clips are made here, from the photo, by known operations. */
const make = (...args: string[]) => execFileSync(ffmpeg.path, ['-v', 'error', '-y', ...args]);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-test-clips-'));
  const x264 = X264;
  const fromPhoto = (out: string, seconds: number, filter: string, encoder = x264) => photoClip(clip(out), seconds, filter, encoder);
  fromPhoto('still.mp4', 1, 'scale=500:282');
  // The face slides right by 20 px a frame: the photo padded, then a window moving left over it.
  fromPhoto('moving.mp4', 1, "pad=700:282:200:0,crop=500:282:'200-20*n':0");
  // Long enough to be split in two segments (2.5 s each) with VIDEO_WORKERS=2.
  fromPhoto('slow.mp4', 5, "pad=700:282:200:0,crop=500:282:'200-3*n':0");
  // The same frames presented from 0.85 s, as edited MP4s are: ffmpeg writes an edit list that delays the first frame.
  make('-i', clip('slow.mp4'), '-c', 'copy', '-output_ts_offset', '0.85', clip('late.mp4'));
  // A rotation in the stream's display matrix (ffmpeg reports it as "rotate: 270", a quarter turn anticlockwise).
  make('-i', clip('still.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', clip('rotated.mp4'));
  fromPhoto('still.gif', 1, 'fps=5,scale=250:-1', ['-f', 'gif']);
  fromPhoto('still.webm', 1, 'scale=500:282', ['-c:v', 'libvpx-vp9', '-b:v', '200k']);
  make('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', clip('audio.m4a'));
  // The still photo with fresh noise in every frame: whatever the points do is jitter.
  fromPhoto('noisy.mp4', 2, 'scale=500:282,noise=alls=25:allf=t', [...x264, '-crf', '18']);
  fromPhoto('long.mp4', 7, 'scale=500:282');
  fromPhoto('large.mp4', 1, 'scale=800:452');
  // Truncated mid-stream: the index at the front (faststart), then only the first part of the frames.
  fromPhoto('whole.mp4', 2, 'scale=500:282', [...x264, '-g', '5', '-movflags', '+faststart']);
  const whole = fs.readFileSync(clip('whole.mp4'));
  fs.writeFileSync(clip('truncated.mp4'), whole.subarray(0, Math.floor(whole.length * 0.5)));
  server = await startTestServer({ API_KEYS: KEYS.join(','), RATE_LIMIT_IMAGES: '0', ...LIMITS });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const client = () => videoClient(server.url, KEYS[0]!);
const graphql = (query: string, variables: Record<string, unknown>, key = KEYS[0]!) => client().graphql(query, variables, key);
const analyze = (file: string, options: Record<string, unknown> = {}, key = KEYS[0]!) => client().analyze(file, options, key);
const finished = (id: string, key = KEYS[0]!) => client().finished(id, key);

async function analysed(file: string, options: Record<string, unknown> = {}) {
  const { job, userErrors } = await analyze(file, options);
  expect(userErrors).toEqual([]);
  expect(['QUEUED', 'RUNNING']).toContain(job.status);
  return finished(job.id);
}

test("a still clip: its facts, one track over every frame, each frame the photo's face with every landmark scheme", async () => {
  const job = await analysed(clip('still.mp4'));
  expect(job).toMatchObject({ status: 'SUCCEEDED', progress: 1, framesAnalysed: 10, userErrors: [] });
  expect(job.video).toEqual({ width: 500, height: 282, durationSeconds: 1, frameRate: 10, frameCount: 10, codec: 'h264', rotation: 0, startTime: 0 });
  expect(job.tracks).toHaveLength(1);
  const [track] = job.tracks;
  expect(track).toMatchObject({ firstFrame: 0, lastFrame: 9, frameCount: 10 });
  expect(track.faces.map((f: { frame: number }) => f.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(track.faces.map((f: { time: number }) => f.time)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((t) => expect.closeTo(t, 6)));
  // The photo's own face, as detectLandmarks finds it in the JPEG.
  const [photoFace] = (await graphql(DETECT, { image: { base64: readBase64('photos', 'happy.jpg') } })).data.detectLandmarks.faces;
  for (const face of track.faces) {
    expect(iou(face.rectangle, photoFace!.rectangle)).toBeGreaterThan(0.85);
    expect(face.landmarks.map((l: { type: string }) => l.type)).toEqual(['LEFT_EYE', 'RIGHT_EYE', 'NOSE_TIP', 'MOUTH_LEFT', 'MOUTH_RIGHT']);
    expect(face.ibug).toHaveLength(68);
    expect(face.mesh).toHaveLength(478);
    expect(Math.abs(face.pose.roll)).toBeLessThan(15);
  }
});

test('a moving face keeps its track; its box follows the motion (20 px a frame)', async () => {
  const job = await analysed(clip('moving.mp4'));
  expect(job.status).toBe('SUCCEEDED');
  expect(job.tracks).toHaveLength(1);
  const xs: number[] = job.tracks[0].faces.map((f: { rectangle: { x: number } }) => f.rectangle.x);
  expect(xs).toHaveLength(10);
  expect((xs[9]! - xs[0]!) / 9).toBeCloseTo(20, 0);
  for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThan(5);
});

test('a clip analysed in two segments side by side: one track across the boundary, every frame once, in order', async () => {
  const job = await analysed(clip('slow.mp4'));
  expect(job).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 50, userErrors: [] });
  expect(job.tracks).toHaveLength(1);
  const faces: Array<{ frame: number; time: number; rectangle: { x: number } }> = job.tracks[0].faces;
  expect(faces.map((f) => f.frame)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  faces.forEach((f) => expect(f.time).toBeCloseTo(f.frame / 10, 6));
  // The box keeps moving 3 px a frame through the boundary (frame 25): no jump where the segments meet.
  const steps = faces.slice(1).map((f, i) => f.rectangle.x - faces[i]!.rectangle.x);
  for (const step of steps) expect(step).toBeGreaterThan(2);
  for (const step of steps) expect(step).toBeLessThan(4);
});

test("a clip whose first frame is presented at 0.85 s: each face's time is its frame's on the player's timeline, through the segments and the downloads", async () => {
  const job = await analysed(clip('late.mp4'));
  expect(job).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 50, userErrors: [] });
  expect(job.video.startTime).toBeCloseTo(0.85, 6);
  expect(job.tracks).toHaveLength(1);
  const faces: Array<{ frame: number; time: number }> = job.tracks[0].faces;
  expect(faces.map((f) => f.frame)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  faces.forEach((f) => expect(f.time).toBeCloseTo(0.85 + f.frame / 10, 6));
  const download = async (format: string) =>
    (await (await fetch(`${server.url}/videos/${job.id}/landmarks.${format}`, { headers: { authorization: `Bearer ${KEYS[0]}` } })).text()).trim().split('\n');
  const [, ...rows] = await download('csv');
  expect(rows.map((row) => Number(row.split(',')[1]))).toEqual(faces.map((f) => expect.closeTo(f.time, 3)));
  expect((await download('jsonl')).map((line) => (JSON.parse(line) as { time: number }).time)).toEqual(faces.map((f) => f.time));
});

test('photos come first: while they keep coming a job waits before each frame (250 ms at most), and every photo is answered', async () => {
  const { job } = await analyze(clip('slow.mp4'));
  const framesNow = async () => (await graphql(JOB, { id: job.id })).data.videoJob.framesAnalysed as number;
  await waitFor(async () => (await framesNow()) > 0 || undefined, 'the job to start', 60_000, 20);
  const photo = { image: { base64: readBase64('photos', 'happy.jpg') } };
  const faceCounts: number[] = [];
  const detect = async () => faceCounts.push((await graphql(DETECT, photo)).data.detectLandmarks.faces.length);
  // Photos one after another, each sent as the last is answered (within the 20 ms the engine stays theirs).
  await detect();
  const before = await framesNow();
  const started = Date.now();
  while (Date.now() - started < 2000) await detect();
  const advanced = (await framesNow()) - before;
  // Its two segments (VIDEO_WORKERS=2) wait up to 250 ms a frame each: 2 x (2000 / 250 + 1) frames,
  // plus the one each had under way. Alone, or with photos not first, it analyses 50 frames in about that time.
  expect(advanced).toBeLessThanOrEqual(20);
  expect(faceCounts.length).toBeGreaterThan(5);
  expect(faceCounts.every((n) => n === 1)).toBe(true);
  // Nothing of the job is lost: it ends with every frame once the photos stop.
  expect(await finished(job.id)).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 50 });
});

test('sampleFps picks frames by their timestamps: 5 a second of a 10 fps clip are frames 0, 2, 4, 6, 8', async () => {
  const job = await analysed(clip('still.mp4'), { sampleFps: 5 });
  expect(job.framesAnalysed).toBe(5);
  expect(job.tracks[0].faces.map((f: { frame: number }) => f.frame)).toEqual([0, 2, 4, 6, 8]);
});

test('rotation metadata: the frames are analysed upright, the size is the upright one', async () => {
  const job = await analysed(clip('rotated.mp4'));
  expect(job.video).toMatchObject({ width: 282, height: 500, rotation: 270 });
  // Turned a quarter for display, the face lies on its side: roll near 90 either way.
  expect(job.tracks).toHaveLength(1);
  expect(Math.abs(Math.abs(job.tracks[0].faces[0].pose.roll) - 90)).toBeLessThan(15);
});

test.each([
  ['an animated GIF', 'still.gif', 'gif', 5],
  ['WebM (VP9)', 'still.webm', 'vp9', 10],
])('%s is read too', async (_, file, codec, frames) => {
  const job = await analysed(clip(file), { minConfidence: 0.7 });
  expect(job).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: frames, video: { codec } });
  expect(job.tracks).toHaveLength(1);
  expect(job.tracks[0].frameCount).toBe(frames);
});

test('a clip cut off mid-stream keeps the frames before the break and says so', async () => {
  const job = await analysed(clip('truncated.mp4'));
  expect(job.status).toBe('SUCCEEDED');
  expect(job.framesAnalysed).toBeGreaterThan(0);
  expect(job.framesAnalysed).toBeLessThan(20);
  expect(job.userErrors).toEqual([{ code: 'VIDEO_DECODE_FAILED', message: expect.stringMatching(/broke off after \d+ analysed frames/) }]);
  expect(job.tracks[0].frameCount).toBe(job.framesAnalysed);
});

test.each([
  ['a JPEG photo', () => PHOTO, 'UNSUPPORTED_VIDEO', /not a video container the service reads \(jpeg_pipe\)/],
  ['audio only', () => clip('audio.m4a'), 'UNSUPPORTED_VIDEO', /audio but no video stream/],
  ['text', () => (fs.writeFileSync(clip('notes.txt'), 'not a video at all\n'), clip('notes.txt')), 'UNSUPPORTED_VIDEO', /not a video the service can read/],
  ['a clip over MAX_VIDEO_SECONDS', () => clip('long.mp4'), 'VIDEO_TOO_LONG', /lasts 7\.0 s; the limit is 6 s \(MAX_VIDEO_SECONDS\)/],
  ['frames over MAX_VIDEO_PIXELS', () => clip('large.mp4'), 'VIDEO_TOO_LARGE', /800x452 \(361600 pixels\); the limit is 307200/],
  [
    'a file over MAX_VIDEO_BYTES',
    () => (fs.writeFileSync(clip('big.bin'), Buffer.alloc(3_100_000, 1)), clip('big.bin')),
    'VIDEO_TOO_LARGE',
    /more than 3000000 bytes/,
  ],
])('%s is refused at once with %s, and leaves no file behind', async (_, file, code, message) => {
  const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('facemark-video-'));
  const { job, userErrors } = await analyze(file());
  expect(job).toBeNull();
  expect(userErrors).toEqual([
    { code, message: expect.stringMatching(message), field: code === 'VIDEO_TOO_LARGE' && /bytes/.test(String(message)) ? ['video', 'upload'] : null },
  ]);
  // Earlier jobs may still be removing theirs; this refusal added none.
  expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('facemark-video-') && !before.includes(f))).toEqual([]);
});

test('a job belongs to the key that started it: another key sees null, as for no job, and cannot cancel it', async () => {
  const { job } = await analyze(clip('still.mp4'));
  expect((await graphql(JOB, { id: job.id }, KEYS[1])).data.videoJob).toBeNull();
  expect((await graphql(CANCEL, { id: job.id }, KEYS[1])).data.cancelVideoJob).toBeNull();
  expect((await graphql(JOB, { id: 'no-such-job' })).data.videoJob).toBeNull();
  expect((await finished(job.id)).status).toBe('SUCCEEDED');
});

test('cancelVideoJob stops a job; it stays CANCELLED', async () => {
  const { job } = await analyze(clip('moving.mp4'));
  const cancelled = (await graphql(CANCEL, { id: job.id })).data.cancelVideoJob;
  expect(cancelled).toEqual({ id: job.id, status: 'CANCELLED' });
  expect((await finished(job.id)).status).toBe('CANCELLED');
});

test('no temporary file outlives its job', async () => {
  await waitFor(() => (fs.readdirSync(os.tmpdir()).some((f) => f.startsWith('facemark-video-')) ? undefined : true), 'the video files to go', 30_000);
});

describe('GET /videos/{id}/landmarks.csv and .jsonl', () => {
  const download = (id: string, format: string, key = KEYS[0]!) =>
    fetch(`${server.url}/videos/${id}/landmarks.${format}`, { headers: { authorization: `Bearer ${key}` } });

  test('one row per face per frame: frame, time, track, person, confidence, box, the 68 points and the pose, as the API has them', async () => {
    const job = await analysed(clip('still.mp4'), { sampleFps: 5 });
    const api = (await graphql(JOB, { id: job.id })).data.videoJob.tracks;
    const csv = await download(job.id, 'csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = (await csv.text()).trim().split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 9)).toEqual(['frame', 'timestamp', 'track', 'person', 'confidence', 'box_x', 'box_y', 'box_width', 'box_height']);
    expect(columns.slice(9, 11)).toEqual(['x_0', 'x_1']);
    expect(columns.slice(77, 79)).toEqual(['y_0', 'y_1']);
    expect(columns.slice(-3)).toEqual(['pose_yaw', 'pose_pitch', 'pose_roll']);
    expect(columns).toHaveLength(9 + 136 + 3);
    expect(rows).toHaveLength(5);
    rows.forEach((row, k) => {
      const cells = row.split(',').map(Number);
      const face = api[0].faces[k];
      expect(cells.slice(0, 4)).toEqual([face.frame, expect.closeTo(face.time, 3), Number(api[0].id), Number(api[0].person.id)]);
      expect(cells[5]).toBeCloseTo(face.rectangle.x, 2);
      expect(cells[9 + 30]).toBeCloseTo(face.ibug[30].point.x, 2);
      expect(cells[77 + 30]).toBeCloseTo(face.ibug[30].point.y, 2);
      expect(cells.at(-1)).toBeCloseTo(face.pose.roll, 2);
    });

    const jsonl = await download(job.id, 'jsonl');
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await jsonl.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatchObject({
      frame: api[0].faces[2].frame,
      track: api[0].id,
      person: api[0].person.id,
      box: api[0].faces[2].rectangle,
      pose: api[0].faces[2].pose,
    });
    expect(lines[2].points68).toHaveLength(68);
  });

  test('another key, an unknown id or an unknown format: 404; no key: 401', async () => {
    const job = await analysed(clip('still.mp4'), { sampleFps: 2 });
    expect((await download(job.id, 'csv', KEYS[1])).status).toBe(404);
    expect((await download('no-such-job', 'csv')).status).toBe(404);
    expect((await download(job.id, 'xml')).status).toBe(404);
    expect((await fetch(`${server.url}/videos/${job.id}/landmarks.csv`)).status).toBe(401);
  });
});

describe('smoothing', () => {
  const POINTS = `query($id: ID!) { videoJob(id: $id) { tracks { faces { frame points: landmarks(scheme: IBUG_68) { point { x y } } } } } }`;
  type Frames = Array<{ frame: number; points: Array<{ point: { x: number; y: number } }> }>;
  const trackPoints = async (file: string, smoothing: boolean): Promise<Frames> => {
    const job = await analysed(clip(file), { smoothing });
    expect(job.tracks).toHaveLength(1);
    return (await graphql(POINTS, { id: job.id })).data.videoJob.tracks[0].faces;
  };
  /** Mean movement of the 68 points from one frame to the next, in pixels. */
  const jitter = (faces: Frames) => {
    let sum = 0;
    let n = 0;
    for (let k = 1; k < faces.length; k++)
      faces[k]!.points.forEach((p, i) => {
        sum += Math.hypot(p.point.x - faces[k - 1]!.points[i]!.point.x, p.point.y - faces[k - 1]!.points[i]!.point.y);
        n++;
      });
    return sum / n;
  };

  test('a still face in a noisy clip: the points move at most a third as much from frame to frame with smoothing as without', async () => {
    const raw = jitter(await trackPoints('noisy.mp4', false));
    const smoothed = jitter(await trackPoints('noisy.mp4', true));
    console.log(`jitter of a still face in noise: ${raw.toFixed(3)} px a frame raw, ${smoothed.toFixed(3)} px smoothed (${(smoothed / raw).toFixed(2)}x)`);
    expect(raw).toBeGreaterThan(0.1);
    expect(smoothed).toBeLessThanOrEqual(raw / 3);
  });

  test('a face moving 20 px a frame: the smoothed points lag the raw ones by under 2 px', async () => {
    const raw = await trackPoints('moving.mp4', false);
    const smoothed = await trackPoints('moving.mp4', true);
    expect(smoothed.map((f) => f.frame)).toEqual(raw.map((f) => f.frame));
    const lags = smoothed.slice(3).map((f, k) => {
      const r = raw[k + 3]!;
      return f.points.reduce((s, p, i) => s + (r.points[i]!.point.x - p.point.x), 0) / f.points.length;
    });
    const lag = lags.reduce((a, b) => a + b, 0) / lags.length;
    console.log(`lag of the smoothed points behind a face moving 20 px a frame: ${lag.toFixed(2)} px`);
    expect(Math.abs(lag)).toBeLessThan(2);
  });
});

describe('Subscription.videoJob over graphql-ws', () => {
  const SUBSCRIBE = `subscription Follow($id: ID!) { videoJob(id: $id) { id status progress framesAnalysed tracks { id frameCount } } }`;
  const wsClient = (key?: string) =>
    createClient({
      url: server.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: key ? { authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
      lazy: true,
    });

  type JobEvent = { id: string; status: string; progress: number; framesAnalysed: number };
  /** Every event of the subscription, until it completes (or errors); GraphQL errors in a result count as the error. */
  const follow = (id: string, key = KEYS[0]!) =>
    new Promise<{ events: JobEvent[]; error?: unknown }>((resolve) => {
      const client = wsClient(key);
      const events: JobEvent[] = [];
      let errors: unknown;
      client.subscribe(
        { query: SUBSCRIBE, variables: { id } },
        {
          next: (result) => (result.errors ? (errors = result.errors) : events.push(result.data?.videoJob as JobEvent)),
          error: (error) => (void client.dispose(), resolve({ events, error })),
          complete: () => (void client.dispose(), resolve({ events, error: errors })),
        },
      );
    });

  test('the state at once, progress while it runs, the final state, then the end', async () => {
    const { job } = await analyze(clip('noisy.mp4'));
    const { events, error } = await follow(job.id);
    expect(error).toBeUndefined();
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)).toMatchObject({ id: job.id, status: 'SUCCEEDED', progress: 1, framesAnalysed: 20, tracks: [{ frameCount: 20 }] });
    const running = events.filter((e) => e.status === 'RUNNING');
    expect(running.length).toBeGreaterThanOrEqual(1);
    // Progress never goes back.
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  test("another key's job, or none: an error, no events", async () => {
    const { job } = await analyze(clip('still.mp4'));
    const other = await follow(job.id, KEYS[1]);
    expect(other.events).toEqual([]);
    expect(JSON.stringify(other.error)).toMatch(/No video job with this id/);
    await finished(job.id);
  });

  test('without a valid key the connection is refused', async () => {
    const { error } = await follow('any', 'wrong-key');
    expect((error as { code?: number }).code).toBe(4403);
  });
});

describe('rate limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    const engine = { provider: server.providers.defaultProvider, analyser: server.providers.analyser, start: false };
    limited = await startTestServer({ API_KEYS: KEYS.join(','), ...LIMITS, RATE_LIMIT_IMAGES: '25', RATE_LIMIT_WINDOW_SECONDS: '600' }, engine);
  });
  afterAll(() => limited?.stop());

  test("a job's analysed frames use up its client's image allowance: after two 10-frame clips of 25, five photos pass, the sixth waits", async () => {
    const api = videoClient(limited.url, KEYS[1]!);
    for (let i = 0; i < 2; i++) {
      const { job } = await api.analyze(clip('still.mp4'));
      expect((await api.finished(job.id)).framesAnalysed).toBe(10);
    }
    const photo = { image: { base64: readBase64('photos', 'happy.jpg') } };
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const body = await api.graphql(DETECT, photo);
      statuses.push(body.errors?.[0]?.extensions?.code ?? body.data.detectLandmarks.userErrors[0]?.code ?? 'OK');
    }
    expect(statuses).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
  });
});
