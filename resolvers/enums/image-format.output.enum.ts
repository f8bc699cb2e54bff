import { registerEnumType } from 'type-graphql';

/** Encodings the service writes crops in. */
export enum ImageFormat {
  JPEG = 'JPEG',
  PNG = 'PNG',
  WEBP = 'WEBP',
}

registerEnumType(ImageFormat, {
  name: 'ImageFormat',
  description: 'The encoding of an image the service returns.',
  valuesConfig: {
    JPEG: { description: 'JPEG, quality 90.' },
    PNG: { description: 'PNG, lossless.' },
    WEBP: { description: 'WebP, quality 90.' },
  },
});
