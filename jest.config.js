/** @type {import('jest').Config} */
// restoreMocks: every spy is restored after its test, passed or failed.
const common = { preset: 'ts-jest', testEnvironment: 'node', setupFiles: ['reflect-metadata'], testMatch: ['**/*.test.ts'], restoreMocks: true };

module.exports = {
  projects: [
    // Pure modules: no models, no servers, no build (`npm run test:unit`).
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    // Real servers on loopback with model-loading worker threads (which run from dist/).
    { ...common, displayName: 'integration', roots: ['<rootDir>/test'], testPathIgnorePatterns: ['/test/unit/'] },
  ],
  // Integration suites load models on 2 busy cores; a project-level timeout is not honoured.
  testTimeout: 120_000,
  maxWorkers: 1,
};
