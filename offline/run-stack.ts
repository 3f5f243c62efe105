/**
 * Runs the real program for one stack, offline: the stack's YAML becomes the
 * program's config, the mocks answer for Azure, and the result is every
 * registered resource plus the resolved stack outputs.
 */
import * as pulumi from '@pulumi/pulumi';
import { installMocks, OfflineRecorder, resolveOutput, settle } from './mocks';
import { readStackConfig } from './stack-config';
import type { Clock } from '../lib/aks-versions';

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
