// Landmark accuracy in video with known motion: people-annotated helen-dev photos moved, scaled and
// turned by known amounts frame by frame (sharp), encoded with ffmpeg, analysed by analyzeVideo; every
// frame's true points are the annotation moved the same way.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import sharp from 'sharp';
import type { Point } from '../src/geometry/geometry';
import { landmarkErrors } from '../src/geometry/landmark-error';
import { dataset, groundTruth } from './support/datasets';
import { startTestServer, type GraphQLBody, type TestServer } from './support/server';
import { waitFor } from './support/service-process';

const FRAMES = 10;
const CANVAS = 1100;
const PHOTOS = groundTruth('helen-dev').slice(0, 8);
const POINTS = 'landmarks(scheme: IBUG_68) { point { x y } }';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-test-motion-'));
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Frame k: the photo turned by k degrees, scaled by 1 + 0.03 k, placed 12 k px right and 8 k px down on a grey canvas. */
async function motionClip(base: Buffer, truth: Point[], name: string) {
  const { width: w, height: h } = await sharp(base).metadata();
  const truths: Point[][] = [];
  for (let k = 0; k < FRAMES; k++) {
    const angle = k;
    const rotated = await sharp(base).rotate(angle, { background: '#808080' }).toBuffer({ resolveWithObject: true });
    const scale = 1 + 0.03 * k;
    const rw = Math.round(rotated.info.width * scale);
    const rh = Math.round(rotated.info.height * scale);
    const resized = await sharp(rotated.data).resize(rw, rh).toBuffer();
    const [ox, oy] = [20 + 12 * k, 10 + 8 * k];
    await sharp({ create: { width: CANVAS, height: CANVAS, channels: 3, background: '#808080' } })
      .composite([{ input: resized, left: ox, top: oy }])
      .png()
      .toFile(path.join(dir, `${name}-${String(k).padStart(3, '0')}.png`));
    // The same motion on the annotation: about the photo's centre, clockwise by `angle` (sharp's sense), into the enlarged canvas.
    const [c, s] = [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
    truths.push(
      truth.map((p) => {
        const [dx, dy] = [p.x - w! / 2, p.y - h! / 2];
        const [x, y] = [dx * c - dy * s + rotated.info.width / 2, dx * s + dy * c + rotated.info.height / 2];
        return { x: ox + (x * rw) / rotated.info.width, y: oy + (y * rh) / rotated.info.height };
      }),
    );
  }
  const clip = path.join(dir, `${name}.mp4`);
  execFileSync(ffmpeg.path, [
    '-v',
    'error',
    '-framerate',
    '10',
    '-i',
    path.join(dir, `${name}-%03d.png`),
    '-c:v',
    'libx264',
    '-crf',
    '12',
    '-pix_fmt',
    'yuv420p',
    clip,
  ]);
  return { clip, truths };
}

async function post(body: string | FormData, headers: Record<string, string>): Promise<GraphQLBody> {
  return (await (await fetch(`${server.url}/graphql`, { method: 'POST', headers, body })).json()) as GraphQLBody;
}

const centreOf = (points: readonly Point[]) => ({
  x: points.reduce((s, p) => s + p.x, 0) / points.length,
  y: points.reduce((s, p) => s + p.y, 0) / points.length,
});
/** Of faces' points, those of the face whose centre is nearest the annotated face's (a photo may show others). */
const annotated = (faces: Point[][], truth: readonly Point[]) => {
  const t = centreOf(truth);
  const away = (points: Point[]) => Math.hypot(centreOf(points).x - t.x, centreOf(points).y - t.y);
  return faces.reduce((best, f) => (away(f) < away(best) ? f : best));
};

/** The points of the annotated face's track, frame by frame. */
async function trackPoints(clip: string, truth: readonly Point[], smoothing = true): Promise<Point[][]> {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: 'mutation($v: VideoInput!, $o: VideoOptions) { analyzeVideo(video: $v, options: $o) { job { id } userErrors { code } } }',
      variables: { v: { upload: null }, o: { smoothing } },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.v.upload'] }));
  form.append('0', new Blob([fs.readFileSync(clip)]), 'clip.mp4');
  const { id } = (await post(form, { 'apollo-require-preflight': 'true' })).data.analyzeVideo.job;
  const job = await waitFor(
    async () => {
      const { data } = await post(
        JSON.stringify({ query: `query($id: ID!) { videoJob(id: $id) { status tracks { faces { frame ${POINTS} } } } }`, variables: { id } }),
        {
          'content-type': 'application/json',
        },
      );
      return data.videoJob.status === 'SUCCEEDED' ? data.videoJob : undefined;
    },
    'the job',
    120_000,
    200,
  );
  type Track = { faces: Array<{ landmarks: Array<{ point: Point }> }> };
  const tracks = (job.tracks as Track[]).map((t) => t.faces.map((f) => f.landmarks.map((l) => l.point)));
  const track = annotated(
    tracks.map((t) => t[0]!),
    truth,
  );
  const face = tracks.find((t) => t[0] === track)!;
  // One track follows the face through every frame.
  expect(face).toHaveLength(FRAMES);
  return face;
}

test('known motion: per-frame 68-point NME against the photo NME of the same faces, without and with smoothing', async () => {
  const rows: string[] = [];
  let photoSum = 0;
  let videoSum = 0;
  let rawSum = 0;
  for (const [i, image] of PHOTOS.entries()) {
    // The photo as the clip shows it at frame 0's size: 560 px on its longer side.
    const original = sharp(dataset('helen-dev', image.file));
    const factor = 560 / Math.max(image.width, image.height);
    const base = await original
      .resize(Math.round(image.width * factor), Math.round(image.height * factor))
      .png()
      .toBuffer();
    const truth = image.faces[0]!.landmarks68.map(([x, y]) => ({ x: x * factor, y: y * factor }));
    const { data } = await post(
      JSON.stringify({
        query: `query($i: ImageInput!) { detectLandmarks(image: $i) { faces { ${POINTS} } } }`,
        variables: { i: { base64: base.toString('base64') } },
      }),
      {
        'content-type': 'application/json',
      },
    );
    const photoNme = landmarkErrors(
      truth,
      annotated(
        data.detectLandmarks.faces.map((f: { landmarks: Array<{ point: Point }> }) => f.landmarks.map((l) => l.point)),
        truth,
      ),
    ).all68;
    const { clip, truths } = await motionClip(base, truth, `face${i}`);
    const frames = await trackPoints(clip, truths[0]!);
    const raw = (await trackPoints(clip, truths[0]!, false)).map((points, k) => landmarkErrors(truths[k]!, points).all68);
    rawSum += raw.reduce((a, b) => a + b, 0) / raw.length;
    const perFrame = frames.map((points, k) => landmarkErrors(truths[k]!, points).all68);
    const videoNme = perFrame.reduce((a, b) => a + b, 0) / perFrame.length;
    rows.push(
      `${image.file}: photo ${photoNme.toFixed(2)} %; video, unsmoothed ${(raw.reduce((a, b) => a + b, 0) / raw.length).toFixed(2)} % (frames ${raw.map((e) => e.toFixed(2)).join(' ')}), smoothed ${videoNme.toFixed(2)} % (frames ${perFrame.map((e) => e.toFixed(2)).join(' ')})`,
    );
    photoSum += photoNme;
    videoSum += videoNme;
  }
  const photo = photoSum / PHOTOS.length;
  const [raw, smoothed] = [rawSum / PHOTOS.length, videoSum / PHOTOS.length];
  const signed = (d: number) => `${d >= 0 ? '+' : ''}${d.toFixed(2)}`;
  rows.push(
    `mean: photo ${photo.toFixed(2)} %, video unsmoothed ${raw.toFixed(2)} % (${signed(raw - photo)}), smoothed ${smoothed.toFixed(2)} % (${signed(smoothed - photo)})`,
  );
  console.log(`known motion, 68-point NME:\n${rows.join('\n')}`);
  // Followed by mesh from frame to frame, unsmoothed and smoothed, within 0.3 points of the photos
  // (measured -0.14 and -0.12 on these 8 faces, with the refined points; -0.02 and +0.02 before).
  expect(Math.abs(raw - photo)).toBeLessThanOrEqual(0.3);
  expect(Math.abs(smoothed - photo)).toBeLessThanOrEqual(0.3);
});
