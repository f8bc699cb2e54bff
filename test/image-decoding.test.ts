import { createHash } from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { ErrorCode } from '../src/errors';
import { checkImage } from '../src/image/image-decoder';
import { ImageFileFormat } from '../src/image/image-format';
import { encodeBmp24 } from './support/bmp';
import { dataset } from './support/datasets';

const LIMITS = { maxPixels: 40_000_000, maxSide: 1280 };
const asImage = (bytes: Buffer) => ({ bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
/** Header checks, then the pixel decode (which the service defers until a provider needs it). */
const decode = async (bytes: Buffer, limits = LIMITS) => {
  const image = await checkImage(asImage(bytes), limits);
  return { info: image.info, pixels: await image.pixels() };
};

async function failureCode(bytes: Buffer, limits = LIMITS): Promise<string> {
  try {
    await decode(bytes, limits);
    return 'decoded';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

let photo: { data: Buffer; width: number; height: number };
beforeAll(async () => {
  const { data, info } = await sharp(dataset('photos', 'happy.jpg')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  photo = { data, width: info.width, height: info.height };
});

const raw = () => sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } });
const meanAbsDiff = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;

const ENCODERS: Array<[ImageFileFormat, () => Promise<Buffer>]> = [
  [ImageFileFormat.JPEG, () => raw().jpeg({ quality: 95 }).toBuffer()],
  [ImageFileFormat.PNG, () => raw().png().toBuffer()],
  [ImageFileFormat.WEBP, () => raw().webp({ quality: 95 }).toBuffer()],
  [ImageFileFormat.GIF, () => raw().gif().toBuffer()],
  [ImageFileFormat.TIFF, () => raw().tiff().toBuffer()],
  [ImageFileFormat.AVIF, () => raw().avif({ quality: 80 }).toBuffer()],
  [ImageFileFormat.BMP, async () => encodeBmp24(photo.data, photo.width, photo.height)],
];

test.each(ENCODERS)('decodes %s to the same picture', async (format, encode) => {
  const decoded = await decode(await encode());
  expect(decoded.info).toMatchObject({ format, width: photo.width, height: photo.height, orientation: 1 });
  expect(decoded.pixels.width).toBe(photo.width);
  expect(decoded.pixels.data).toHaveLength(photo.width * photo.height * 3);
  // Lossy formats differ a little; a wrong channel order or a blank image differs a lot.
  expect(meanAbsDiff(decoded.pixels.data, photo.data)).toBeLessThan(format === ImageFileFormat.GIF ? 12 : 5);
});

test('BMP pixels are exact', async () => {
  const decoded = await decode(encodeBmp24(photo.data, photo.width, photo.height));
  expect(decoded.pixels.data.equals(photo.data)).toBe(true);
});

test('an animated GIF gives its first frame', async () => {
  // Two different frames: black, then white.
  const frame = (background: string) =>
    sharp({ create: { width: 16, height: 16, channels: 3, background } })
      .png()
      .toBuffer();
  const animated = await sharp([await frame('#000000'), await frame('#ffffff')], { join: { animated: true } })
    .gif({ delay: [100, 100] })
    .toBuffer();
  const meta = await sharp(animated).metadata();
  expect(meta.pages).toBe(2);
  expect((await sharp(animated, { page: 1 }).raw().toBuffer())[0]).toBe(255);
  const decoded = await decode(animated);
  expect([decoded.info.width, decoded.info.height]).toEqual([16, 16]);
  expect(Math.max(...decoded.pixels.data)).toBe(0);
});

test('greyscale, 16-bit and transparent images come out as 3-channel RGB', async () => {
  const grey = await decode(await raw().greyscale().jpeg().toBuffer());
  expect(grey.pixels.data).toHaveLength(photo.width * photo.height * 3);
  const deep = await decode(await raw().toColourspace('rgb16').png().toBuffer());
  expect(deep.pixels.data).toHaveLength(photo.width * photo.height * 3);
  const transparent = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer();
  const flattened = await decode(transparent);
  expect([...flattened.pixels.data].every((v) => v === 255)).toBe(true);
});

test('applies EXIF orientation: a 90-degree tag swaps the upright size', async () => {
  const tagged = await raw().jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const decoded = await decode(tagged);
  expect(decoded.info).toMatchObject({ orientation: 6, width: photo.height, height: photo.width });
  expect(decoded.pixels).toMatchObject({ width: photo.height, height: photo.width });
});

/**
 * The file a camera writes for an upright picture `u` when it tags it with `orientation`: the stored
 * pixel at (a, b) is the upright pixel this returns. From the EXIF 2.3 table (e.g. 6: "the 0th row is
 * the visual right-hand side, the 0th column the visual top"), written out here, not taken from sharp.
 */
const STORED_FROM_UPRIGHT: Record<number, (a: number, b: number, w: number, h: number) => [number, number]> = {
  1: (a, b) => [a, b],
  2: (a, b, w) => [w - 1 - a, b],
  3: (a, b, w, h) => [w - 1 - a, h - 1 - b],
  4: (a, b, _w, h) => [a, h - 1 - b],
  5: (a, b) => [b, a],
  6: (a, b, w) => [w - 1 - b, a],
  7: (a, b, w, h) => [w - 1 - b, h - 1 - a],
  8: (a, b, _w, h) => [b, h - 1 - a],
};

test('property: every EXIF orientation applied to the file its inverse made gives the upright pixels back, exactly', async () => {
  const upright = fc
    .record({ width: fc.integer({ min: 1, max: 9 }), height: fc.integer({ min: 1, max: 9 }) })
    .chain(({ width, height }) => fc.uint8Array({ minLength: width * height * 3, maxLength: width * height * 3 }).map((data) => ({ width, height, data })));
  await fc.assert(
    fc.asyncProperty(upright, fc.integer({ min: 1, max: 8 }), async (u, orientation) => {
      const swapped = orientation >= 5;
      const [sw, sh] = swapped ? [u.height, u.width] : [u.width, u.height];
      const stored = Buffer.alloc(sw * sh * 3);
      for (let b = 0; b < sh; b++)
        for (let a = 0; a < sw; a++) {
          const [x, y] = STORED_FROM_UPRIGHT[orientation]!(a, b, u.width, u.height);
          stored.set(u.data.subarray((y * u.width + x) * 3, (y * u.width + x) * 3 + 3), (b * sw + a) * 3);
        }
      // PNG keeps the pixels exact; its eXIf chunk carries the tag.
      const file = await sharp(stored, { raw: { width: sw, height: sh, channels: 3 } })
        .png()
        .withMetadata({ orientation })
        .toBuffer();
      const decoded = await decode(file);
      expect(decoded.info).toMatchObject({ orientation, width: u.width, height: u.height });
      expect(decoded.pixels).toMatchObject({ width: u.width, height: u.height, scale: 1 });
      expect([...decoded.pixels.data]).toEqual([...u.data]);
    }),
    { numRuns: 120, seed: 20261202 },
  );
});

test('downscales large images for detection and reports the scale back to full size', async () => {
  const big = await raw().resize(2400).jpeg().toBuffer();
  const decoded = await decode(big);
  expect(decoded.info.width).toBe(2400);
  expect(decoded.pixels.width).toBe(1280);
  expect(decoded.pixels.scale).toBeCloseTo(2400 / 1280, 5);
});

test('the header is checked at once; pixels are decoded only when asked for, once', async () => {
  const jpeg = await raw().jpeg().toBuffer();
  const truncated = await checkImage(asImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))), LIMITS);
  expect(truncated.info).toMatchObject({ format: 'JPEG', width: photo.width, height: photo.height });
  await expect(truncated.pixels()).rejects.toMatchObject({ code: ErrorCode.CORRUPT_IMAGE });
  const whole = await checkImage(asImage(jpeg), LIMITS);
  expect(whole.pixels()).toBe(whole.pixels());
});

