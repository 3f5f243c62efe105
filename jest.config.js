/**
 * One jest run covers the whole repository, split into projects so that a
 * developer can run one part: `npx jest --selectProjects infra`.
 *  - infra:  the Pulumi program and components under mocks, chart rendering,
 *            policy pack, offline plan, workflow checks (test/**).
 *  - apps:   the api, agent and frontend against real servers (apps/* /test/**).
 */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'infra',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'apps',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps'],
      testMatch: ['**/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
      // Tests run the shared library from source (no build needed between edits).
      moduleNameMapper: { '^@aks-platform/common$': '<rootDir>/apps/common/src/index.ts' },
      transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/apps/tsconfig.test.json' }] },
    },
  ],
};
