/**
 * Allowed values for the data services, shared by the stack-config schema and
 * the data-service components.
 */

/** PostgreSQL major versions the flexible server offers and the platform supports (11–13 are retired). */
export const POSTGRES_VERSIONS = ['15', '16', '17', '18'] as const;
export type PostgresVersion = (typeof POSTGRES_VERSIONS)[number];

/** Storage sizes (GiB) the flexible server offers on Premium SSD. */
export const POSTGRES_STORAGE_SIZES_GB = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768] as const;

/** Flexible server compute tiers. */
export const POSTGRES_TIERS = ['Burstable', 'GeneralPurpose', 'MemoryOptimized'] as const;
export type PostgresTier = (typeof POSTGRES_TIERS)[number];

/** The VM family each tier uses: B-series, D-series, E-series. */
const TIER_FAMILY: Record<PostgresTier, RegExp> = {
  Burstable: /^Standard_B\d/,
  GeneralPurpose: /^Standard_D\d/,
  MemoryOptimized: /^Standard_E\d/,
};

/** A SKU of the wrong family for its tier (e.g. Standard_D2ds_v5 on Burstable). */
export function postgresSkuProblem(skuName: string, tier: PostgresTier): string | undefined {
  if (!TIER_FAMILY[tier].test(skuName)) {
    const family = { Burstable: 'Standard_B*', GeneralPurpose: 'Standard_D*', MemoryOptimized: 'Standard_E*' }[tier];
    return `"${skuName}" does not belong to the ${tier} tier; ${tier} SKUs are ${family} (e.g. ${{ Burstable: 'Standard_B1ms', GeneralPurpose: 'Standard_D2ds_v5', MemoryOptimized: 'Standard_E2ds_v5' }[tier]})`;
  }
  return undefined;
}

/** Azure Managed Redis SKUs (redisenterprise), the default Redis. */
export const REDIS_MANAGED_SKUS = [
  'Balanced_B0', 'Balanced_B1', 'Balanced_B3', 'Balanced_B5', 'Balanced_B10', 'Balanced_B20', 'Balanced_B50', 'Balanced_B100',
  'Balanced_B150', 'Balanced_B250', 'Balanced_B350', 'Balanced_B500', 'Balanced_B700', 'Balanced_B1000',
  'MemoryOptimized_M10', 'MemoryOptimized_M20', 'MemoryOptimized_M50', 'MemoryOptimized_M100', 'MemoryOptimized_M150',
  'MemoryOptimized_M250', 'MemoryOptimized_M350', 'MemoryOptimized_M500', 'MemoryOptimized_M700', 'MemoryOptimized_M1000',
  'MemoryOptimized_M1500', 'MemoryOptimized_M2000',
  'ComputeOptimized_X3', 'ComputeOptimized_X5', 'ComputeOptimized_X10', 'ComputeOptimized_X20', 'ComputeOptimized_X50',
  'ComputeOptimized_X100', 'ComputeOptimized_X150', 'ComputeOptimized_X250', 'ComputeOptimized_X350', 'ComputeOptimized_X500',
  'ComputeOptimized_X700',
] as const;

/** Classic Azure Cache for Redis Premium capacities (P1–P5); the classic service retires on 2028-09-30. */
export const REDIS_CLASSIC_SKUS = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