describe('bad files get a typed error', () => {
  test('truncated JPEG', async () => {
    const jpeg = await raw().jpeg().toBuffer();
    expect(await failureCode(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toBe(ErrorCode.CORRUPT_IMAGE);
  });

  test('truncated PNG', async () => {
    const png = await raw().png().toBuffer();
    expect(await failureCode(png.subarray(0, Math.floor(png.length / 2)))).toBe(ErrorCode.CORRUPT_IMAGE);
  });

  test('PNG whose compressed pixel data is garbage', async () => {
    const png = Buffer.from(await raw().png().toBuffer());
    const idat = png.indexOf('IDAT');
    for (let i = idat + 10; i < png.length - 20; i++) png[i] = (i * 131) & 0xff;
    expect(await failureCode(png)).toBe(ErrorCode.CORRUPT_IMAGE);
  });

  test('JPEG with a broken Huffman table', async () => {
    const jpeg = Buffer.from(await raw().jpeg().toBuffer());
    const dht = jpeg.indexOf(Buffer.from([0xff, 0xc4]));
    jpeg.fill(0xff, dht + 5, dht + 21);
    expect(await failureCode(jpeg)).toBe(ErrorCode.CORRUPT_IMAGE);
  });

  test('only a magic number', async () => {
    expect(await failureCode(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe(ErrorCode.CORRUPT_IMAGE);
  });

  test.each([
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>')],
    ['PDF', Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF')],
    ['plain text', Buffer.from('hello, this is not an image at all')],
    ['HEIC', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')])],
    ['a few bytes', Buffer.from([1, 2, 3])],
  ])('%s is an unsupported format', async (_name, bytes) => {
    expect(await failureCode(bytes)).toBe(ErrorCode.UNSUPPORTED_FORMAT);
  });
});

describe('decompression bombs and giant dimensions are refused from the header', () => {
  test('a real 8000x8000 PNG of a few kilobytes', async () => {
    const bomb = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9, palette: true })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await failureCode(bomb, { maxPixels: 40_000_000, maxSide: 1280 })).toBe(ErrorCode.TOO_MANY_PIXELS);
  });

  test('a JPEG whose header claims 65500x65500', async () => {
    const jpeg = Buffer.from(await raw().jpeg().toBuffer());
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(65500, sof + 5);
    jpeg.writeUInt16BE(65500, sof + 7);
    expect(await failureCode(jpeg)).toBe(ErrorCode.TOO_MANY_PIXELS);
  });

  test('a BMP whose header claims 2^31-1 pixels wide', async () => {
    const bmp = encodeBmp24(Buffer.alloc(4 * 4 * 3), 4, 4);
    bmp.writeInt32LE(0x7fffffff, 18);
    expect(await failureCode(bmp)).toBe(ErrorCode.CORRUPT_IMAGE);
  });

  test('a BMP whose header claims 10000x10000 over a tiny body', async () => {
    const bmp = encodeBmp24(Buffer.alloc(4 * 4 * 3), 4, 4);
    bmp.writeInt32LE(10000, 18);
    bmp.writeInt32LE(10000, 22);
    expect(await failureCode(bmp, { maxPixels: 200_000_000, maxSide: 1280 })).toBe(ErrorCode.CORRUPT_IMAGE);
    expect(await failureCode(bmp)).toBe(ErrorCode.TOO_MANY_PIXELS);
  });

  test('the pixel limit is configurable', async () => {
    const png = await raw().png().toBuffer();
    expect(await failureCode(png, { maxPixels: photo.width * photo.height - 1, maxSide: 1280 })).toBe(ErrorCode.TOO_MANY_PIXELS);
    expect(await failureCode(png, { maxPixels: photo.width * photo.height, maxSide: 1280 })).toBe('decoded');
  });
});
