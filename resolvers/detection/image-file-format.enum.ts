import { registerEnumType } from 'type-graphql';
import { ImageFileFormat } from '../../src/image/image-format';

registerEnumType(ImageFileFormat, {
  name: 'ImageFileFormat',
  description: "Image file formats the service reads, detected from the file's bytes (not from a data URL's media type).",
  valuesConfig: {
    JPEG: { description: 'JPEG / JFIF / EXIF JPEG.' },
    PNG: { description: 'PNG; transparency is flattened onto white.' },
    WEBP: { description: 'WebP, lossy or lossless.' },
    GIF: { description: 'GIF; only the first frame is analysed.' },
    TIFF: { description: 'TIFF; only the first page is analysed.' },
    AVIF: { description: 'AVIF (AV1 in HEIF).' },
    BMP: { description: 'Windows bitmap, as MXFace accepts it.' },
  },
});

export { ImageFileFormat };
