// Mutation testing of the pure modules through the unit project (`npm run test:mutation`).
// https://stryker-mutator.io/docs/stryker-js/configuration/
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/geometry/**/*.ts',
    'src/batching.ts',
    'src/detection/photo-traffic.ts',
    'src/image/address-policy.ts',
    'src/image/image-format.ts',
    'src/providers/embedded/face-quality.ts',
    'src/providers/embedded/exposure.ts',
    'src/providers/embedded/mediapipe/mesh-crop.ts',
    'src/providers/embedded/mediapipe/landmark-refiner.ts',
    'src/providers/embedded/mediapipe/refiner-weights.ts',
    'src/providers/embedded/mediapipe/small-faces.ts',
    'src/providers/mxface/mxface-contract.ts',
    'src/config.ts',
    'src/video/one-euro-filter.ts',
    'src/video/face-tracker.ts',
    'src/video/video-probe.ts',
    'src/video/scene-cut.ts',
    'src/video/face-smoother.ts',
    'src/video/face-following.ts',
    'src/video/video-segments.ts',
    'src/video/video-job.ts',
    'src/video/analysis-codec.ts',
    'src/video/decoder-protocol.ts',
    'src/video/people.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    config: {
      preset: 'ts-jest',
      testEnvironment: 'node',
      setupFiles: ['reflect-metadata'],
      roots: ['<rootDir>/test/unit'],
      // The tests of the mutated modules only: a mutant in module-level code (the config schema) runs
      // every test, so the others (the schema build, the graph converter) would only slow each run.
      testMatch: [
        '**/test/unit/{geometry,geometry-properties,procrustes,piecewise-affine,composition-plan,face-quality,exposure,landmark-refiner,landmark-error,eyes-and-mouth,head-pose-mesh,head-pose-five,mesh-crop,small-faces,ibug68,mediapipe-decoding}.test.ts',
        '**/test/unit/{batching,photo-traffic,address-policy,image-format,image-input,mxface-contract,config,docs}.test.ts',
        '**/test/unit/{one-euro-filter,face-tracker,video-probe,scene-cut,face-smoother,face-following,video-segments,video-job,decoder-protocol,people}.test.ts',
      ],
      // Mutants are judged by the tests, not by the compiler: transpile only (also what makes a run fast).
      transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }] },
    },
    // Each mutant runs only the test files that import its module (through jest's dependency graph),
    // not every listed file filtered by test name: 36 mutants of one-euro-filter.ts in 10 s, not 68.
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // Reruns only mutants whose code or tests changed since the last run. The file is committed, so a
  // fresh checkout (and CI) reruns only what a change touched; commit it after a run.
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'test-output', 'reports', 'web/dist', '.stryker-tmp'],
};
