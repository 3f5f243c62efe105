/**
 * Entry point of the source-based Pulumi package (PulumiPlugin.yaml at the
 * repository root points here). `pulumi package add` runs it to read the
 * schema; a consuming program's deployment runs it to construct components.
 *
 * Only the `PlatformStack` facade is served: the library components in
 * components/ take argument types that Pulumi's schema inference cannot
 * express (see docs/consuming.md).
 */
import { componentProviderHost } from '@pulumi/pulumi/provider/experimental';
import { hostOptions } from './host-options';

componentProviderHost(hostOptions).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
