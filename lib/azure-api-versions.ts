/**
 * Azure REST API versions as data: which resource types the platform creates
 * on an API version other than `@pulumi/azure-native`'s default, and the
 * facts behind each choice (checked 2026-12-01).
 *
 * Why: azure-native 3.x creates some types with a *preview* API version
 * although Azure has stable ones (the issue's "no preview API version where a
 * stable one exists"). Version 3 ships one API version per type; any other
 * version the provider knows is served by a *parameterized* package — what
 * `pulumi package add azure-native <module> <version>` generates. That package
 * is thin: it registers the parameterization with the engine (`RegisterPackage`)
 * and creates resources whose type token is
 * `azure-native_<module>_<vYYYYMMDD>:<module>:<Resource>`. The provider plugin
 * is the same azure-native binary; it answers the parameter by serving the
 * requested version of the module from its full schema.
 *
 * Facts about azure-native's parameterization (source: pulumi/pulumi-azure-native
 * `provider/pkg/provider/provider_parameterize.go`, read 2026-12-01):
 *  - the parameter is `{"module": "<module>", "version": "<vYYYYMMDD>"}` as JSON,
 *    base64-encoded; those base64 bytes are the parameterization *value*;
 *  - the package name is `azure-native_<module>_<vYYYYMMDD>` and its version is
 *    the base provider's version;
 *  - resource tokens are `<package>:<module>:<Resource>` (the module carries no
 *    version any more);
 *  - a version the provider's schema does not have is refused ("no resources
 *    found for module … Available API versions: …"), so only versions azure-native
 *    itself lists can be pinned.
 *
 * Pure data and pure functions: the component code (components/pinned-api/),
 * the policy pack, the offline mocks and the tests all read this one table.
 */

/** When the facts below were checked. */
export const API_VERSIONS_CHECKED = '2026-12-01';

/** The azure-native provider the parameterized packages are based on (package.json pins `^3.28.0`; the lock resolves 3.28.0). */
export const AZURE_NATIVE_BASE = { name: 'azure-native', version: '3.28.0' } as const;

/** One resource type created on a pinned API version. */
export interface PinnedApiVersion {
  /** azure-native module, e.g. `containerregistry`. */
  module: string;
  /** Resource name inside the module, e.g. `Registry`. */
  resource: string;
  /** ARM resource type, e.g. `Microsoft.ContainerRegistry/registries`. */
  armType: string;
  /** The API version the platform creates it with (stable). */
  apiVersion: string;
  /** azure-native 3.28.0's default API version for the type (what `@pulumi/azure-native/<module>` would send). */
  providerDefault: string;
  /** Stable API versions azure-native 3.28.0's schema has for the type (can be pinned). */
  stableInProvider: string[];
  /** Stable API versions in Azure's REST API specs (some newer than the provider carries). */
  stableInSpecs: string[];
  /** Why this version. */
  reason: string;
  /** Where the facts come from. */
  source: string;
}

/**
 * The pinned types, keyed by the azure-native type token. azure-native's facts
 * come from the installed SDK's own doc comment of each type ("Uses Azure REST
 * API version …", "Other available API versions: …"; a test re-reads them so
 * this table cannot go stale silently).
 */
export const PINNED_API_VERSIONS: Record<string, PinnedApiVersion> = {
  'azure-native:containerregistry:Registry': {
    module: 'containerregistry',
    resource: 'Registry',
    armType: 'Microsoft.ContainerRegistry/registries',
    apiVersion: '2025-11-01',
    providerDefault: '2023-01-01-preview',
    stableInProvider: ['2021-09-01', '2022-12-01', '2023-07-01', '2025-04-01', '2025-11-01'],
    stableInSpecs: ['2021-09-01', '2022-12-01', '2023-07-01', '2025-04-01', '2025-11-01'],
    reason:
      'the newest stable version; it has every property the registry sets (admin user, anonymous pull, data endpoint, zone redundancy, network rules and bypass, export and retention policies), and it is the version of the pinned @azure/arm-containerregistry 11.0.0 model the ARM contract test checks against',
    source:
      '@pulumi/azure-native 3.28.0 containerregistry/registry.d.ts; Azure/azure-rest-api-specs specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/{2025-04-01,2025-11-01}/containerregistry.json',
  },
  'azure-native:containerregistry:Replication': {
    module: 'containerregistry',
    resource: 'Replication',
    armType: 'Microsoft.ContainerRegistry/registries/replications',
    apiVersion: '2025-11-01',
    providerDefault: '2024-11-01-preview',
    stableInProvider: ['2021-09-01', '2022-12-01', '2023-07-01', '2025-04-01', '2025-11-01'],
    stableInSpecs: ['2021-09-01', '2022-12-01', '2023-07-01', '2025-04-01', '2025-11-01'],
    reason: 'the same version as its registry (geo-replicas of the regional stamps: location, zone redundancy, regional endpoint)',
    source:
      '@pulumi/azure-native 3.28.0 containerregistry/replication.d.ts; Azure/azure-rest-api-specs specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/Registry/stable/2025-11-01/containerregistry.json',
  },
  'azure-native:monitor:ActionGroup': {
    module: 'monitor',
    resource: 'ActionGroup',
    armType: 'Microsoft.Insights/actionGroups',
    apiVersion: '2022-06-01',
    providerDefault: '2024-10-01-preview',
    stableInProvider: ['2018-03-01', '2022-06-01'],
    stableInSpecs: ['2017-04-01', '2018-03-01', '2019-03-01', '2019-06-01', '2021-09-01', '2022-06-01', '2023-01-01'],
    reason:
      'the newest stable version azure-native 3.28.0 carries (2023-01-01 is stable in the specs but not in the provider\'s schema, so it cannot be pinned through the provider); it has everything the action group sets (short name, enabled, e-mail and webhook receivers with the common alert schema)',
    source:
      '@pulumi/azure-native 3.28.0 monitor/actionGroup.d.ts; Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/stable/{2022-06-01,2023-01-01}/actionGroups_API.json',
  },
};

