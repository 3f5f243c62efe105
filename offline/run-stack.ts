/**
 * Runs the real program for one stack, offline: the stack's YAML becomes the
 * program's config, the mocks answer for Azure, and the result is every
 * registered resource plus the resolved stack outputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { installMocks, OfflineRecorder, resolveOutput, settle } from './mocks';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { readStackConfig, REPO_ROOT } from './stack-config';
import { recordTiming, timedAsync } from '../scripts/test-timings';
import type { Clock } from '../lib/aks-versions';

/** Where jest's infra environment (test/support/environment.ts) keeps the runs a worker shares. */
const SHARED_RUNS_GLOBAL = '__aksPlatformSharedStackRuns';

/** A stack output, resolved, and whether Pulumi would store it as a secret. */
export interface ResolvedOutput {
  value: unknown;
  secret: boolean;
}

/** What one offline run produced. */
export interface StackRun {
  stack: string;
  recorder: OfflineRecorder;
  outputs: Record<string, ResolvedOutput>;
}

/** Options for {@link runStack}. */
export interface RunStackOptions {
  /** Config values that replace or add to the YAML, in Pulumi `--path` form: `aks-platform:registry.sku`. */
  overrides?: Record<string, unknown>;
  /** A config file other than `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** The clock the program reads the AKS version calendar with; default the system clock. Tests pass a fixed date. */
  clock?: Clock;
}

/**
 * Runs `createStack()` for `stack` under mocks. Throws what the program throws
 * (a bad config is a `pulumi.RunError` naming the key) — in that case the
 * recorder given to `onRecorder` shows that nothing was registered.
 */
export async function runStack(stack: string, options: RunStackOptions = {}, onRecorder?: (recorder: OfflineRecorder) => void): Promise<StackRun> {
  const shared = (globalThis as Record<string, unknown>)[SHARED_RUNS_GLOBAL] as Map<string, Promise<StackRun>> | undefined;
  if (!shared || onRecorder) return timedAsync('pulumi program run', () => run(stack, options, onRecorder));
  // Under jest's infra environment (test/support/environment.ts) the test files of one worker
  // share the runs: same stack, config file content and overrides, same program, same result.
  const configPath = options.configFile ?? path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  const configText = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
  // The program reads the AKS version calendar through the clock: a given clock is part of the key
  // (a fixed one shares, a moving one never does); the system clock counts by the day, the
  // calendar's unit.
  const date = options.clock ? options.clock().toISOString() : new Date().toISOString().slice(0, 10);
  const key = JSON.stringify([stack, configPath, configText, options.overrides ?? {}, date]);
  let pending = shared.get(key);
  if (pending) {
    recordTiming('pulumi program run (shared)', 0);
  } else {
    pending = timedAsync('pulumi program run', () => run(stack, options)).then(deepFreeze);
    shared.set(key, pending);
  }
  return pending;
}

/**
 * A shared run is read-only: a test that changed it would change what other test files see,
 * so any change throws instead.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

async function run(stack: string, options: RunStackOptions, onRecorder?: (recorder: OfflineRecorder) => void): Promise<StackRun> {
  const config = readStackConfig(stack, options.overrides, options.configFile);
  const recorder = installMocks({ project: 'aks-platform', stack });
  onRecorder?.(recorder);
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  // Imported here, after the mocks, as Pulumi's testing guide asks.
  const { createStack } = await import('../stack');
  const exported = createStack({ clock: options.clock }) as Record<string, unknown>;
  const outputs: Record<string, ResolvedOutput> = {};
  for (const [key, value] of Object.entries(exported)) {
    outputs[key] = await resolveOutput(value as pulumi.Input<unknown>);
  }
  await settle();
  return { stack, recorder, outputs };
}
