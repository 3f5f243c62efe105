/**
 * Two (or more) regions: which regions pair, which data-service features a region or
 * SKU has, and the rules a `regions` config must follow. Facts are data with their
 * source and the date they were checked; rules are pure functions (test/regions.test.ts).
 */
import { cidrsOverlap } from './rules';
import { REGION_SHORT_NAMES, regionShortName } from './naming';

/** Date the facts below were checked against their sources. */
export const REGION_FACTS_CHECKED = '2026-12-01';

/**
 * Azure region pairs, for the regions the platform supports (lib/naming.ts REGION_SHORT_NAMES).
 * Source: Microsoft Learn, "Azure region pairs and nonpaired regions"
 * (https://learn.microsoft.com/azure/reliability/cross-region-replication-azure), the list of region pairs.
 * A pair is asymmetric for a few regions (West US 3 → East US; Brazil South → South Central US):
 * the value is the region's own pair as the table lists it. Italy North, Poland Central and Spain
 * Central are nonpaired (they rely on availability zones).
 */
export const REGION_PAIRS: Readonly<Record<string, string | undefined>> = {
  australiaeast: 'australiasoutheast',
  brazilsouth: 'southcentralus',
  canadacentral: 'canadaeast',
  centralindia: 'southindia',
  centralus: 'eastus2',
  eastasia: 'southeastasia',
  eastus: 'westus',
  eastus2: 'centralus',
  francecentral: 'francesouth',
  germanywestcentral: 'germanynorth',
  italynorth: undefined,
  japaneast: 'japanwest',
  koreacentral: 'koreasouth',
  northeurope: 'westeurope',
  norwayeast: 'norwaywest',
  polandcentral: undefined,
  southafricanorth: 'southafricawest',
  southcentralus: 'northcentralus',
  southeastasia: 'eastasia',
  spaincentral: undefined,
  swedencentral: 'swedensouth',
  switzerlandnorth: 'switzerlandwest',
  uksouth: 'ukwest',
  westeurope: 'northeurope',
  westus2: 'westcentralus',
  westus3: 'eastus',
};

/** Where each fact about the data services across regions comes from. */
export const DATA_SERVICE_REGION_SOURCES = {
  postgresGeoBackup:
    'https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-backup-restore (geo-redundant backup: copies to the paired region; a server in a nonpaired region cannot have it)',
  postgresReplica:
    'https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas (cross-region replicas in any region that offers flexible server; not on Burstable)',
  redisGeoReplication:
    'https://learn.microsoft.com/azure/redis/how-to-active-geo-replication ("Scope of availability": Memory Optimized, Balanced, Compute Optimized yes, except B0 and B1; Flash Optimized yes; the group is set when a cache is created)',
  registryReplication: 'https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication (Premium only; one replica per region)',
} as const;

/** A server with geo-redundant backups must be in a region that has a pair. */
export function postgresGeoBackupRegions(): string[] {
  return Object.keys(REGION_PAIRS).filter((r) => REGION_PAIRS[r] !== undefined);
}

/** Compute tiers that can have a read replica (Burstable cannot). */
export const POSTGRES_REPLICA_TIERS = ['GeneralPurpose', 'MemoryOptimized'] as const;

/** Azure Managed Redis SKUs without active geo-replication (source: {@link DATA_SERVICE_REGION_SOURCES}.redisGeoReplication). */
export const REDIS_SKUS_WITHOUT_GEO_REPLICATION = ['Balanced_B0', 'Balanced_B1'] as const;

/** Whether a Redis kind + SKU can join an active geo-replication group. Classic (Azure Cache for Redis Premium) has passive geo-replication only. */
export function redisSupportsGeoReplication(kind: 'managed' | 'classic', sku: string): boolean {
  return kind === 'managed' && !(REDIS_SKUS_WITHOUT_GEO_REPLICATION as readonly string[]).includes(sku);
}

/** The role of a region: `primary` holds the writable database; a `standby` a read replica. */
export type RegionRole = 'primary' | 'standby';

/** The roles a region may have. */
export const REGION_ROLES: readonly RegionRole[] = ['primary', 'standby'];

/** One configured region, as the rules read it. */
export interface RegionEntry {
  location: string;
  role: RegionRole;
  /** VNet address space (the home region's comes from the top-level `network`). */
  vnetCidr?: string;
  /** Whether the entry carries its own `network` block. */
  hasNetwork: boolean;
}

/** One problem with the regions, naming its config path. */
export interface RegionProblem {
  path: (string | number)[];
  message: string;
}

/**
 * Every problem with a `regions` list: one primary, each location once, the stack's
 * `location` (the home region: it holds the global layer) among them, a `network`
 * block on every other region, VNet address spaces pairwise disjoint, `activeRegion`
 * one of them, and the data services' region and SKU rules.
 */
