/**
 * jest test environment of the infra project (jest.config.js): the apps'
 * (apps/common/test-support/environment.ts: Node's, with each file's CPU
 * recorded for `npm run test:profile` and the AsyncLocalStorage instances it
 * turned on, the Pulumi SDK's among them, disabled when it ends), plus one store per jest worker that
 * outlives a test file, so that the files run by one worker share their
 * offline program runs (offline/run-stack.ts, which also shares them with the
 * other workers and the next run through its cache directory), and one copy of
 * the kubernetes-models classes the chart tests validate rendered objects with
 * (./manifest-models.cjs). This module is
 * loaded once per worker; each test file gets a new environment and a new
 * module registry, but the same store.
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import TimedEnvironment from '../../apps/common/test-support/environment';
import { installCheapSdkStacks } from './sdk-stacks';

/** The global that offline/run-stack.ts looks for. */
export const SHARED_RUNS_GLOBAL = '__aksPlatformSharedStackRuns';

/** The serialized runs by key. */
const store: { runs: Map<string, Promise<Buffer>> } = { runs: new Map() };

/** The worker's one copy of the kubernetes-models classes for test/support/chart.ts (./manifest-models.cjs; each class loads when first used). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifestModels = require('./manifest-models.cjs') as { MANIFEST_MODELS_GLOBAL: string; problemOfJson(json: string): string | null | undefined };

export default class InfraEnvironment extends TimedEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.global[SHARED_RUNS_GLOBAL] = store;
    // Strings in, a string or null out: nothing of the worker's realm reaches the file's (./manifest-models.cjs).
    this.global[manifestModels.MANIFEST_MODELS_GLOBAL] = manifestModels.problemOfJson;
    // The Pulumi SDK's stack reads for its own bookkeeping skip jest's source maps (./sdk-stacks.ts).
    installCheapSdkStacks(this.global);
  }
}
