import fs from 'node:fs';
import path from 'node:path';

// The root of the running code: dist/ when it runs compiled, the project when ts-jest runs src/.
const CODE_ROOT = path.resolve(__dirname, '..');

/**
 * A file of the build (`npm run build`), given relative to dist/: beside the running code when it
 * runs from dist/, in the project's dist/ when ts-jest runs the sources (worker threads and the
 * bundled demo page need built JavaScript either way). Undefined when it is not built.
 */
export function buildOutput(relativePath: string): string | undefined {
  return [path.join(CODE_ROOT, relativePath), path.join(CODE_ROOT, 'dist', relativePath)].find((file) => fs.existsSync(file));
}
