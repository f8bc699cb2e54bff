/**
 * `describe` for a suite that needs a system package (a Redis server, a browser), or `describe.skip`
 * with a loud notice when the package is missing on a developer's machine. CI (CI=true) and
 * `npm run test:all` always run the suite, which then fails saying what to install.
 */
export function describeWithPackage(name: string, installed: boolean, install: string): jest.Describe {
  if (installed || process.env.CI === 'true' || process.env.FACEMARK_TEST_ALL === 'true') return describe;
  console.warn(
    `\n*** SKIPPED: this suite needs ${name}, which is not installed here. Install it with \`${install}\`. CI and \`npm run test:all\` run it and fail without it. ***\n`,
  );
  return describe.skip;
}
