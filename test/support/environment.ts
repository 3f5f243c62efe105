/**
 * jest test environment of the infra project (jest.config.js): Node's, plus one
 * store per jest worker that outlives a test file, so that the files run by one
 * worker share their offline program runs (offline/run-stack.ts) instead of
 * running the same stack program with the same config again. This module is
 * loaded once per worker; each test file gets a new environment and a new
 * module registry, but the same store.
 */
import { TestEnvironment } from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';

/** The global that offline/run-stack.ts looks for. */
export const SHARED_RUNS_GLOBAL = '__aksPlatformSharedStackRuns';

const sharedRuns = new Map<string, Promise<unknown>>();

export default class InfraEnvironment extends TestEnvironment {
  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.global[SHARED_RUNS_GLOBAL] = sharedRuns;
  }
}
