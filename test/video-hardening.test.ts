// Hostile and unusual video inputs through the real server: clips without a declared duration, frames
// that change size midway, broken files, large URL bodies, broken multipart requests, cancels while
// frames are being charged, and the containers people have. Each clip is made here by ffmpeg.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { ApiKeys } from '../src/access/api-keys';
import { ImageRateLimiter } from '../src/access/image-rate-limiter';
import { log } from '../src/logger';
import { dataset } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';
import { waitFor } from './support/service-process';
import { ANALYZE, CANCEL, JOB, photoClip, videoClient, X264 } from './support/video-client';

const KEYS = ['hardening-key', 'hardening-cancel-key'];
const MAX_SECONDS = 6;
const MAX_BYTES = 256 * 2 ** 20;

let server: TestServer;
let dir: string;
let origin: http.Server;
let originUrl: string;
const clip = (name: string) => path.join(dir, name);
const make = (...args: string[]) => execFileSync(ffmpeg.path, ['-v', 'error', '-y', ...args], { maxBuffer: 64 * 2 ** 20 });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-test-hostile-'));
  // Matroska written to a pipe has no duration field: its length is known only by decoding it.
  fs.writeFileSync(clip('nodur.mkv'), make('-f', 'lavfi', '-i', 'testsrc=s=64x64:r=2:d=1300', ...X264, '-f', 'matroska', '-'));
  // 240 frames a second without a duration: the frame cap (120 a second of MAX_VIDEO_SECONDS) comes first.
  fs.writeFileSync(clip('fast.mkv'), make('-f', 'lavfi', '-i', 'testsrc=s=64x64:r=240:d=10', ...X264, '-f', 'matroska', '-'));
  // The photo's face at 320x180 for 10 frames, then at 640x360 for 10, in one H.264 stream.
  photoClip(clip('small.ts'), 1, 'scale=320:180', [...X264, '-f', 'mpegts']);
  photoClip(clip('big.ts'), 1, 'scale=640:360', [...X264, '-f', 'mpegts']);
  fs.writeFileSync(clip('parts.txt'), `file '${clip('small.ts')}'\nfile '${clip('big.ts')}'\n`);
  make('-f', 'concat', '-safe', '0', '-i', clip('parts.txt'), '-c', 'copy', clip('sizes.mkv'));
  // A clip with its middle overwritten by noise: the decoder complains about the stream there.
  photoClip(clip('whole.mp4'), 2, 'scale=500:282', [...X264, '-g', '5', '-movflags', '+faststart']);
  const corrupt = fs.readFileSync(clip('whole.mp4'));
  corrupt.fill(0x5a, Math.floor(corrupt.length * 0.4), corrupt.length);
  fs.writeFileSync(clip('corrupt.mp4'), corrupt);
  // The containers recorders, old cameras and Windows Media produce.
  photoClip(clip('clip.ts'), 1, 'scale=500:282', [...X264, '-f', 'mpegts']);
  photoClip(clip('clip.3gp'), 1, 'scale=352:288', ['-c:v', 'h263', '-f', '3gp']);
  photoClip(clip('clip.3g2'), 1, 'scale=500:282', [...X264, '-f', '3g2']);
  photoClip(clip('clip.wmv'), 1, 'scale=500:282', ['-c:v', 'wmv2', '-b:v', '2M', '-f', 'asf']);
  photoClip(clip('clip.flv'), 1, 'scale=500:282', ['-c:v', 'flv', '-b:v', '2M', '-f', 'flv']);
  // Within the limit, and heavy enough to be still running when a test looks at it: 50 frames of 1280x720.
  photoClip(clip('busy.mp4'), 5, 'pad=1280:720:390:219');
  // 25 frames a second, for sampling on a grid that the frames' spacing does not divide.
  make('-loop', '1', '-framerate', '25', '-i', dataset('photos', 'happy.jpg'), '-t', '2', '-vf', 'scale=500:282', ...X264, clip('at25.mp4'));

  // An origin on loopback for video URLs: `/zeros/<bytes>` sends that many zero bytes in chunks, with or without a length.
  origin = http.createServer((req, res) => {
    const [, kind, size] = (req.url ?? '').split('/');
    const bytes = Number(size);
    if (kind !== 'zeros' && kind !== 'chunked') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'video/mp4', ...(kind === 'zeros' ? { 'content-length': String(bytes) } : {}) });
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => (sent = bytes));
    pump();
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

  server = await startTestServer({
    API_KEYS: KEYS.join(','),
    RATE_LIMIT_IMAGES: '0',
    MAX_VIDEO_SECONDS: String(MAX_SECONDS),
    MAX_VIDEO_BYTES: String(MAX_BYTES),
    URL_ALLOWED_HOSTS: '127.0.0.1',
    VIDEO_WORKERS: '1',
    // A CPU-time limit of this server's own: its decoder processes are told apart from other servers' by it.
    VIDEO_DECODER_MAX_CPU_SECONDS: '77',
  });
}, 240_000);
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => origin?.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const client = (key = KEYS[0]!) => videoClient(server.url, key);
async function analysed(file: string, options: Record<string, unknown> = {}) {
  const { job, userErrors } = await client().analyze(file, options);
  expect(userErrors).toEqual([]);
  return client().finished(job.id);
}
const serverPaths = /\/tmp\/|facemark-|\/work\/|node_modules/;

