import { registerEnumType } from 'type-graphql';
import { CropFormat } from '../../src/crops/face-crops';

registerEnumType(CropFormat, {
  name: 'ImageFormat',
  description: 'The encoding of an image the service returns.',
  valuesConfig: {
    JPEG: { description: 'JPEG, quality 90.' },
    PNG: { description: 'PNG, lossless.' },
    WEBP: { description: 'WebP, quality 90.' },
  },
});

/** The domain's CropFormat, exposed as the GraphQL enum ImageFormat. */
export { CropFormat as ImageFormat };
