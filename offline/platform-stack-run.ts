/**
 * The platform built through the `PlatformStack` facade (provider/platform-stack.ts: what the
 * source-based package serves to programs in other languages) instead of stack.ts, for
 * `runStack`'s `facade` option (./run-stack.ts): the facade gets a stack file's `aks-platform:*`
 * values as its args, as a program in another language would pass them, and reads no Pulumi
 * config. Loaded only by such a run, and by test/provider.test.ts for the args.
 */
import { configValuesFromPulumiConfig } from '../config/validate';
import type { PlatformStack, PlatformStackConfigArgs } from '../provider/platform-stack';

/** The `aks-platform:*` values of a flattened stack config (offline/stack-config.ts), parsed the way Pulumi hands them to a program. */
export function platformStackArgs(values: Record<string, string>): PlatformStackConfigArgs {
  return configValuesFromPulumiConfig(values) as unknown as PlatformStackConfigArgs;
}

/** Constructs the facade, named `platform`, with `values`' args. */
export async function buildPlatformStack(values: Record<string, string>): Promise<PlatformStack> {
  const { PlatformStack } = await import('../provider/platform-stack');
  return new PlatformStack('platform', platformStackArgs(values));
}
