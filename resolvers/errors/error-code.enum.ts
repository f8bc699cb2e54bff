import { registerEnumType } from 'type-graphql';
import { ErrorCode, errorCodeDescriptions } from '../../src/errors';

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'Why an image could not be processed. Stable: switch on it in client code.',
  valuesConfig: Object.fromEntries(Object.entries(errorCodeDescriptions).map(([code, description]) => [code, { description }])),
});

export { ErrorCode };
