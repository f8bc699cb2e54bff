import { registerEnumType } from 'type-graphql';
import { ProviderName } from '../../src/config';

registerEnumType(ProviderName, {
  name: 'ProviderName',
  description: 'The engine that finds faces and landmarks.',
  valuesConfig: {
    EMBEDDED: {
      description:
        "Models running inside the service, offline, no key: MediaPipe's BlazeFace (or YuNet) and attention face mesh by default, face-api's SSD + 68-point net with EMBEDDED_ENGINE=faceapi.",
    },
    MXFACE: { description: 'The MXFace cloud Face Landmark API (five points, its own quality), enabled when the server has a subscription key.' },
  },
});

export { ProviderName };
