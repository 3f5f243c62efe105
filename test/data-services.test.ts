import { PostgresMajorVersion } from '@pulumi/azure-native/types/enums/dbforpostgresql';
import { SkuName as RedisEnterpriseSku, EvictionPolicy } from '@pulumi/azure-native/types/enums/redisenterprise';
import { POSTGRES_VERSIONS, REDIS_MANAGED_SKUS, postgresSkuProblem } from '../lib/data-services-rules';
import {
  DATA_SERVICE_PROFILES,
  REDIS_EVICTION_POLICIES,
  classicMaxMemoryPolicy,
  classicRedisCapacity,
  classicRedisReplicasProblem,
  federatedCredentialName,
  keyVaultIpRuleProblem,
  keyVaultSecretNameProblem,
  keyVaultSkuProblem,
  keyVaultSoftDeleteDaysProblem,
  postgresAdministratorLoginProblem,
  postgresBackupRetentionProblem,
  postgresDatabaseNameProblem,
  postgresHaModeProblem,
  postgresHaTierProblem,
  postgresHaZonesProblem,
  postgresSkuTierProblem,
  postgresStorageSizeProblem,
  postgresVersionProblem,
  productionDataServiceGaps,
  redisEvictionPolicyProblem,
  redisKindProblem,
  redisPersistenceProblem,
  redisSkuProblem,
  roleDefinitionId,
  serviceAccountSubject,
  serviceAccountsProblem,
  subscriptionOfResourceId,
} from '../lib/data-services';

type Case<A extends unknown[]> = [...A, RegExp | undefined];
const ok = undefined;

function table<A extends unknown[]>(name: string, fn: (...a: A) => string | undefined, cases: Case<A>[]): void {
  describe(name, () => {
    it.each(cases.map((c) => [JSON.stringify(c.slice(0, -1)), c] as const))('%s', (_label, c) => {
      const args = c.slice(0, -1) as A;
      const expected = c[c.length - 1] as RegExp | undefined;
      const problem = fn(...args);
      if (expected === undefined) expect(problem).toBeUndefined();
      else expect(problem).toMatch(expected);
    });
  });
}

describe('allowed lists match the installed azure-native enums', () => {
  it('every supported PostgreSQL version is an enum member', () => {
    for (const v of POSTGRES_VERSIONS) expect(Object.values(PostgresMajorVersion)).toContain(v);
  });
  it('every Azure Managed Redis SKU is an enum member, none is a retiring Enterprise SKU', () => {
    for (const s of REDIS_MANAGED_SKUS) expect(Object.values(RedisEnterpriseSku)).toContain(s);
    expect(REDIS_MANAGED_SKUS.some((s) => s.startsWith('Enterprise'))).toBe(false);
  });
  it('eviction policies are the enum', () => {
    expect([...REDIS_EVICTION_POLICIES].sort()).toEqual(Object.values(EvictionPolicy).sort());
  });
});

table('postgresVersionProblem', postgresVersionProblem, [
  ['16', ok],
  ['15', ok],
  ['18', ok],
  ['14', /not supported; allowed: "15", "16", "17", "18"/],
  ['11', /not supported/],
  ['16.2', /not supported/],
]);

table('postgresStorageSizeProblem', postgresStorageSizeProblem, [
  [32, ok],
  [32768, ok],
  [1024, ok],
  [100, /100 GiB is not a storage size .* allowed \(GiB\): 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768/],
  [16, /not a storage size/],
  [65536, /not a storage size/],
]);

table('postgresSkuTierProblem', postgresSkuTierProblem, [
  ['Burstable', ok],
  ['MemoryOptimized', ok],
  ['Basic', /tier "Basic" is not allowed; allowed: "Burstable", "GeneralPurpose", "MemoryOptimized"/],
]);

table('postgresBackupRetentionProblem', postgresBackupRetentionProblem, [
  [7, ok],
  [35, ok],
  [14, ok],
  [6, /from 7 to 35/],
  [36, /from 7 to 35/],
  [7.5, /whole number/],
]);

table('postgresHaModeProblem', postgresHaModeProblem, [
  ['ZoneRedundant', ok],
  ['SameZone', ok],
  ['Disabled', ok],
  ['Enabled', /allowed: "Disabled", "SameZone", "ZoneRedundant"/],
]);

