/**
 * The platform built through the `PlatformStack` facade (provider/platform-stack.ts: what the
 * source-based package serves to programs in other languages) instead of stack.ts, for
 * `runStack`'s `facade` option (./run-stack.ts): the facade gets a stack file's `aks-platform:*`
 * values as its args, as a program in another language would pass them, and reads no Pulumi
 * config. Loaded only by such a run, and by test/provider.test.ts for the args.
 */
import { CONFIG_NAMESPACE } from '../config/schema';
import type { PlatformStack, PlatformStackConfigArgs } from '../provider/platform-stack';

/** The facade's args whose values are plain text in a stack file (the others are JSON). */
const TEXT_KEYS = new Set(['environment', 'location', 'prefix']);

/** The `aks-platform:*` values of a flattened stack config (offline/stack-config.ts), parsed the way Pulumi hands them to a program. */
export function platformStackArgs(values: Record<string, string>): PlatformStackConfigArgs {
  const out: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(values)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    out[key] = TEXT_KEYS.has(key) ? raw : JSON.parse(raw);
  }
  return out as unknown as PlatformStackConfigArgs;
}

/** Constructs the facade, named `platform`, with `values`' args. */
export async function buildPlatformStack(values: Record<string, string>): Promise<PlatformStack> {
  const { PlatformStack } = await import('../provider/platform-stack');
  return new PlatformStack('platform', platformStackArgs(values));
}