export function regionsProblems(input: {
  home: { location: string; vnetCidr: string };
  regions: RegionEntry[];
  activeRegion?: string;
  postgres: { tier: string; geoRedundantBackup: boolean };
  registry: { sku: string };
  redis: { kind: 'managed' | 'classic'; sku: string; persistence: string };
}): RegionProblem[] {
  const problems: RegionProblem[] = [];
  const { home, regions } = input;
  const locations = regions.map((r) => r.location);
  const primaries = regions.filter((r) => r.role === 'primary');
  if (primaries.length !== 1) {
    problems.push({
      path: ['regions'],
      message: `${primaries.length} regions have role primary${primaries.length ? ` (${primaries.map((p) => p.location).join(', ')})` : ''}; exactly one must (allowed roles: ${REGION_ROLES.join(', ')})`,
    });
  }
  regions.forEach((r, i) => {
    const first = locations.indexOf(r.location);
    if (first !== i) problems.push({ path: ['regions', i, 'location'], message: `"${r.location}" is already regions[${first}]; each region once` });
  });
  const homeIndex = locations.indexOf(home.location);
  if (homeIndex < 0) {
    problems.push({ path: ['regions'], message: `the stack's location "${home.location}" must be one of the regions (it holds the global layer); regions: ${locations.join(', ')}` });
  }
  regions.forEach((r, i) => {
    if (i === homeIndex && r.hasNetwork) {
      problems.push({ path: ['regions', i, 'network'], message: `"${r.location}" is the stack's location: its network is the top-level \`network\`; remove regions[${i}].network` });
    }
    if (r.location !== home.location && !r.hasNetwork) {
      problems.push({ path: ['regions', i, 'network'], message: `"${r.location}" needs its own network (vnetCidr and subnets, disjoint from the other regions')` });
    }
  });
  // Address spaces pairwise disjoint (the VNets may be peered, and a private endpoint is reached by IP).
  const spaces = regions.map((r) => (r.location === home.location ? home.vnetCidr : r.vnetCidr));
  spaces.forEach((a, i) => {
    spaces.slice(0, i).forEach((b, j) => {
      if (a && b && cidrsOverlap(a, b)) {
        problems.push({ path: ['regions', i, 'network', 'vnetCidr'], message: `"${a}" overlaps ${regions[j].location}'s VNet ${b}; the regions' address spaces must be disjoint` });
      }
    });
  });
  if (input.activeRegion !== undefined && !locations.includes(input.activeRegion)) {
    problems.push({ path: ['activeRegion'], message: `"${input.activeRegion}" is not a configured region; allowed: ${locations.join(', ')}` });
  }
  // Data services.
  const primary = primaries.length === 1 ? primaries[0] : undefined;
  if (primary && input.postgres.geoRedundantBackup && REGION_PAIRS[primary.location] === undefined) {
    problems.push({
      path: ['regions', locations.indexOf(primary.location), 'location'],
      message: `"${primary.location}" has no paired region, so its PostgreSQL server cannot have geo-redundant backups (postgres.geoRedundantBackup); allowed primary regions: ${postgresGeoBackupRegions().join(', ')}`,
    });
  }
  if (regions.some((r) => r.role === 'standby') && !(POSTGRES_REPLICA_TIERS as readonly string[]).includes(input.postgres.tier)) {
    problems.push({ path: ['postgres', 'tier'], message: `"${input.postgres.tier}" cannot have a read replica in the standby region; allowed: ${POSTGRES_REPLICA_TIERS.join(', ')}` });
  }
  // Active geo-replication (a SKU that has it, with two regions) keeps no persistence.
  if (regions.length > 1 && redisSupportsGeoReplication(input.redis.kind, input.redis.sku) && input.redis.persistence !== 'None') {
    problems.push({
      path: ['redis', 'persistence'],
      message: `"${input.redis.persistence}" cannot be combined with active geo-replication, which ${input.redis.sku} gets with two regions (the other region holds the data); allowed: None`,
    });
  }
  if (regions.length > 1 && input.registry.sku !== 'Premium') {
    problems.push({ path: ['registry', 'sku'], message: `"${input.registry.sku}" cannot be geo-replicated to the other regions; allowed: Premium` });
  }
  for (const [i, r] of regions.entries()) {
    if (!(r.location in REGION_SHORT_NAMES)) problems.push({ path: ['regions', i, 'location'], message: `"${r.location}" is not supported; allowed: ${Object.keys(REGION_SHORT_NAMES).join(', ')}` });
  }
  return problems;
}

/**
 * Front Door origin priority of a region: 1 for the active region (it takes all the
 * traffic while healthy), 2 for the others (they take it when the active one fails its probes).
 */
export function originPriority(location: string, activeRegion: string): number {
  return location === activeRegion ? 1 : 2;
}

/**
 * The Pulumi name prefix of a region's stamp: the platform's own name for the home region (the
 * stack's `location`: its resources keep the names, and URNs, they had before stamps), the name
 * and the region's short code for the others.
 */
export function stampName(platformName: string, location: string, homeLocation: string): string {
  return location === homeLocation ? platformName : `${platformName}-${regionShortName(location)}`;
}