describe('the length limit holds while decoding', () => {
  test('a Matroska file without a duration is cut at MAX_VIDEO_SECONDS: VIDEO_TOO_LONG, the frames before kept', async () => {
    const { job, userErrors } = await client().analyze(clip('nodur.mkv'), { sampleFps: 2 });
    expect(userErrors).toEqual([]);
    expect(job.video.durationSeconds).toBe(0);
    const ended = await client().finished(job.id);
    // Frames at 0, 0.5, ... 6.0 s: 13 of the 2600.
    expect(ended).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 13 });
    expect(ended.userErrors).toEqual([
      {
        code: 'VIDEO_TOO_LONG',
        message: expect.stringMatching(/timeline reached 6\.5 s, past the limit \(MAX_VIDEO_SECONDS\); the 13 analysed frames before the cut are kept/),
      },
    ]);
  });

  test('without a duration, progress comes from the bytes the decoder has read', async () => {
    const { job } = await client().analyze(clip('nodur.mkv'), { sampleFps: 2 });
    const seen: number[] = [];
    await waitFor(
      async () => {
        const now = (await client().graphql(JOB, { id: job.id })).data.videoJob;
        if (now.status === 'RUNNING') seen.push(now.progress);
        return ['SUCCEEDED', 'FAILED'].includes(now.status) ? true : undefined;
      },
      'the job to end',
      60_000,
      20,
    );
    // 6.5 s of a 1300 s file is about half a percent of its bytes: above 0, far below 1.
    expect(Math.max(...seen)).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThan(0.05);
  });

  test('a stream of 240 frames a second stops at the frame cap (120 a second of the limit) before its timeline does', async () => {
    const ended = await analysed(clip('fast.mkv'), { sampleFps: 1 });
    expect(ended.status).toBe('SUCCEEDED');
    expect(ended.userErrors).toEqual([{ code: 'VIDEO_TOO_LONG', message: expect.stringMatching(/reached 721 frames, more than the limit allows/) }]);
    // One frame a second of the first 720 (3 s): frames 0, 240 and 480.
    expect(ended.framesAnalysed).toBe(3);
  });
});

test('frames that change size midway keep counting, at the first size: 20 frames, numbered 0-19, the face in each', async () => {
  const job = await analysed(clip('sizes.mkv'));
  expect(job).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 20, video: { width: 320, height: 180 }, userErrors: [] });
  expect(job.tracks).toHaveLength(1);
  const faces = job.tracks[0].faces as Array<{ frame: number; rectangle: { x: number; width: number } }>;
  expect(faces.map((f) => f.frame)).toEqual(Array.from({ length: 20 }, (_, k) => k));
  // The same face at the same place in both halves, the second half scaled down to 320x180.
  const [first, last] = [faces[5]!, faces[15]!];
  expect(Math.abs(first.rectangle.x - last.rectangle.x)).toBeLessThan(4);
  expect(Math.abs(first.rectangle.width - last.rectangle.width)).toBeLessThan(4);
});

test('sampleFps keeps the first frame at or after each tick of its grid: 2 a second of 25 fps are frames 0, 13, 25 and 38', async () => {
  // Spacing each pick 1/sampleFps after the last would drift (0, 13, 26, 39: 1.92 a second).
  const job = await analysed(clip('at25.mp4'), { sampleFps: 2 });
  expect(job.tracks[0].faces.map((f: { frame: number; time: number }) => [f.frame, f.time])).toEqual([
    [0, 0],
    [13, 0.52],
    [25, 1],
    [38, 1.52],
  ]);
});

