import { registerEnumType } from 'type-graphql';

/** Mirrors the `LANDMARK_PROVIDER` setting. */
export enum ProviderName {
  EMBEDDED = 'embedded',
  MXFACE = 'mxface',
}

registerEnumType(ProviderName, {
  name: 'ProviderName',
  description: 'The engine that finds faces and landmarks.',
  valuesConfig: {
    EMBEDDED: { description: 'Models running inside the service (face-api SSD MobileNet v1 + 68-point landmark net), offline, no key.' },
    MXFACE: { description: 'The MXFace cloud Face Landmark API (five points, its own quality), enabled when the server has a subscription key.' },
  },
});
