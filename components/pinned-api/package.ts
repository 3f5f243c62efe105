/**
 * The parameterized azure-native packages the platform registers resources
 * with: what `pulumi package add azure-native <module> <version>` would
 * generate as its `getPackage()`, written out for the few pinned types
 * (lib/azure-api-versions.ts) so that no generated SDK and no Pulumi CLI step
 * is needed to build or test the program.
 */
import * as pulumi from '@pulumi/pulumi';
import { getVersion } from '@pulumi/azure-native/utilities';
import { AZURE_NATIVE_BASE, PINNED_API_VERSIONS, parameterValue, parameterizedPackageName, pinnedTypeToken } from '../../lib/azure-api-versions';

/** What {@link pinnedPackageRef} registers for a pinned type (also what the tests compare with). */
export interface PinnedPackage {
  /** The base provider plugin: `azure-native` at the installed SDK's version. */
  baseProviderName: string;
  baseProviderVersion: string;
  /** The parameterized package, e.g. `azure-native_containerregistry_v20251101`, at the same version. */
  packageName: string;
  packageVersion: string;
  /** The parameter value azure-native's `Parameterize` reads (base64 of `{"module","version"}`). */
  value: string;
}

/** The package a pinned azure-native type (e.g. `azure-native:containerregistry:Registry`) is registered through. */
export function pinnedPackage(type: string): PinnedPackage {
  const pin = PINNED_API_VERSIONS[type];
  if (!pin) throw new Error(`${type} has no pinned API version (lib/azure-api-versions.ts)`);
  // The plugin that serves the parameterized package is the azure-native plugin the program already uses.
  const version = getVersion();
  return {
    baseProviderName: AZURE_NATIVE_BASE.name,
    baseProviderVersion: version,
    packageName: parameterizedPackageName(pin.module, pin.apiVersion),
    packageVersion: version,
    value: parameterValue(pin.module, pin.apiVersion),
  };
}

/**
 * Registers the parameterized package of a pinned type with the engine and
 * returns its package reference (the runtime caches one registration per package).
 */
export function pinnedPackageRef(type: string): Promise<string | undefined> {
  const pkg = pinnedPackage(type);
  return pulumi.runtime.registerPackage({
    baseProviderName: pkg.baseProviderName,
    baseProviderVersion: pkg.baseProviderVersion,
    baseProviderDownloadUrl: '',
    packageName: pkg.packageName,
    packageVersion: pkg.packageVersion,
    // registerPackage base64-decodes this into the value bytes, which are themselves base64 text.
    base64Parameter: Buffer.from(pkg.value, 'utf8').toString('base64'),
  });
}

/**
 * A resource of a pinned azure-native type, registered through its parameterized
 * package: azure-native's own defaults for the type, then the set args, then the
 * outputs (as unknown inputs, like generated code). It aliases the azure-native
 * type, so a resource created with the provider's default API version keeps its
 * identity (no replace).
 */
export abstract class PinnedResource extends pulumi.CustomResource {
  protected constructor(
    type: string,
    name: string,
    defaults: pulumi.Inputs,
    args: object,
    outputs: readonly string[],
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const inputs: pulumi.Inputs = {
      ...defaults,
      ...Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)),
      ...Object.fromEntries(outputs.map((o) => [o, undefined])),
    };
    super(pinnedTypeToken(type), name, inputs, pulumi.mergeOptions(opts, { aliases: [{ type }] }), false, pinnedPackageRef(type));
  }
}
