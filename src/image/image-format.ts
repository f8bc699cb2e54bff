/** The image file formats the service reads, as reported in `ImageMetadata.format`. */
export enum ImageFileFormat {
  JPEG = 'JPEG',
  PNG = 'PNG',
  WEBP = 'WEBP',
  GIF = 'GIF',
  TIFF = 'TIFF',
  AVIF = 'AVIF',
  BMP = 'BMP',
}

const ascii = (bytes: Buffer, start: number, end: number) => bytes.toString('latin1', start, end);

/**
 * Identifies the format from the file's magic bytes. Only formats on this list ever reach a decoder,
 * which keeps SVG, PDF and the other loaders sharp/libvips can have out of reach of clients.
 */
export function sniffImageFormat(bytes: Buffer): ImageFileFormat | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return ImageFileFormat.JPEG;
  if (bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return ImageFileFormat.PNG;
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return ImageFileFormat.WEBP;
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return ImageFileFormat.GIF;
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return ImageFileFormat.TIFF;
  if (ascii(bytes, 4, 8) === 'ftyp' && isAvifBrand(bytes)) return ImageFileFormat.AVIF;
  if (ascii(bytes, 0, 2) === 'BM') return ImageFileFormat.BMP;
  return undefined;
}

function isAvifBrand(bytes: Buffer): boolean {
  const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length);
  for (let offset = 8; offset + 4 <= boxSize; offset += 4) {
    if (offset === 12) continue; // minor version, not a brand
    const brand = ascii(bytes, offset, offset + 4);
    if (brand === 'avif' || brand === 'avis') return true;
  }
  return false;
}