test('a corrupt stream keeps its frames before the damage, and no message shows a server path', async () => {
  const job = await analysed(clip('corrupt.mp4'));
  expect(job.framesAnalysed).toBeGreaterThan(0);
  const messages = job.userErrors.map((e: { message: string }) => e.message).join(' ');
  expect(messages).not.toMatch(serverPaths);
  if (job.status === 'SUCCEEDED')
    expect(job.userErrors).toEqual([{ code: 'VIDEO_DECODE_FAILED', message: expect.stringMatching(/broke off after \d+ analysed frames/) }]);
});

test.each([
  ['MPEG-TS', 'clip.ts', 'mpegts', 'h264', 500],
  ['3GP (H.263)', 'clip.3gp', 'mov,mp4,m4a,3gp,3g2,mj2', 'h263', 352],
  ['3G2', 'clip.3g2', 'mov,mp4,m4a,3gp,3g2,mj2', 'h264', 500],
  ['WMV (ASF)', 'clip.wmv', 'asf', 'wmv2', 500],
  ['FLV', 'clip.flv', 'flv', 'flv1', 500],
])('%s is read: every frame has its face', async (_, file, _container, codec, width) => {
  const job = await analysed(clip(file));
  expect(job).toMatchObject({ status: 'SUCCEEDED', framesAnalysed: 10, userErrors: [], video: { codec, width } });
  expect(job.tracks).toHaveLength(1);
  expect(job.tracks[0].frameCount).toBe(10);
});

describe('the decoder runs apart from the service, bounded', () => {
  test('serviceInfo names an FFmpeg of 2024 or later (7.0 and up)', async () => {
    const { data } = await client().graphql('{ serviceInfo { videoDecoder } }', {});
    const [major] = String(data.serviceInfo.videoDecoder).split('.').map(Number);
    expect(major).toBeGreaterThanOrEqual(7);
  });

  test('each decoder is a process of its own with its address space and CPU time limited, below the service in priority', async () => {
    const { job } = await client().analyze(clip('busy.mp4'));
    // The job's decoder, and the spare started for the next command.
    const decoders = await waitFor(() => (decoderProcesses().length >= 2 ? decoderProcesses() : undefined), 'the decoder processes', 30_000, 20);
    for (const pid of decoders) {
      const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
      expect(limits).toMatch(new RegExp(`Max address space\\s+${server.config.video.decoder.maxMemoryBytes}\\s`));
      expect(limits).toMatch(new RegExp(`Max cpu time\\s+${server.config.video.decoder.maxCpuSeconds}\\s`));
      expect(os.getPriority(pid)).toBe(10);
    }
    await client().graphql(CANCEL, { id: job.id });
    // The job's decoder ends with the job; the spares (one or two, as they were started) wait on.
    const alive = () => decoders.filter((pid) => decoderProcesses().includes(pid)).length;
    await waitFor(() => (alive() === decoders.length - 1 ? true : undefined), 'the decoder to be gone', 10_000, 50);
  });
});

/** Decoder processes of this test's server: children of this process (prlimit execs node in place) with its CPU-time limit. */
function decoderProcesses(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const parent = Number(/^\d+ \(.*\) \S (\d+)/.exec(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1]);
        const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
        return cmdline.includes('decoder-child.js') && parent === process.pid && /Max cpu time\s+77\s/.test(limits);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

test("a cancelled job's figures freeze at the cancel, and its charge is exactly those frames", async () => {
  const charge = jest.spyOn(ImageRateLimiter.prototype, 'charge');
  const key = KEYS[1]!;
  const owner = ApiKeys.from([key]).identify(key);
  const { job } = await client(key).analyze(clip('busy.mp4'));
  await waitFor(async () => ((await client(key).graphql(JOB, { id: job.id })).data.videoJob.framesAnalysed >= 10 ? true : undefined), '10 frames', 60_000, 20);
  expect((await client(key).graphql(CANCEL, { id: job.id })).data.cancelVideoJob.status).toBe('CANCELLED');
  const atCancel = (await client(key).graphql(JOB, { id: job.id })).data.videoJob.framesAnalysed;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await client(key).graphql(JOB, { id: job.id })).data.videoJob).toMatchObject({ status: 'CANCELLED', framesAnalysed: atCancel });
  const charged = charge.mock.calls.filter(([client]) => client === owner).reduce((sum, [, frames]) => sum + frames, 0);
  expect(charged).toBe(atCancel);
});

