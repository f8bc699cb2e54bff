// Fuzzing the decoder: byte flips and truncations of a photo in every accepted format. Each mutant
// must give a result or a typed user error, never a crash or a hang; then the server, fed mutants
// over GraphQL, still answers a good photo.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { ErrorCode, UserFacingError } from '../src/errors';
import { checkImage } from '../src/image/image-decoder';
import { encodeBmp24 } from './support/bmp';
import { dataset } from './support/datasets';
import { DETECT, startTestServer, type TestServer } from './support/server';

const LIMITS = { maxPixels: 40_000_000, maxSide: 1280 };
const EXPECTED = new Set<string>([ErrorCode.CORRUPT_IMAGE, ErrorCode.UNSUPPORTED_FORMAT, ErrorCode.EMPTY_IMAGE, ErrorCode.TOO_MANY_PIXELS]);
const MUTANTS_PER_FORMAT = 60;

/**
 * MUTANTS_PER_FORMAT mutants of a file, the same for the same seed (fast-check's generators): a third
 * truncated, a third with bits flipped in the first kilobyte (the headers), a third anywhere.
 */
function mutants(original: Buffer, seed: number): Buffer[] {
  const flips = (within: number) => fc.array(fc.record({ at: fc.nat(within - 1), bit: fc.nat(7) }), { minLength: 1, maxLength: 8 });
  const mutant = fc.oneof(
    fc.nat(original.length - 1).map((length) => original.subarray(0, length)),
    ...[Math.min(original.length, 1024), original.length].map((within) =>
      flips(within).map((changes) => {
        const copy = Buffer.from(original);
        for (const { at, bit } of changes) copy[at]! ^= 1 << bit;
        return copy;
      }),
    ),
  );
  return fc.sample(mutant, { seed, numRuns: MUTANTS_PER_FORMAT });
}

let photos: Record<string, Buffer>;
beforeAll(async () => {
  const base = sharp(dataset('photos', 'happy.jpg')).resize(160);
  const { data, info } = await base.clone().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  photos = {
    JPEG: await base.clone().jpeg().toBuffer(),
    PNG: await base.clone().png().toBuffer(),
    WEBP: await base.clone().webp().toBuffer(),
    GIF: await base.clone().gif().toBuffer(),
    TIFF: await base.clone().tiff().toBuffer(),
    AVIF: await base.clone().avif().toBuffer(),
    BMP: encodeBmp24(data, info.width, info.height),
  };
});

test.each(['JPEG', 'PNG', 'WEBP', 'GIF', 'TIFF', 'AVIF', 'BMP'])('%s: every flipped or truncated file decodes or gives a typed error', async (format) => {
  const outcomes: Record<string, number> = {};
  for (const [k, bytes] of mutants(photos[format]!, format.length * 7919).entries()) {
    let outcome: string;
    try {
      const image = await checkImage({ bytes, sha256: createHash('sha256').update(bytes).digest('hex') }, LIMITS);
      const pixels = await image.pixels();
      expect(pixels.data.length).toBe(pixels.width * pixels.height * 3);
      outcome = 'decoded';
    } catch (error) {
      if (!(error instanceof UserFacingError) || !EXPECTED.has(error.code)) throw new Error(`${format} mutant ${k}: ${String(error)}`);
      outcome = error.code;
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  console.log(`${format}: ${JSON.stringify(outcomes)}`);
  // Most mutants break the file: the check is not vacuous.
  expect(Object.keys(outcomes).some((o) => o !== 'decoded')).toBe(true);
});

describe('over GraphQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ WORKER_THREADS: '1' });
  });
  afterAll(() => server?.stop());

  test('mutants of every format get payloads, and the server then still finds the face of a good photo', async () => {
    for (const [format, original] of Object.entries(photos)) {
      for (const bytes of mutants(original, format.length * 31).slice(0, 8)) {
        const { status, body } = await server.graphql(DETECT, { image: { base64: bytes.toString('base64') } });
        expect(status).toBe(200);
        const payload = body.data.detectLandmarks;
        if (payload.faces === null) expect(EXPECTED.has(payload.userErrors[0].code)).toBe(true);
      }
    }
    const { body } = await server.graphql(DETECT, { image: { base64: photos.JPEG!.toString('base64') } });
    expect(body.data.detectLandmarks.faces).toHaveLength(1);
  });
});
