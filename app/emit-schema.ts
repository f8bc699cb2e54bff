// Writes schema.graphql from the code, or with --check fails when the committed file differs.
import fs from 'node:fs';
import path from 'node:path';
import { schemaSdl } from '../resolvers';

// npm runs scripts from the package root.
const file = path.resolve(process.cwd(), 'schema.graphql');
const sdl = schemaSdl();

if (process.argv.includes('--check')) {
  const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (committed !== sdl) {
    console.error(`${path.relative(process.cwd(), file)} is out of date with the code: run \`npm run schema\` and commit it.`);
    process.exit(1);
  }
  console.log('schema.graphql matches the code.');
} else {
  fs.writeFileSync(file, sdl);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
