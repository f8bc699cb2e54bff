// Typed client documents from the committed schema, as a frontend team would set it up.
// `npm run codegen` writes examples/gql/; `npm run codegen:check` also type-checks examples/.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'examples/gql/': {
      preset: 'client',
      config: { enumsAsTypes: true, useTypeImports: true, strictScalars: true, scalars: {} },
    },
  },
};

export default config;