describe('video URLs', () => {
  const analyzeUrl = (url: string) => client().graphql(ANALYZE, { video: { url } });

  test('a large body streams to disk: the service holds a few MB of a 200 MB body, not the body', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const { data } = await analyzeUrl(`${originUrl}/zeros/${200 * 2 ** 20}`);
      // Zeros are no video: refused once the whole body is on disk.
      expect(data.analyzeVideo.userErrors).toEqual([{ code: 'UNSUPPORTED_VIDEO', message: expect.any(String), field: null }]);
    } finally {
      clearInterval(sampler);
    }
    expect((peak - before) / 2 ** 20).toBeLessThan(64);
  });

  test('a body past MAX_VIDEO_BYTES without a declared length is cut there: VIDEO_TOO_LARGE, and no file stays', async () => {
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('facemark-video-'));
    const { data } = await analyzeUrl(`${originUrl}/chunked/${MAX_BYTES + 4 * 2 ** 20}`);
    expect(data.analyzeVideo.userErrors).toEqual([
      { code: 'VIDEO_TOO_LARGE', message: `The video at the URL is larger than the limit of ${MAX_BYTES} bytes.`, field: ['video', 'url'] },
    ]);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('facemark-video-') && !before.includes(f))).toEqual([]);
  });

  test.each([
    ['ftp://127.0.0.1/clip.mp4', 'Only http and https video URLs are fetched (got ftp:).'],
    ['not a url', 'The video URL is not a valid absolute URL.'],
    [`http://user:secret@127.0.0.1/clip.mp4`, 'Video URLs with credentials are not fetched.'],
  ])('%s is refused in words about a video', async (url, message) => {
    const { data } = await analyzeUrl(url);
    expect(data.analyzeVideo.userErrors).toEqual([{ code: 'URL_NOT_ALLOWED', message, field: ['video', 'url'] }]);
  });

  test('an origin that answers 404 is named as the video URL', async () => {
    const { data } = await analyzeUrl(`${originUrl}/missing`);
    expect(data.analyzeVideo.userErrors).toEqual([{ code: 'URL_FETCH_FAILED', message: 'The video URL answered HTTP 404.', field: ['video', 'url'] }]);
  });
});

describe('broken multipart requests', () => {
  test('a body that is not multipart at all gets 400 with a typed error, and the cause is logged at info without a stack', async () => {
    const info = jest.spyOn(log, 'info');
    const error = jest.spyOn(log, 'error');
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS[0]}`, 'content-type': 'multipart/form-data; boundary=x', 'apollo-require-preflight': 'true' },
      body: 'hello',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors).toEqual([{ message: expect.stringMatching(/^The multipart request is malformed: /), extensions: { code: 'BAD_REQUEST' } }]);
    expect(info).toHaveBeenCalledWith('request body refused', expect.objectContaining({ status: 400, cause: body.errors[0]!.message }));
    expect(error).not.toHaveBeenCalled();
  });

  test('an upload the client drops midway is its doing: logged at info as such, never as an error; the server goes on', async () => {
    const info = jest.spyOn(log, 'info');
    const error = jest.spyOn(log, 'error');
    const boundary = 'dropped';
    const operations = JSON.stringify({ query: ANALYZE, variables: { video: { upload: null } } });
    const head = [
      `--${boundary}\r\ncontent-disposition: form-data; name="operations"\r\n\r\n${operations}\r\n`,
      `--${boundary}\r\ncontent-disposition: form-data; name="map"\r\n\r\n{"0":["variables.video.upload"]}\r\n`,
      `--${boundary}\r\ncontent-disposition: form-data; name="0"; filename="clip.mp4"\r\ncontent-type: video/mp4\r\n\r\n`,
    ].join('');
    const url = new URL(`${server.url}/graphql`);
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS[0]}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true' },
    });
    request.on('error', () => undefined);
    const saving = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('facemark-video-'));
    const before = saving();
    request.write(head);
    request.write(Buffer.alloc(256 * 1024, 7));
    // The server has begun to save the upload: then the client goes.
    await waitFor(() => (saving().some((f) => !before.includes(f)) ? true : undefined), 'the upload to reach the disk', 10_000, 10);
    request.destroy();
    await waitFor(
      () => (info.mock.calls.some(([message]) => message === 'upload did not complete') ? true : undefined),
      'the dropped upload to be logged',
      10_000,
      20,
    );
    expect(error).not.toHaveBeenCalled();
    expect((await client().graphql('{ serviceInfo { ready } }', {})).data.serviceInfo.ready).toBe(true);
  });
});
