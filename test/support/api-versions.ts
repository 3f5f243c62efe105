/**
 * The Azure REST API version an azure-native resource type is created with,
 * read from the installed SDK's own documentation of the type ("Uses Azure
 * REST API version …", "Other available API versions: …").
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { canonicalType, explicitApiVersion } from '../../lib/azure-api-versions';

export interface ApiVersionInfo {
  /** The version the SDK's type uses. */
  used: string;
  /** The other versions the provider can use (through a generated local SDK). */
  others: string[];
}

const SDK = path.dirname(require.resolve('@pulumi/azure-native/package.json'));

/**
 * A type token → its API versions; undefined for non-azure-native types. A token of a
 * parameterized package (`azure-native_containerregistry_v20251101:containerregistry:Registry`)
 * uses the version it names; the others are the SDK's default plus its other versions.
 */
export function apiVersionsOf(token: string): ApiVersionInfo | undefined {
  const sdk = sdkApiVersionsOf(canonicalType(token));
  const explicit = explicitApiVersion(token);
  if (!sdk || !explicit) return sdk;
  return { used: explicit, others: [sdk.used, ...sdk.others].filter((v) => v !== explicit).sort() };
}

/** The installed SDK's own statement for `azure-native:<module>:<Resource>`: default version and the others. */
export function sdkApiVersionsOf(type: string): ApiVersionInfo | undefined {
  const match = /^azure-native:([a-zA-Z0-9]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [, module, resource] = match;
  let file = path.join(SDK, module, `${resource[0].toLowerCase()}${resource.slice(1)}.d.ts`);
  // Acronym-led names are lowercased as a whole (cdn AFDEndpoint -> afdendpoint.d.ts): match case-insensitively.
  if (!existsSync(file) && existsSync(path.join(SDK, module))) {
    const found = readdirSync(path.join(SDK, module)).find((f) => f.toLowerCase() === `${resource.toLowerCase()}.d.ts`);
    if (found) file = path.join(SDK, module, found);
  }
  if (!existsSync(file)) throw new Error(`no SDK declaration for ${type} at ${file}`);
  const text = readFileSync(file, 'utf8');
  const used = /Uses Azure REST API version ([0-9]{4}-[0-9]{2}-[0-9]{2}(?:-preview)?)/.exec(text)?.[1];
  if (!used) throw new Error(`${type}: the SDK does not state its API version`);
  const others = /Other available API versions: ([^.]*)\./.exec(text)?.[1].split(',').map((v) => v.trim()) ?? [];
  return { used, others };
}

/** True when the version is a preview. */
export function isPreview(apiVersion: string): boolean {
  return apiVersion.endsWith('-preview');
}

/** True when the type uses a preview API version although the provider offers a stable one. */
export function previewWhereStableExists(info: ApiVersionInfo): boolean {
  return info.used.endsWith('-preview') && info.others.some((v) => !v.endsWith('-preview'));
}
