/**
 * Azure resource naming, after the Cloud Adoption Framework convention
 * `<abbreviation>-<workload>-<environment>-<region>`. Pure functions, so the
 * rules can be tested with tables and reused by other programs.
 */
import { createHash } from 'crypto';

/** Short codes for the Azure regions the platform supports; the keys are also the allowed `location` values. */
export const REGION_SHORT_NAMES: Readonly<Record<string, string>> = {
  australiaeast: 'aue',
  brazilsouth: 'brs',
  canadacentral: 'cac',
  centralindia: 'inc',
  centralus: 'cus',
  eastasia: 'ea',
  eastus: 'eus',
  eastus2: 'eus2',
  francecentral: 'frc',
  germanywestcentral: 'gwc',
  italynorth: 'itn',
  japaneast: 'jpe',
  koreacentral: 'krc',
  northeurope: 'neu',
  norwayeast: 'noe',
  polandcentral: 'plc',
  southafricanorth: 'san',
  southcentralus: 'scus',
  southeastasia: 'sea',
  spaincentral: 'spc',
  swedencentral: 'sdc',
  switzerlandnorth: 'szn',
  uksouth: 'uks',
  westeurope: 'weu',
  westus2: 'wus2',
  westus3: 'wus3',
};

/** CAF abbreviations for the resource kinds the platform names. */
export const KIND_ABBREVIATIONS = {
  resourceGroup: 'rg',
  virtualNetwork: 'vnet',
  subnet: 'snet',
  networkSecurityGroup: 'nsg',
  privateEndpoint: 'pe',
  kubernetesCluster: 'aks',
  logAnalytics: 'log',
  containerRegistry: 'cr',
  keyVault: 'kv',
  postgres: 'psql',
  redis: 'redis',
  managedIdentity: 'id',
  routeTable: 'rt',
  publicIp: 'pip',
  firewall: 'afw',
  firewallPolicy: 'afwp',
} as const;

export type ResourceKind = keyof typeof KIND_ABBREVIATIONS;

/** The parts every name is built from. */
export interface NameParts {
  /** Workload prefix, lowercase letters and digits (e.g. `aksplat`). */
  prefix: string;
  /** Environment (e.g. `dev`, `prod`). */
  environment: string;
  /** Azure region (e.g. `westeurope`). */
  location: string;
  /**
   * Short lowercase suffix that makes globally unique names (registry, vault,
   * Postgres, Redis) unique across tenants, e.g. a hash of the stack's identity.
   */
  uniqueSuffix: string;
}

/** Region short code; throws for a region not in {@link REGION_SHORT_NAMES}. */
export function regionShortName(location: string): string {
  const short = REGION_SHORT_NAMES[location];
  if (!short) {
    throw new Error(`location "${location}" is not supported; allowed: ${Object.keys(REGION_SHORT_NAMES).join(', ')}`);
  }
  return short;
}

/** `rg-aksplat-prod-weu`, optionally with a qualifier: `snet-aksplat-prod-weu-nodes`. */
export function resourceName(parts: NameParts, kind: ResourceKind, qualifier?: string): string {
  const segments = [KIND_ABBREVIATIONS[kind], parts.prefix, parts.environment, regionShortName(parts.location)];
  if (qualifier) segments.push(qualifier);
  return segments.join('-');
}

/** Maximum lengths and alphabets of names that must be unique across Azure. */
const GLOBAL_NAME_RULES = {
  containerRegistry: { max: 50, hyphens: false },
  keyVault: { max: 24, hyphens: true },
  postgres: { max: 63, hyphens: true },
  redis: { max: 60, hyphens: true },
} as const;

export type GlobalResourceKind = keyof typeof GLOBAL_NAME_RULES;

/**
 * Names for resources whose name is part of a public DNS name and so must be
 * unique across Azure: the unique suffix is appended and the result fits the
 * service's limits. The suffix is never truncated (it is what makes the name unique);
 * the prefix part is shortened instead.
 */
export function globalResourceName(parts: NameParts, kind: GlobalResourceKind): string {
  const rule = GLOBAL_NAME_RULES[kind];
  const separator = rule.hyphens ? '-' : '';
  const head = [KIND_ABBREVIATIONS[kind], parts.prefix, parts.environment, regionShortName(parts.location)].join(separator);
  const room = rule.max - parts.uniqueSuffix.length - separator.length;
  const trimmed = head.slice(0, room).replace(/-+$/, '');
  return `${trimmed}${separator}${parts.uniqueSuffix}`;
}

/** A stable 6-character suffix derived from an identity string such as `org/project/stack`. */
export function uniqueSuffixFor(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 6);
}
