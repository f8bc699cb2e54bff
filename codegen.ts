// Typed client documents from the committed schema, as a frontend team would set it up.
// `npm run codegen` writes examples/gql/ and web/gql/ (the demo page's); `npm run codegen:check`
// also type-checks examples/ and web/.
//
// Generating from a live server instead of schema.graphql: introspection leaves `@oneOf` out
// unless asked, and ImageInput would lose its one-source rule in the generated types. Ask for it
// (graphql-js' introspection option, passed through to the URL loader; the config's type does not
// list it, hence the variable):
//   const live = { oneOf: true, headers: { authorization: 'Bearer <key>' } };
//   schema: { 'http://localhost:4000/graphql': live },
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'examples/gql/': {
      documents: ['examples/operations/**/*.graphql'],
      preset: 'client',
      config: { enumsAsTypes: true, useTypeImports: true, strictScalars: true, scalars: { Upload: 'File | null' } },
    },
    // The demo page sends documents as strings (no graphql-js in the browser bundle).
    'web/gql/': {
      documents: ['web/operations/**/*.graphql'],
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { enumsAsTypes: true, useTypeImports: true, strictScalars: true, scalars: { Upload: 'File | null' }, documentMode: 'string' },
    },
  },
};

export default config;
