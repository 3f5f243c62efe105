/**
 * The provider's identity and the names of the components it serves: what
 * Pulumi's schema inference reads of the host's options (provider/host-options.ts),
 * in a module that loads no component, so that the type-check lane infers the
 * schema without loading the program (scripts/provider-schema.ts).
 */
import * as path from 'path';
import rootPackage from '../package.json';

/** The options of `componentProviderHost` other than the component classes. */
export const packageOptions = {
  /** Package name, so type tokens are `aks-platform:index:<Class>`: the root package.json name. */
  name: rootPackage.name,
  /** Schema version: the library's version. */
  version: rootPackage.version,
  /** Where the schema inference starts: provider/package.json, provider/tsconfig.json, provider/index.ts. */
  dirname: path.resolve(__dirname),
};

/**
 * The class names of provider/host-options.ts's `components`, in its order: only the facade
 * (see docs/consuming.md §3). test/provider.test.ts fails when the two lists differ.
 */
export const componentNames: readonly string[] = ['PlatformStack'];