table('postgresHaTierProblem', postgresHaTierProblem, [
  ['ZoneRedundant', 'GeneralPurpose', ok],
  ['Disabled', 'Burstable', ok],
  ['ZoneRedundant', 'Burstable', /not available on the Burstable tier/],
  ['SameZone', 'Burstable', /not available on the Burstable tier/],
]);

table('postgresHaZonesProblem', postgresHaZonesProblem, [
  ['ZoneRedundant', '1', '2', ok],
  ['ZoneRedundant', undefined, undefined, ok],
  ['Disabled', '3', undefined, ok],
  ['ZoneRedundant', '2', '2', /another zone/],
  ['ZoneRedundant', '0', '2', /zone "0" is not allowed/],
  ['Disabled', '1', '2', /standby zone is set but high availability is "Disabled"/],
]);

table('postgresDatabaseNameProblem', postgresDatabaseNameProblem, [
  ['app', ok],
  ['_jobs2', ok],
  ['my-app', /not a valid database name/],
  ['1app', /not a valid database name/],
  ['a'.repeat(64), /not a valid database name/],
  ['template1', /system database/],
]);

table('postgresAdministratorLoginProblem', postgresAdministratorLoginProblem, [
  ['pgadmin', ok],
  ['platform_admin', ok],
  ['admin', /reserved by Azure/],
  ['Azure_Superuser', /reserved by Azure/],
  ['pg_owner', /reserved by Azure/],
  ['bad-login', /not a valid administrator login/],
]);

table('redisKindProblem', redisKindProblem, [
  ['managed', ok],
  ['classic', ok],
  ['enterprise', /allowed: "managed", "classic"/],
]);

table('redisSkuProblem', redisSkuProblem, [
  ['managed', 'Balanced_B0', ok],
  ['managed', 'ComputeOptimized_X3', ok],
  ['managed', 'MemoryOptimized_M10', ok],
  ['classic', 'P5', ok],
  ['managed', 'Enterprise_E10', /not an Azure Managed Redis SKU; allowed: "Balanced_B0"/],
  ['managed', 'P1', /not an Azure Managed Redis SKU/],
  ['classic', 'C1', /not a classic Azure Cache for Redis Premium SKU; allowed: "P1", "P2", "P3", "P4", "P5"/],
  ['classic', 'P6', /not a classic/],
]);

table('redisEvictionPolicyProblem', redisEvictionPolicyProblem, [
  ['NoEviction', ok],
  ['VolatileTTL', ok],
  ['noeviction', /not allowed; allowed: .*"NoEviction"/],
]);

table('redisPersistenceProblem', redisPersistenceProblem, [
  ['AOF', ok],
  ['None', ok],
  ['aof', /allowed: "None", "AOF", "RDB"/],
]);

table('classicRedisReplicasProblem', classicRedisReplicasProblem, [
  [1, ok],
  [3, ok],
  [0, /from 1 to 3/],
  [4, /from 1 to 3/],
]);

describe('classic Redis helpers', () => {
  it.each([
    ['NoEviction', 'noeviction'],
    ['AllKeysLRU', 'allkeys-lru'],
    ['AllKeysLFU', 'allkeys-lfu'],
    ['AllKeysRandom', 'allkeys-random'],
    ['VolatileTTL', 'volatile-ttl'],
    ['VolatileLFU', 'volatile-lfu'],
  ])('maxmemory-policy of %s is %s', (policy, expected) => {
    expect(classicMaxMemoryPolicy(policy)).toBe(expected);
  });
  it('every eviction policy maps to a maxmemory-policy', () => {
    for (const p of REDIS_EVICTION_POLICIES) expect(classicMaxMemoryPolicy(p)).toMatch(/^(noeviction|(allkeys|volatile)-(lru|lfu|ttl|random))$/);
  });
  it('rejects an unknown policy', () => {
    expect(() => classicMaxMemoryPolicy('Sometimes')).toThrow(/eviction policy "Sometimes" is not allowed/);
  });
  it.each([
    ['P1', 1],
    ['P5', 5],
  ])('capacity of %s is %i', (sku, capacity) => {
    expect(classicRedisCapacity(sku)).toBe(capacity);
  });
  it('capacity of a non-Premium SKU throws', () => {
    expect(() => classicRedisCapacity('C3')).toThrow(/not a classic Azure Cache for Redis Premium SKU/);
  });
});

