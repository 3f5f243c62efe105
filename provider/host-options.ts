/**
 * What provider/index.ts hands to `componentProviderHost`, in a module of its
 * own so the tests can build the same provider without starting the server.
 */
import * as path from 'path';
import rootPackage from '../package.json';
import { PlatformStack } from './platform-stack';

/** Options of the component provider host (the SDK's type plus `version`, which the host reads). */
export const hostOptions = {
  /** Package name, so type tokens are `aks-platform:index:<Class>`: the root package.json name. */
  name: rootPackage.name,
  /** Schema version: the library's version. */
  version: rootPackage.version,
  /** Served components: only the facade (see docs/consuming.md §3). */
  components: [PlatformStack],
  /** Where the schema inference starts: provider/package.json, provider/tsconfig.json, provider/index.ts. */
  dirname: path.resolve(__dirname),
};
