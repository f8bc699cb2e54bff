// Where ../shared is (datasets, docs, models), for the tests, the bench and the tools alike. Never from
// __dirname: compiled code runs from dist/ and Stryker runs the tests from a sandbox copy
// (.stryker-tmp/sandbox-*/), where a fixed number of `..` leads somewhere else.
import fs from 'node:fs';
import path from 'node:path';

/** The variable that names the shared folder outright (for a checkout that does not sit beside it). */
export const SHARED_DIR_VARIABLE = 'FACEMARK_SHARED_DIR';

/** A folder is the shared one when it holds the datasets or the docs that the project reads. */
const isSharedFolder = (dir: string) => ['datasets', 'docs'].some((part) => fs.existsSync(path.join(dir, part)));

/**
 * The shared folder: `FACEMARK_SHARED_DIR` when set, else the first `shared/` holding `datasets/` or
 * `docs/` beside the working directory or beside one of its ancestors (`../shared` from the project's
 * root, `../../../shared` from a Stryker sandbox). Throws, naming both ways to fix it, when none is found.
 */
export function sharedFolder(env: NodeJS.ProcessEnv = process.env, from: string = process.cwd()): string {
  const named = env[SHARED_DIR_VARIABLE];
  if (named) {
    if (!isSharedFolder(named)) throw new Error(`${SHARED_DIR_VARIABLE}=${named} holds neither datasets/ nor docs/`);
    return path.resolve(named);
  }
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared');
    if (isSharedFolder(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`no shared/ folder with datasets/ or docs/ beside ${from} or any folder above it: put it beside the project, or set ${SHARED_DIR_VARIABLE}`);
}

/** A path inside the shared folder, e.g. `sharedPath('datasets', 'photos', 'happy.jpg')`. */
export const sharedPath = (...parts: string[]) => path.join(sharedFolder(), ...parts);
