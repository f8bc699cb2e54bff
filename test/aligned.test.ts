// Face.aligned: the similarity warp onto the ArcFace template, checked on synthetic marks and real faces.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { alignFace, CropFormat } from '../src/crops/face-crops';
import type { Point } from '../src/geometry/geometry';
import { applySimilarity, ARCFACE_TEMPLATE_112, fitSimilarity, type Similarity } from '../src/geometry/similarity';
import { checkImage } from '../src/image/image-decoder';
import type { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { readBase64 } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';
import { ProviderName } from '../src/config';

let server: TestServer;
let engine: EmbeddedProvider;
beforeAll(async () => {
  server = await startTestServer({ WORKER_THREADS: '1' });
  engine = server.providers.get(ProviderName.EMBEDDED) as EmbeddedProvider;
});
afterAll(() => server?.stop());

/** A black picture with a bright 5x5 mark at each point. */
async function marked(side: number, points: Point[]) {
  const data = Buffer.alloc(side * side * 3);
  for (const p of points) {
    for (let y = Math.round(p.y) - 2; y <= Math.round(p.y) + 2; y++) {
      for (let x = Math.round(p.x) - 2; x <= Math.round(p.x) + 2; x++) data.fill(255, (y * side + x) * 3, (y * side + x) * 3 + 3);
    }
  }
  const bytes = await sharp(data, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
  return checkImage({ bytes, sha256: createHash('sha256').update(bytes).digest('hex') }, { maxPixels: 40_000_000, maxSide: 1280 });
}

/** Brightness-weighted centre of the mark near `near` in a packed RGB square. */
function markCentre(rgb: Buffer, side: number, near: Point): Point {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = Math.max(0, Math.round(near.y) - 7); y <= Math.min(side - 1, Math.round(near.y) + 7); y++) {
    for (let x = Math.max(0, Math.round(near.x) - 7); x <= Math.min(side - 1, Math.round(near.x) + 7); x++) {
      const v = rgb[(y * side + x) * 3];
      sum += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return { x: sx / sum, y: sy / sum };
}

// Detection pixels at full size (scale 1) and downscaled (2400 px -> 1280: scale 1.875).
test.each([
  [400, 2.2],
  [2400, 12],
])('marks placed by a similarity of the template land on the template (%i px image)', async (side, scale) => {
  const angle = (20 * Math.PI) / 180;
  const place = { a: { x: scale * Math.cos(angle), y: scale * Math.sin(angle) }, b: { x: side * 0.3, y: side * 0.2 } };
  const points = ARCFACE_TEMPLATE_112.map((p) => applySimilarity(place, p));
  const image = await marked(side, points);
  const [leftEye, rightEye, noseTip, mouthLeft, mouthRight] = points;
  const warp = async (i: typeof image, toImage: Similarity, size: number) => (await engine.warps([{ image: i, squares: [{ toImage, size }] }]))[0][0];
  const chip = (await alignFace({ image, fivePoints: { leftEye, rightEye, noseTip, mouthLeft, mouthRight } }, 112, CropFormat.PNG, warp))!;
  const rgb = await sharp(Buffer.from(chip.dataUrl.split(',')[1], 'base64'))
    .raw()
    .toBuffer();
  ARCFACE_TEMPLATE_112.forEach((target) => {
    const found = markCentre(rgb, 112, target);
    expect(Math.hypot(found.x - target.x, found.y - target.y)).toBeLessThan(1);
  });
});

const QUERY = /* GraphQL */ `
  mutation Aligned($image: ImageInput!, $size: Int) {
    detectLandmarks(image: $image) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        landmarks {
          point {
            x
            y
          }
        }
        aligned(size: $size) {
          dataUrl
          width
          height
          rectangle {
            x
            y
            width
            height
          }
        }
      }
    }
  }
`;

// A similarity (4 degrees of freedom) cannot bend a face onto the template's proportions, let alone
// a smile or an open mouth: each face is held to the least-squares optimum of its own five points
// (neutral.jpg: 2.8 px with the mesh's points, where face-api's gave 2.0 px). The refined points (#29),
// nearer people's, put happy.jpg's smiling mouth corners further from the template's: 6.2 -> 6.55 px.
test.each([
  ['neutral.jpg', 3],
  ['happy.jpg', 7],
  ['surprised.jpg', 4],
])('%s: a 112x112 chip whose five points land within %d px of the template', async (file, tolerance) => {
  const { body } = await server.graphql(QUERY, { image: { base64: readBase64('photos', file) } });
  expect(body.errors).toBeUndefined();
  const [face] = body.data.detectLandmarks.faces;
  expect(face.aligned).toMatchObject({ width: 112, height: 112 });
  const meta = await sharp(Buffer.from(face.aligned.dataUrl.split(',')[1], 'base64')).metadata();
  expect(meta).toMatchObject({ format: 'jpeg', width: 112, height: 112 });
  const points = face.landmarks.map((l: { point: Point }) => l.point);
  const toChip = fitSimilarity(points, ARCFACE_TEMPLATE_112);
  const errors = points.map((p: Point, i: number) =>
    Math.hypot(applySimilarity(toChip, p).x - ARCFACE_TEMPLATE_112[i].x, applySimilarity(toChip, p).y - ARCFACE_TEMPLATE_112[i].y),
  );
  console.log(`${file}: five points off the template by ${errors.map((e: number) => e.toFixed(2)).join(', ')} px`);
  expect(Math.max(...errors)).toBeLessThan(tolerance);
  // The chip covers the face.
  const r = face.aligned.rectangle;
  expect(r.x).toBeLessThan(face.rectangle.x + face.rectangle.width / 2);
  expect(r.x + r.width).toBeGreaterThan(face.rectangle.x + face.rectangle.width / 2);
});

test('an out-of-range size is a typed error for the field', async () => {
  const { body } = await server.graphql(QUERY, { image: { base64: readBase64('photos', 'happy.jpg') }, size: 4 });
  expect(body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'size' });
});
