/**
 * What provider/index.ts hands to `componentProviderHost`, in a module of its
 * own so the tests can build the same provider without starting the server.
 * The identity part lives in provider/package-options.ts (the type-check lane
 * infers the schema from it without loading the components).
 */
import { packageOptions } from './package-options';
import { PlatformStack } from './platform-stack';

/** Options of the component provider host (the SDK's type plus `version`, which the host reads). */
export const hostOptions = {
  ...packageOptions,
  /** Served components: only the facade (see docs/consuming.md §3); their names are package-options.ts's `componentNames`. */
  components: [PlatformStack],
};
