/**
 * What an offline program run records (offline/mocks.ts fills it): the
 * registered resources and invokes, the mock identities and tokens, and Pulumi's secret
 * wrapper. Kept free of any Pulumi import, so that a test reading a cached run
 * (offline/run-stack.ts) does not load the SDK.
 */

/** The subscription, tenant and principal the mocks pretend to run as. */
export const MOCK_SUBSCRIPTION_ID = '00000000-0000-4000-8000-000000000001';
export const MOCK_TENANT_ID = '00000000-0000-4000-8000-000000000002';
export const MOCK_CLIENT_OBJECT_ID = '00000000-0000-4000-8000-000000000003';
export const MOCK_CLIENT_ID = '00000000-0000-4000-8000-000000000004';

/**
 * Every secret value the mocks make up starts with this marker, so a test can
 * prove that no secret leaks into printed output.
 */
export const MOCK_SECRET_MARKER = 'mock-secret-';

/**
 * A JWT-shaped mock token (the program checks a token's `exp - iat` before it
 * keeps it in the state: lib/token-lifetime.ts). The header segment carries
 * the marker and a label; the payload has `iat` and `exp`; no real signature.
 */
export function mockJwt(label: string, lifetimeSeconds: number): string {
  const iat = 1_796_083_200; // 2026-12-01T00:00:00Z
  const payload = Buffer.from(JSON.stringify({ iat, nbf: iat, exp: iat + lifetimeSeconds })).toString('base64url');
  return `${MOCK_SECRET_MARKER}${label}.${payload}.mock-signature`;
}

/** The Entra access token `getClientToken` answers: 75 minutes, the documented average. */
export const MOCK_ENTRA_ACCESS_TOKEN = mockJwt('entra-access-token', 75 * 60);

/** The ACR refresh token the registry's `/oauth2/exchange` answers: 3 hours. */
export const MOCK_ACR_REFRESH_TOKEN = mockJwt('acr-refresh-token', 3 * 60 * 60);

/**
 * One `aliases` entry of a resource, as the SDK hands it to the engine: a whole
 * URN, or a spec whose empty fields mean "as the resource" (offline/aliases.ts
 * computes the old URNs the way the engine does).
 */
export interface RecordedAlias {
  urn?: string;
  name?: string;
  type?: string;
  parentUrn?: string;
  noParent?: boolean;
}

/** One registered resource, as the engine saw it. */
export interface RecordedResource {
  urn: string;
  /**
   * The azure-native (or other) type, e.g. `azure-native:containerregistry:Registry`. A type
   * created on a pinned API version registers through a parameterized package under another
   * token (see {@link token}); rules, prices and tests key on this canonical form.
   */
  type: string;
  /** The type token as registered, e.g. `azure-native_containerregistry_v20251101:containerregistry:Registry`. */
  token: string;
  name: string;
  /** true for cloud resources, false for components. */
  custom: boolean;
  /** Parent URN ('' for top-level resources). */
  parent: string;
  /** Explicit and implicit dependencies (URNs). */
  dependencies: string[];
  /** Per input property, the URNs it depends on. */
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  /** The resource's `aliases` option (what it was called before a move or rename). */
  aliases: RecordedAlias[];
  /** Provider reference (`urn::id`) for custom resources with an explicit provider. */
  provider: string;
  /** The package reference it was registered with ('' for a package registered by name, see {@link RecordedPackage}). */
  packageRef: string;
  /** Inputs as the provider receives them; secrets keep Pulumi's secret wrapper (see {@link isSecretValue}). */
  inputs: Record<string, unknown>;
  /** Inputs plus what the cloud computes (ids, FQDNs, identities...). */
  state: Record<string, unknown>;
  id: string;
}

/** One parameterized package the program registered (`RegisterPackage`). */
export interface RecordedPackage {
  /** Base provider plugin and version, e.g. `azure-native` `3.28.0`. */
  baseProviderName: string;
  baseProviderVersion: string;
  /** The parameterized package, e.g. `azure-native_containerregistry_v20251101`. */
  name: string;
  version: string;
  /** The parameter value bytes, as text (azure-native: base64 of `{"module","version"}`). */
  value: string;
  /** The reference the monitor answered. */
  ref: string;
}

/** One invoke (function call) the program made. */
export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** True for a value wrapped as a secret in recorded inputs or state. */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Wraps a value the way the engine marks secrets. */
export function secretValue<T>(value: T): { value: T } {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value } as unknown as { value: T };
}

/** Removes secret wrappers (for assertions on plain values). */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** What one offline run registered. */
export class OfflineRecorder {
  readonly resources: RecordedResource[] = [];
  readonly calls: RecordedCall[] = [];
  readonly packages: RecordedPackage[] = [];

  /** Every resource of a type token, e.g. `azure-native:containerservice:ManagedCluster`. */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The single resource of a type (optionally with a given Pulumi name); throws when not exactly one. */
  one(type: string, name?: string): RecordedResource {
    const matches = this.ofType(type).filter((r) => name === undefined || r.name === name);
    if (matches.length !== 1) {
      const have = this.ofType(type).map((r) => r.name);
      throw new Error(`expected one ${type}${name ? ` named ${name}` : ''}, found ${matches.length} (registered: ${have.join(', ') || 'none'})`);
    }
    return matches[0];
  }

  /** A resource by URN. */
  byUrn(urn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.urn === urn);
  }

  /** The direct children of a resource. */
  childrenOf(urn: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }
}
