/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['reflect-metadata'],
  // Integration suites start real servers with model-loading worker threads.
  testTimeout: 120_000,
  maxWorkers: 1,
};
