// Bundles the demo page into dist/web/ (esbuild) with its static files. `npm run build:web` first
// generates its typed documents (web/gql/, graphql-codegen from schema.graphql).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'dist', 'web');
await build({
  entryPoints: [path.join(here, 'src', 'main.ts')],
  bundle: true,
  minify: true,
  target: 'es2022',
  outfile: path.join(out, 'demo.js'),
  logLevel: 'warning',
});
for (const file of ['index.html', 'demo.css']) fs.copyFileSync(path.join(here, file), path.join(out, file));
