/**
 * Rules for the container registry arguments: which features need which SKU.
 */
import { ArgProblem } from './problems';

/** Registry SKUs. */
export const REGISTRY_SKUS = ['Basic', 'Standard', 'Premium'] as const;
export type RegistrySku = (typeof REGISTRY_SKUS)[number];

/** Days an untagged manifest is kept under a retention policy; 0 (or unset) means no retention policy. */
export const RETENTION_DAYS_RANGE = { min: 1, max: 365 } as const;

/** The plain (known) values of the registry arguments the rules look at. */
export interface RegistryPlainArgs {
  sku?: string;
  privateEndpoint?: boolean;
  zoneRedundancy?: boolean;
  untaggedRetentionDays?: number;
}

/**
 * Problems with a registry configuration: the SKU must be one of
 * {@link REGISTRY_SKUS}; a private endpoint, zone redundancy and a retention
 * policy for untagged manifests are Premium features; retention days are 0
 * (no policy) or an integer in {@link RETENTION_DAYS_RANGE}.
 */
export function registryArgProblems(args: RegistryPlainArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (args.sku !== undefined && !(REGISTRY_SKUS as readonly string[]).includes(args.sku)) {
    problems.push({ path: 'sku', problem: `"${args.sku}" is not a registry SKU; allowed: ${REGISTRY_SKUS.join(', ')}` });
    return problems;
  }
  const premiumOnly = (path: string, feature: string) =>
    problems.push({ path, problem: `${feature} needs sku "Premium" (sku is "${args.sku}"); set sku to Premium or leave ${path} unset` });
  if (args.sku !== undefined && args.sku !== 'Premium') {
    if (args.privateEndpoint) premiumOnly('privateEndpoint', 'a private endpoint');
    if (args.zoneRedundancy) premiumOnly('zoneRedundancy', 'zone redundancy');
    if (args.untaggedRetentionDays) premiumOnly('untaggedRetentionDays', 'a retention policy for untagged manifests');
  }
  const days = args.untaggedRetentionDays;
  if (days !== undefined && days !== 0 && (!Number.isInteger(days) || days < RETENTION_DAYS_RANGE.min || days > RETENTION_DAYS_RANGE.max)) {
    problems.push({ path: 'untaggedRetentionDays', problem: `${days} is not allowed; use a whole number of days from ${RETENTION_DAYS_RANGE.min} to ${RETENTION_DAYS_RANGE.max}, or 0 for no retention policy` });
  }
  return problems;
}
