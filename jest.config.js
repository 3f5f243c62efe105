/**
 * One jest run covers the whole repository, split into projects so that a
 * developer can run one part: `npx jest --selectProjects infra`.
 *  - infra:  the Pulumi program and components under mocks, chart rendering,
 *            policy pack, offline plan, workflow checks (test/**).
 *  - apps:   the api, agent and frontend against real servers (apps/* /test/**).
 *
 * Tests are transpiled by SWC (@swc/jest), which strips types without checking
 * them: every test file is type-checked by tsc instead, once per `npm test`
 * (scripts/test.sh: the root tsconfig.json covers test/**, apps/tsconfig.json
 * the apps' tests with their sources).
 */

const { swcOptions } = require('./scripts/swc-options.cjs');

/** @swc/jest with the repository's SWC options (scripts/swc-options.cjs), source maps inline for jest's stack traces. */
function swc(syntax) {
  return ['@swc/jest', swcOptions({ tsx: syntax === 'tsx', sourceMaps: 'inline' })];
}

/**
 * Two workers on the 2-core machines this runs on (jest's default is one
 * fewer than the cores, i.e. one); many test files wait on servers and child
 * processes, so two keep both cores busy. `npm test` (scripts/test.sh) sets
 * JEST_MAX_WORKERS: three once tsc's build info exists and its typecheck lane
 * no longer takes a core of its own for most of the run.
 */
const maxWorkers = process.env.JEST_MAX_WORKERS ?? 2;

/**
 * Per clone, with the clone's other caches (jest's default is one directory
 * in the system's temp for every clone): transforms and the haste map are
 * kept for the next run, and a fresh clone starts cold, as CI does.
 */
const cacheDirectory = '<rootDir>/node_modules/.cache/jest';

/**
 * jest-runtime with V8's code cache shared by the test files of a worker: each
 * file still loads every module afresh, but no longer parses it afresh.
 */
const runtime = '<rootDir>/test/support/code-cache-runtime.cjs';

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers,
  // Long files first, from jest's last run or, on a fresh clone, test/support/test-durations.json.
  testSequencer: '<rootDir>/test/support/sequencer.js',
  projects: [
    {
      displayName: 'infra',
      // Node's environment plus a per-worker store: the files of a worker share their
      // offline program runs (offline/run-stack.ts).
      testEnvironment: '<rootDir>/test/support/environment.ts',
      cacheDirectory,
      runtime,
      // The Pulumi SDK's modules an offline run does not use load when first used (test/support/lazy/).
      resolver: '<rootDir>/test/support/lazy/resolver.cjs',
      // The run's program-run server: every offline program run in one Node process (offline/run-server.ts).
      globalSetup: '<rootDir>/test/support/program-runs-setup.ts',
      globalTeardown: '<rootDir>/test/support/program-runs-teardown.ts',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': swc('ts') },
    },
    {
      displayName: 'apps',
      // Node's, with each file's CPU recorded for `npm run test:profile`.
      testEnvironment: '<rootDir>/apps/common/test-support/environment.ts',
      cacheDirectory,
      runtime,
      roots: ['<rootDir>/apps'],
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      // Tests run the shared library from source (no build needed between edits).
      moduleNameMapper: { '^@aks-platform/common$': '<rootDir>/apps/common/src/index.ts' },
      // One PostgreSQL server for the run; each test file gets its own database (postgresDatabase()).
      globalSetup: '<rootDir>/apps/common/test-support/global-setup.ts',
      globalTeardown: '<rootDir>/apps/common/test-support/global-teardown.ts',
      transform: { '^.+\\.ts$': swc('ts'), '^.+\\.tsx$': swc('tsx') },
    },
  ],
};
