// BENCH_ONLY=compose: what a face average or morph costs against what its inputs cost to detect.
// Twelve helen-dev faces cut to 400x400 photos (a square 2.2 times the annotated face around it);
// averageFaces of the twelve against one detectLandmarksBatch of the same twelve photos, alternating,
// on the service as its own process, each figure the median of ROUNDS. Also the largest picture
// (1024x1024), a morph against a batch of its two photos, and the service's peak memory.
import fs from 'node:fs';
import sharp from 'sharp';
import { request } from 'undici';
import { sharedPath } from '../tools/shared-folder';
import { AUTHORIZATION, startService } from './service-process';

const ROUNDS = 7;
const PHOTOS = 12;
const SIDE = 400;

interface HelenImage {
  file: string;
  faces: Array<{ box: { x: number; y: number; width: number; height: number } }>;
}

/** The first `count` helen-dev faces, each cut to a side x side JPEG around its face. */
async function facePhotos(count: number, side: number): Promise<string[]> {
  const truth = JSON.parse(fs.readFileSync(sharedPath('datasets', 'helen-dev', 'groundtruth.json'), 'utf8')) as {
    images: Array<HelenImage & { width: number; height: number }>;
  };
  return Promise.all(
    truth.images.slice(0, count).map(async (image) => {
      const { box } = image.faces[0]!;
      const size = Math.round(Math.min(2.2 * Math.max(box.width, box.height), image.width, image.height));
      const left = Math.round(Math.min(Math.max(box.x + box.width / 2 - size / 2, 0), image.width - size));
      const top = Math.round(Math.min(Math.max(box.y + box.height / 2 - size / 2, 0), image.height - size));
      const jpeg = await sharp(sharedPath('datasets', 'helen-dev', image.file))
        .rotate()
        .extract({ left, top, width: size, height: size })
        .resize(side, side)
        .jpeg({ quality: 90 })
        .toBuffer();
      return jpeg.toString('base64');
    }),
  );
}

const BATCH = `mutation Batch($images: [ImageInput!]!) { detectLandmarksBatch(images: $images) { faces { rectangle { x y width height } landmarks(scheme: IBUG_68) { point { x y } } } userErrors { code } } }`;
const AVERAGE = `mutation Average($images: [ImageInput!]!, $options: ComposeOptions) { averageFaces(images: $images, options: $options) { face { image { dataUrl } landmarks { point { x y } } } userErrors { code message } } }`;
const MORPH = `mutation Morph($from: ImageInput!, $to: ImageInput!) { morphFaces(from: $from, to: $to, amount: 0.5) { face { image { dataUrl } } userErrors { code message } } }`;

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  const response = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTHORIZATION },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.body.json()) as { data?: Record<string, unknown>; errors?: unknown };
  const answer = body.data && Object.values(body.data)[0];
  const failed =
    !answer ||
    (Array.isArray(answer)
      ? answer.some((a: { userErrors: unknown[] }) => a.userErrors.length > 0)
      : (answer as { userErrors: unknown[] }).userErrors.length > 0);
  if (failed) throw new Error(`request failed: ${JSON.stringify(body).slice(0, 500)}`);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchCompose(threads: number) {
  const photos = await facePhotos(PHOTOS, SIDE);
  const images = photos.map((base64) => ({ base64 }));
  const service = await startService({ WORKER_THREADS: String(threads), MAX_COMPOSE_IMAGES: '64' });
  try {
    const runs = { batch: [] as number[], average: [] as number[], average1024: [] as number[], batch2: [] as number[], morph: [] as number[] };
    // Warm both paths once, then alternate so that drift of the machine touches each alike.
    await post(service.url, BATCH, { images });
    await post(service.url, AVERAGE, { images });
    for (let round = 0; round < ROUNDS; round++) {
      runs.batch.push(await post(service.url, BATCH, { images }));
      runs.average.push(await post(service.url, AVERAGE, { images }));
      runs.average1024.push(await post(service.url, AVERAGE, { images, options: { width: 1024, height: 1024 } }));
      runs.batch2.push(await post(service.url, BATCH, { images: images.slice(0, 2) }));
      runs.morph.push(await post(service.url, MORPH, { from: images[0], to: images[1] }));
    }
    const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<keyof typeof runs, number>;
    const ratio = m.average / m.batch;
    console.log(
      `\nFace averaging and morphing (BENCH_ONLY=compose): ${PHOTOS} helen-dev faces as ${SIDE}x${SIDE} JPEGs, median of ${ROUNDS} alternating runs, ${threads} engine threads`,
    );
    console.log('| call | ms | vs detectLandmarksBatch of its photos |');
    console.log('|---|---|---|');
    console.log(`| detectLandmarksBatch, ${PHOTOS} photos | ${m.batch.toFixed(0)} | 1 |`);
    console.log(
      `| averageFaces, ${PHOTOS} photos, 512x512 | ${m.average.toFixed(0)} | ${ratio.toFixed(3)}x (target <= 2.5x: ${ratio <= 2.5 ? 'met' : 'MISSED'}) |`,
    );
    console.log(`| averageFaces, ${PHOTOS} photos, 1024x1024 | ${m.average1024.toFixed(0)} | ${(m.average1024 / m.batch).toFixed(3)}x |`);
    console.log(`| detectLandmarksBatch, 2 photos | ${m.batch2.toFixed(0)} | 1 |`);
    console.log(`| morphFaces, 512x512 | ${m.morph.toFixed(0)} | ${(m.morph / m.batch2).toFixed(3)}x |`);
    console.log(`Peak RSS of the service: ${service.peakRssMb().toFixed(0)} MB`);
    return { ms: m, ratio, peakRssMb: service.peakRssMb() };
  } finally {
    service.child.kill('SIGTERM');
  }
}
