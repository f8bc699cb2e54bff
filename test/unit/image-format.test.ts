// Format sniffing from magic bytes, written out from each format's specification (not from files the
// code under test produced), with the near-misses that must not pass for an image.
import { ImageFileFormat, sniffImageFormat } from '../../src/image/image-format';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
const pad = (head: Buffer, length = 16) => Buffer.concat([head, Buffer.alloc(Math.max(0, length - head.length))]);
/** An ISO-BMFF `ftyp` box: size, 'ftyp', major brand, minor version, compatible brands. */
const ftyp = (major: string, minor: string, ...compatible: string[]) => {
  const body = bytes('ftyp', major, minor, ...compatible);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(body.length + 4);
  return Buffer.concat([size, body]);
};

test.each([
  ['JPEG (JFIF)', pad(bytes([0xff, 0xd8, 0xff, 0xe0])), ImageFileFormat.JPEG],
  ['JPEG (Exif)', pad(bytes([0xff, 0xd8, 0xff, 0xe1])), ImageFileFormat.JPEG],
  ['PNG', pad(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), ImageFileFormat.PNG],
  ['WebP', pad(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')), ImageFileFormat.WEBP],
  ['GIF87a', pad(bytes('GIF87a')), ImageFileFormat.GIF],
  ['GIF89a', pad(bytes('GIF89a')), ImageFileFormat.GIF],
  ['TIFF, little-endian', pad(bytes('II*\0')), ImageFileFormat.TIFF],
  ['TIFF, big-endian', pad(bytes('MM\0*')), ImageFileFormat.TIFF],
  ['AVIF (major brand)', ftyp('avif', '\0\0\0\0', 'mif1', 'miaf'), ImageFileFormat.AVIF],
  ['AVIF image sequence', ftyp('avis', '\0\0\0\0', 'msf1'), ImageFileFormat.AVIF],
  ['AVIF as the last compatible brand', ftyp('mif1', '\0\0\0\0', 'miaf', 'avif'), ImageFileFormat.AVIF],
  ['BMP', pad(bytes('BM', [0x36, 0x10, 0, 0])), ImageFileFormat.BMP],
])('%s is recognised', (_, header, format) => {
  expect(sniffImageFormat(header)).toBe(format);
});

test.each([
  ['an empty file', Buffer.alloc(0)],
  ['a JPEG header cut at 11 bytes', bytes([0xff, 0xd8, 0xff, 0xe0], [0, 0x10], 'JFIF\0')],
  ['two JPEG bytes, not three', pad(bytes([0xff, 0xd8, 0x00]))],
  ['a JPEG marker without its start', pad(bytes([0x00, 0xd8, 0xff]))],
  ['a JPEG start without the marker byte', pad(bytes([0xff, 0x00, 0xff]))],
  ['a PNG signature with a wrong 8th byte', pad(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00]))],
  ['a PNG signature with a wrong 1st byte', pad(bytes([0x88, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['a RIFF file that is audio (WAVE)', pad(bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '))],
  ['WEBP without RIFF', pad(bytes('RIFX', [0x24, 0, 0, 0], 'WEBP'))],
  ['GIF with an unknown version', pad(bytes('GIF88a'))],
  ['TIFF with the byte orders mixed', pad(bytes('II\0*'))],
  ['TIFF big-endian with the bytes swapped', pad(bytes('MM*\0'))],
  ['HEIC (an ftyp box without an AVIF brand)', ftyp('heic', '\0\0\0\0', 'mif1', 'heic')],
  ['a minor version that reads "avif" (not a brand)', ftyp('mif1', 'avif', 'miaf')],
  ['"avif" just past the ftyp box', Buffer.concat([ftyp('mif1', '\0\0\0\0', 'miaf'), bytes('avif')])],
  ['an MP4 video', ftyp('isom', '\0\0\x02\0', 'isom', 'iso2', 'avc1', 'mp41')],
  ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
  ['PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')],
  ['a BMP signature one byte off', pad(bytes('BN'))],
])('%s is not an image the service reads', (_, header) => {
  expect(sniffImageFormat(header)).toBeUndefined();
});

test('a 12-byte header is enough; one byte less is not', () => {
  const gif = bytes('GIF89a', [1, 0, 1, 0, 0, 0]);
  expect(gif).toHaveLength(12);
  expect(sniffImageFormat(gif)).toBe(ImageFileFormat.GIF);
  expect(sniffImageFormat(gif.subarray(0, 11))).toBeUndefined();
});