/**
 * Types that have no stable API version at all, so their preview version is
 * allowed. The program test fails on any other preview version, and on an
 * entry here once azure-native lists a stable version for it.
 */
export const PREVIEW_ONLY_TYPES: Record<string, { apiVersion: string; source: string }> = {
  'azure-native:monitor:DiagnosticSetting': {
    apiVersion: '2021-05-01-preview',
    source:
      'Microsoft.Insights/diagnosticSettings has only preview versions in Azure/azure-rest-api-specs (2017-05-01-preview, 2021-05-01-preview; the stable serviceDiagnosticsSettings API is a different, legacy resource); @pulumi/azure-native 3.28.0 monitor/diagnosticSetting.d.ts lists no other version',
  },
};

/** `2025-11-01` → `v20251101`; `2023-01-01-preview` → `v20230101preview` (azure-native's SDK version form). */
export function sdkVersion(apiVersion: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(-preview)?$/.exec(apiVersion);
  if (!match) throw new Error(`not an Azure API version: ${JSON.stringify(apiVersion)}`);
  return `v${match[1]}${match[2]}${match[3]}${match[4] ? 'preview' : ''}`;
}

/** `v20251101` → `2025-11-01` (inverse of {@link sdkVersion}). */
export function apiVersionOfSdkVersion(version: string): string {
  const match = /^v(\d{4})(\d{2})(\d{2})(preview)?$/.exec(version);
  if (!match) throw new Error(`not an azure-native SDK version: ${JSON.stringify(version)}`);
  return `${match[1]}-${match[2]}-${match[3]}${match[4] ? '-preview' : ''}`;
}

/** The parameterized package's name, e.g. `azure-native_containerregistry_v20251101`. */
export function parameterizedPackageName(module: string, apiVersion: string): string {
  return `${AZURE_NATIVE_BASE.name}_${module}_${sdkVersion(apiVersion)}`;
}

/** The type token a pinned type registers with, e.g. `azure-native_containerregistry_v20251101:containerregistry:Registry`. */
export function pinnedTypeToken(type: string): string {
  const pin = PINNED_API_VERSIONS[type];
  if (!pin) throw new Error(`${type} has no pinned API version (lib/azure-api-versions.ts)`);
  return `${parameterizedPackageName(pin.module, pin.apiVersion)}:${pin.module}:${pin.resource}`;
}

/**
 * The parameterization value azure-native expects: the base64 text of
 * `{"module":…,"version":…}` (Go's json.Marshal field order). The engine passes
 * these bytes to the provider's `Parameterize`, which base64-decodes and parses them.
 */
export function parameterValue(module: string, apiVersion: string): string {
  return Buffer.from(JSON.stringify({ module, version: sdkVersion(apiVersion) }), 'utf8').toString('base64');
}

/** Reads a parameterization value back (the provider's side of {@link parameterValue}). */
export function decodeParameterValue(value: string): { module: string; version: string } {
  const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as { module?: unknown; version?: unknown };
  if (typeof parsed.module !== 'string' || typeof parsed.version !== 'string') throw new Error(`not an azure-native parameter: ${value}`);
  return { module: parsed.module, version: parsed.version };
}

const PARAMETERIZED = /^azure-native_([a-z0-9]+)_(v\d{8}(?:preview)?):([a-z0-9]+):([A-Za-z0-9]+)$/;
const VERSIONED_MODULE = /^azure-native:([a-zA-Z0-9]+)\/(v\d{8}(?:preview)?):([A-Za-z0-9]+)$/;

/**
 * The azure-native type a token stands for, whichever package registered it:
 * `azure-native_containerregistry_v20251101:containerregistry:Registry` and
 * `azure-native:containerregistry/v20251101:Registry` → `azure-native:containerregistry:Registry`.
 * Other tokens are returned as they are. Rules, prices and mocks key on this form.
 */
export function canonicalType(type: string): string {
  // Called for every resource by every rule of the policy pack: the regular expressions run only
  // on a token that can match them (`azure-native_…`, or `azure-native:` with a `/`).
  if (type.startsWith('azure-native_')) {
    const parameterized = PARAMETERIZED.exec(type);
    if (parameterized) return `azure-native:${parameterized[3]}:${parameterized[4]}`;
  } else if (type.startsWith('azure-native:') && type.includes('/')) {
    const versioned = VERSIONED_MODULE.exec(type);
    if (versioned) return `azure-native:${versioned[1]}:${versioned[3]}`;
  }
  return type;
}

/** The API version a token names explicitly (parameterized package or versioned module), else undefined. */
export function explicitApiVersion(type: string): string | undefined {
  const version = PARAMETERIZED.exec(type)?.[2] ?? VERSIONED_MODULE.exec(type)?.[2];
  return version ? apiVersionOfSdkVersion(version) : undefined;
}

/** True for an Azure resource token of azure-native or one of its parameterized packages. */
export function isAzureNativeType(type: string): boolean {
  return type.startsWith('azure-native:') || PARAMETERIZED.test(type);
}
