/**
 * Rules and defaults for the platform's data services: PostgreSQL flexible
 * server, Azure Managed Redis / Azure Cache for Redis, Key Vault and the apps'
 * workload identity. Pure functions in the style of lib/rules.ts: each `...Problem`
 * returns `undefined` when the value is fine, or a sentence that says what is
 * allowed; callers (components, config schema) add the key path.
 *
 * The allowed-value lists (versions, storage sizes, SKUs) are those of
 * lib/data-services-rules.ts, which the stack-config schema uses too; a test
 * checks them against the installed azure-native enums.
 */
import { cidrProblem } from './rules';
import { PROGRAM_ROLES } from './role-ids';
import { EvictionPolicy } from '@pulumi/azure-native/types/enums/redisenterprise';
import {
  POSTGRES_STORAGE_SIZES_GB,
  POSTGRES_TIERS,
  POSTGRES_VERSIONS,
  PostgresTier,
  REDIS_CLASSIC_SKUS,
  REDIS_MANAGED_SKUS,
} from './data-services-rules';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function list(values: readonly (string | number)[]): string {
  return values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(', ');
}

function integerInRange(value: number, min: number, max: number, what: string): string | undefined {
  if (!Number.isInteger(value) || value < min || value > max) {
    return `${JSON.stringify(value)} is not allowed; ${what} must be a whole number from ${min} to ${max}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Key Vault secret names shared with the apps and the Helm chart
// ---------------------------------------------------------------------------

/** Key Vault secret holding the PostgreSQL administrator password (mounted at /mnt/secrets-store/postgres-password). */
export const POSTGRES_PASSWORD_SECRET = 'postgres-password';
/** Key Vault secret holding the Redis access key (mounted at /mnt/secrets-store/redis-password). */
export const REDIS_PASSWORD_SECRET = 'redis-password';

// ---------------------------------------------------------------------------
// PostgreSQL flexible server
// ---------------------------------------------------------------------------

/** Default major version. */
export const DEFAULT_POSTGRES_VERSION = '16';

export type PostgresSkuTier = PostgresTier;

/** High-availability modes of the flexible server. */
export const POSTGRES_HA_MODES = ['Disabled', 'SameZone', 'ZoneRedundant'] as const;
export type PostgresHaMode = (typeof POSTGRES_HA_MODES)[number];

/** Backup retention bounds (days). */
export const POSTGRES_BACKUP_RETENTION = { min: 7, max: 35 } as const;

/** Login names Azure reserves for the server administrator. */
const RESERVED_POSTGRES_LOGINS = ['azure_superuser', 'azure_pg_admin', 'admin', 'administrator', 'root', 'guest', 'public', 'postgres', 'sa'];

export function postgresVersionProblem(version: string): string | undefined {
  if (!(POSTGRES_VERSIONS as readonly string[]).includes(version)) {
    return `PostgreSQL major version "${version}" is not supported; allowed: ${list(POSTGRES_VERSIONS)}`;
  }
  return undefined;
}

export function postgresStorageSizeProblem(sizeGb: number): string | undefined {
  if (!(POSTGRES_STORAGE_SIZES_GB as readonly number[]).includes(sizeGb)) {
    return `${JSON.stringify(sizeGb)} GiB is not a storage size the flexible server offers; allowed (GiB): ${list(POSTGRES_STORAGE_SIZES_GB)}`;
  }
  return undefined;
}

export function postgresSkuTierProblem(tier: string): string | undefined {
  if (!(POSTGRES_TIERS as readonly string[]).includes(tier)) {
    return `tier "${tier}" is not allowed; allowed: ${list(POSTGRES_TIERS)}`;
  }
  return undefined;
}

export function postgresBackupRetentionProblem(days: number): string | undefined {
  return integerInRange(days, POSTGRES_BACKUP_RETENTION.min, POSTGRES_BACKUP_RETENTION.max, 'backup retention (days)');
}

export function postgresHaModeProblem(mode: string): string | undefined {
  if (!(POSTGRES_HA_MODES as readonly string[]).includes(mode)) {
    return `high-availability mode "${mode}" is not allowed; allowed: ${list(POSTGRES_HA_MODES)}`;
  }
  return undefined;
}

/** High availability is not offered on the Burstable tier. */
export function postgresHaTierProblem(mode: string, tier: string): string | undefined {
  if (mode !== 'Disabled' && tier === 'Burstable') {
    return `high availability "${mode}" is not available on the Burstable tier; use "Disabled", or tier GeneralPurpose or MemoryOptimized`;
  }
  return undefined;
}

/** Zone-redundant HA puts the standby in another zone than the primary. */
export function postgresHaZonesProblem(mode: string, zone: string | undefined, standbyZone: string | undefined): string | undefined {
  for (const z of [zone, standbyZone]) {
    if (z !== undefined && !['1', '2', '3'].includes(z)) return `zone "${z}" is not allowed; allowed zones are "1", "2" and "3"`;
  }
  if (mode === 'ZoneRedundant' && zone !== undefined && zone === standbyZone) {
    return `ZoneRedundant high availability needs the standby in another zone than the primary (both are "${zone}")`;
  }
  if (mode === 'Disabled' && standbyZone !== undefined) {
    return `a standby zone is set but high availability is "Disabled"`;
  }
  return undefined;
}

/** Database names: a letter or underscore first, then letters, digits, underscores; at most 63 characters. */
export function postgresDatabaseNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    return `"${name}" is not a valid database name: letters, digits and underscores, starting with a letter or underscore, at most 63 characters`;
  }
  if (['postgres', 'azure_maintenance', 'azure_sys', 'template0', 'template1'].includes(name)) {
    return `"${name}" is a system database name; choose an application database name such as "app"`;
  }
  return undefined;
}

/** Administrator login: 1–63 letters, digits, underscores; not reserved; not `pg_*`. */
export function postgresAdministratorLoginProblem(login: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(login)) {
    return `"${login}" is not a valid administrator login: letters, digits and underscores, starting with a letter, at most 63 characters`;
  }
  if (RESERVED_POSTGRES_LOGINS.includes(login.toLowerCase()) || login.toLowerCase().startsWith('pg_')) {
    return `"${login}" is reserved by Azure; not allowed: ${list(RESERVED_POSTGRES_LOGINS)} or a name starting with pg_`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------

/** The two Redis offerings: Azure Managed Redis (redisenterprise) and the classic Azure Cache for Redis Premium. */
export const REDIS_KINDS = ['managed', 'classic'] as const;
export type RedisKind = (typeof REDIS_KINDS)[number];

/** Default Azure Managed Redis SKU (smallest Balanced size). */
export const DEFAULT_MANAGED_REDIS_SKU = 'Balanced_B0';

/** Eviction policies; NoEviction is the default because Redis also holds the job queue (a stream must never be evicted). */
export const REDIS_EVICTION_POLICIES: readonly string[] = Object.values(EvictionPolicy);

/** Persistence choices of an Azure Managed Redis database. */
export const REDIS_PERSISTENCE_MODES = ['None', 'AOF', 'RDB'] as const;
export type RedisPersistenceMode = (typeof REDIS_PERSISTENCE_MODES)[number];

/** Replicas per primary of a classic Premium cache. */
export const CLASSIC_REDIS_REPLICAS = { min: 1, max: 3 } as const;

/** TLS ports the apps connect to (REDIS_PORT). */
export const REDIS_TLS_PORT: Record<RedisKind, number> = { managed: 10000, classic: 6380 };

export function redisKindProblem(kind: string): string | undefined {
  if (!(REDIS_KINDS as readonly string[]).includes(kind)) return `kind "${kind}" is not allowed; allowed: ${list(REDIS_KINDS)}`;
  return undefined;
}

/** The SKU must belong to the kind: Azure Managed Redis sizes for `managed`, P1…P5 for `classic`. */
export function redisSkuProblem(kind: RedisKind, sku: string): string | undefined {
  const allowed: readonly string[] = kind === 'managed' ? REDIS_MANAGED_SKUS : REDIS_CLASSIC_SKUS;
  if (!allowed.includes(sku)) {
    const what = kind === 'managed' ? 'an Azure Managed Redis SKU' : 'a classic Azure Cache for Redis Premium SKU';
    return `"${sku}" is not ${what}; allowed: ${list(allowed)}`;
  }
  return undefined;
}

/** Capacity (1…5) of a classic Premium SKU name (P1…P5). */
export function classicRedisCapacity(sku: string): number {
  const problem = redisSkuProblem('classic', sku);
  if (problem) throw new Error(problem);
  return Number(sku.slice(1));
}

export function redisEvictionPolicyProblem(policy: string): string | undefined {
  if (!REDIS_EVICTION_POLICIES.includes(policy)) return `eviction policy "${policy}" is not allowed; allowed: ${list(REDIS_EVICTION_POLICIES)}`;
  return undefined;
}

export function redisPersistenceProblem(mode: string): string | undefined {
  if (!(REDIS_PERSISTENCE_MODES as readonly string[]).includes(mode)) return `persistence "${mode}" is not allowed; allowed: ${list(REDIS_PERSISTENCE_MODES)}`;
  return undefined;
}

export function classicRedisReplicasProblem(replicas: number): string | undefined {
  return integerInRange(replicas, CLASSIC_REDIS_REPLICAS.min, CLASSIC_REDIS_REPLICAS.max, 'replicas per primary');
}

/** The `maxmemory-policy` value of a classic cache for an eviction policy name (NoEviction → noeviction, AllKeysLRU → allkeys-lru). */
export function classicMaxMemoryPolicy(policy: string): string {
  if (policy === 'NoEviction') return 'noeviction';
  const match = /^(AllKeys|Volatile)(LRU|LFU|TTL|Random)$/.exec(policy);
  if (!match) throw new Error(redisEvictionPolicyProblem(policy) ?? `eviction policy "${policy}" has no maxmemory-policy`);
  return `${match[1].toLowerCase()}-${match[2].toLowerCase()}`;
}

// ---------------------------------------------------------------------------
// Key Vault and workload identity
// ---------------------------------------------------------------------------

/** Soft-delete retention bounds (days). */
export const KEY_VAULT_SOFT_DELETE_DAYS = { min: 7, max: 90 } as const;
export const KEY_VAULT_SKUS = ['standard', 'premium'] as const;
export type KeyVaultSkuName = (typeof KEY_VAULT_SKUS)[number];

/** Built-in role definition GUIDs the data services assign (from lib/role-ids.ts, the one list of roles the program assigns). */
export const BUILT_IN_ROLES = {
  /** Read secret contents (the apps, through the CSI driver). */
  keyVaultSecretsUser: PROGRAM_ROLES.keyVaultSecretsUser.id,
  /** Manage secrets on the data plane (the deploying principal). */
  keyVaultSecretsOfficer: PROGRAM_ROLES.keyVaultSecretsOfficer.id,
} as const;

/** Audience of federated credentials for Kubernetes workload identity. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

export function keyVaultSoftDeleteDaysProblem(days: number): string | undefined {
  return integerInRange(days, KEY_VAULT_SOFT_DELETE_DAYS.min, KEY_VAULT_SOFT_DELETE_DAYS.max, 'soft-delete retention (days)');
}

export function keyVaultSkuProblem(sku: string): string | undefined {
  if (!(KEY_VAULT_SKUS as readonly string[]).includes(sku)) return `SKU "${sku}" is not allowed; allowed: ${list(KEY_VAULT_SKUS)}`;
  return undefined;
}

/** Key Vault firewall rules: a public IPv4 address or CIDR of /8 or narrower. */
export function keyVaultIpRuleProblem(range: string): string | undefined {
  const cidr = range.includes('/') ? range : `${range}/32`;
  const problem = cidrProblem(cidr);
  if (problem) return `${problem}; use a public IPv4 address or CIDR such as 203.0.113.10 or 203.0.113.0/24`;
  const prefix = Number(cidr.split('/')[1]);
  if (prefix < 8) return `"${range}" (a /${prefix}) is too wide for a vault firewall rule; use /8 or narrower`;
  return undefined;
}

/** Key Vault object names: 1–127 letters, digits and hyphens. */
export function keyVaultSecretNameProblem(name: string): string | undefined {
  if (!/^[0-9A-Za-z-]{1,127}$/.test(name)) return `"${name}" is not a valid secret name: 1–127 letters, digits and hyphens`;
  return undefined;
}

/** A Kubernetes service account the apps' identity trusts. */
export interface ServiceAccountRef {
  /** Namespace (DNS label). */
  namespace: string;
  /** Service account name (DNS subdomain). */
  name: string;
}

/** The api and agent service accounts (namespace = name = app). */
export const DEFAULT_APP_SERVICE_ACCOUNTS: readonly ServiceAccountRef[] = [
  { namespace: 'api', name: 'api' },
  { namespace: 'agent', name: 'agent' },
];

/** Namespaces are DNS labels; service account names DNS subdomains. No duplicates. */
export function serviceAccountsProblem(accounts: readonly ServiceAccountRef[]): string | undefined {
  if (accounts.length === 0) return 'at least one service account is required';
  if (accounts.length > 20) return `${accounts.length} service accounts given; a user-assigned identity holds at most 20 federated credentials`;
  const seen = new Set<string>();
  for (const sa of accounts) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(sa.namespace)) {
      return `namespace "${sa.namespace}" is not a DNS label (lowercase letters, digits and "-", at most 63 characters)`;
    }
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(sa.name)) {
      return `service account name "${sa.name}" is not a DNS subdomain (lowercase letters, digits, "-" and ".")`;
    }
    const key = `${sa.namespace}/${sa.name}`;
    if (seen.has(key)) return `service account ${key} is listed twice`;
    seen.add(key);
  }
  return undefined;
}

/** Federated credential subject for a service account. */
export function serviceAccountSubject(sa: ServiceAccountRef): string {
  return `system:serviceaccount:${sa.namespace}:${sa.name}`;
}

/** Federated credential resource name for a service account (3–120 chars, letters/digits/-/_). */
export function federatedCredentialName(sa: ServiceAccountRef): string {
  return `${sa.namespace}-${sa.name}`.slice(0, 120);
}

/** The subscription GUID of an ARM resource ID. */
export function subscriptionOfResourceId(resourceId: string): string {
  const match = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
  if (!match) throw new Error(`"${resourceId}" is not an ARM resource ID (/subscriptions/<id>/...)`);
  return match[1];
}

/** Subscription-scoped ID of a built-in role definition. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

// ---------------------------------------------------------------------------
// Per-environment recommendations (for the config schema's defaults)
// ---------------------------------------------------------------------------

/** Recommended data-service settings per environment kind. */
export interface DataServiceProfile {
  postgres: {
    version: string;
    skuName: string;
    skuTier: PostgresSkuTier;
    storageSizeGb: number;
    storageAutoGrow: boolean;
    backupRetentionDays: number;
    geoRedundantBackup: boolean;
    highAvailability: PostgresHaMode;
  };
  redis: { kind: RedisKind; sku: string; highAvailability: boolean; persistence: RedisPersistenceMode };
  keyVault: { sku: KeyVaultSkuName; softDeleteRetentionDays: number };
  protect: boolean;
}

export const DATA_SERVICE_PROFILES: Readonly<Record<'dev' | 'prod', DataServiceProfile>> = {
  dev: {
    postgres: {
      version: DEFAULT_POSTGRES_VERSION,
      skuName: 'Standard_B1ms',
      skuTier: 'Burstable',
      storageSizeGb: 32,
      storageAutoGrow: true,
      backupRetentionDays: 7,
      geoRedundantBackup: false,
      highAvailability: 'Disabled',
    },
    redis: { kind: 'managed', sku: 'Balanced_B0', highAvailability: false, persistence: 'None' },
    keyVault: { sku: 'standard', softDeleteRetentionDays: 7 },
    protect: false,
  },
  prod: {
    postgres: {
      version: DEFAULT_POSTGRES_VERSION,
      skuName: 'Standard_D2ds_v5',
      skuTier: 'GeneralPurpose',
      storageSizeGb: 128,
      storageAutoGrow: true,
      backupRetentionDays: 14,
      geoRedundantBackup: true,
      highAvailability: 'ZoneRedundant',
    },
    redis: { kind: 'managed', sku: 'Balanced_B1', highAvailability: true, persistence: 'AOF' },
    keyVault: { sku: 'standard', softDeleteRetentionDays: 90 },
    protect: true,
  },
};

/**
 * What production requires of the data services (the lead's design): zone-redundant
 * HA, geo-redundant backup, ≥ 14 days retention, Redis HA. Returns one sentence per gap.
 */
export function productionDataServiceGaps(p: DataServiceProfile): string[] {
  const gaps: string[] = [];
  if (p.postgres.highAvailability !== 'ZoneRedundant') gaps.push(`postgres.highAvailability is "${p.postgres.highAvailability}"; production requires "ZoneRedundant"`);
  if (!p.postgres.geoRedundantBackup) gaps.push('postgres.geoRedundantBackup is false; production requires geo-redundant backup');
  if (p.postgres.backupRetentionDays < 14) gaps.push(`postgres.backupRetentionDays is ${p.postgres.backupRetentionDays}; production requires at least 14`);
  if (!p.redis.highAvailability) gaps.push('redis.highAvailability is false; production requires it');
  if (!p.protect) gaps.push('protect is false; production protects stateful resources');
  return gaps;
}