table('keyVaultSoftDeleteDaysProblem', keyVaultSoftDeleteDaysProblem, [
  [7, ok],
  [90, ok],
  [6, /from 7 to 90/],
  [91, /from 7 to 90/],
]);

table('keyVaultSkuProblem', keyVaultSkuProblem, [
  ['standard', ok],
  ['premium', ok],
  ['Standard', /allowed: "standard", "premium"/],
]);

table('keyVaultSecretNameProblem', keyVaultSecretNameProblem, [
  ['postgres-password', ok],
  ['redis-password', ok],
  ['has_underscore', /not a valid secret name/],
  ['', /not a valid secret name/],
  ['a'.repeat(128), /not a valid secret name/],
]);

table('keyVaultIpRuleProblem', keyVaultIpRuleProblem, [
  ['203.0.113.10', ok],
  ['198.51.100.0/24', ok],
  ['0.0.0.0/0', /too wide/],
  ['10.0.0.1/24', /host bits set/],
  ['not-an-ip', /not an IPv4 CIDR/],
]);

table('serviceAccountsProblem', serviceAccountsProblem, [
  [[{ namespace: 'api', name: 'api' }, { namespace: 'agent', name: 'agent' }], ok],
  [[{ namespace: 'jobs', name: 'worker.v2' }], ok],
  [[], /at least one service account/],
  [[{ namespace: 'Api', name: 'api' }], /namespace "Api" is not a DNS label/],
  [[{ namespace: 'api', name: 'api_sa' }], /service account name "api_sa" is not a DNS subdomain/],
  [[{ namespace: 'api', name: 'api' }, { namespace: 'api', name: 'api' }], /listed twice/],
  [Array.from({ length: 21 }, (_, i) => ({ namespace: `ns${i}`, name: 'sa' })), /at most 20 federated credentials/],
]);

describe('identity and role helpers', () => {
  it('builds the federated subject and credential name', () => {
    expect(serviceAccountSubject({ namespace: 'api', name: 'api' })).toBe('system:serviceaccount:api:api');
    expect(federatedCredentialName({ namespace: 'agent', name: 'agent' })).toBe('agent-agent');
  });
  it('reads the subscription from a resource id and builds role definition ids', () => {
    const sub = '00000000-0000-4000-8000-000000000001';
    expect(subscriptionOfResourceId(`/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`)).toBe(sub);
    expect(() => subscriptionOfResourceId('kv-id')).toThrow(/not an ARM resource ID/);
    expect(roleDefinitionId(sub, '4633458b-17de-408a-b874-0445c86b69e6')).toBe(
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
    );
  });
});

describe('per-environment profiles', () => {
  it('the prod profile meets every production requirement', () => {
    expect(productionDataServiceGaps(DATA_SERVICE_PROFILES.prod)).toEqual([]);
  });
  it('the dev profile is cheap and names each production gap', () => {
    expect(productionDataServiceGaps(DATA_SERVICE_PROFILES.dev)).toEqual([
      'postgres.highAvailability is "Disabled"; production requires "ZoneRedundant"',
      'postgres.geoRedundantBackup is false; production requires geo-redundant backup',
      'postgres.backupRetentionDays is 7; production requires at least 14',
      'redis.highAvailability is false; production requires it',
      'protect is false; production protects stateful resources',
    ]);
  });
  it.each(['dev', 'prod'] as const)('the %s profile passes every rule', (env) => {
    const p = DATA_SERVICE_PROFILES[env];
    expect(postgresVersionProblem(p.postgres.version)).toBeUndefined();
    expect(postgresStorageSizeProblem(p.postgres.storageSizeGb)).toBeUndefined();
    expect(postgresSkuProblem(p.postgres.skuName, p.postgres.skuTier)).toBeUndefined();
    expect(postgresBackupRetentionProblem(p.postgres.backupRetentionDays)).toBeUndefined();
    expect(postgresHaTierProblem(p.postgres.highAvailability, p.postgres.skuTier)).toBeUndefined();
    expect(redisSkuProblem(p.redis.kind, p.redis.sku)).toBeUndefined();
    expect(keyVaultSoftDeleteDaysProblem(p.keyVault.softDeleteRetentionDays)).toBeUndefined();
  });
});
