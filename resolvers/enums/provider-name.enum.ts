import { registerEnumType } from 'type-graphql';

/** Mirrors the `LANDMARK_PROVIDER` setting. */
export enum ProviderName {
  EMBEDDED = 'embedded',
}

registerEnumType(ProviderName, {
  name: 'ProviderName',
  description: 'The engine that finds faces and landmarks.',
  valuesConfig: {
    EMBEDDED: { description: 'Models running inside the service (face-api SSD MobileNet v1 + 68-point landmark net), offline, no key.' },
  },
});
