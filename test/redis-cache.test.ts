import { installMocks, settle } from '../offline/mocks';
import { runStack } from '../offline/run-stack';
import type { RedisCacheArgs } from '../components/redis-cache';
import { AGENT_OID, AMR_ZONE, API_OID, builds, classicArgs, CLASSIC_ZONE, prodArgs, SUBNET, TAGS } from './support/builds/redis-cache';
import { buildRuns } from './support/build-runs';

/** The runs of ./support/builds/redis-cache.ts's builds, by name (./support/build-runs.ts). */
const build = buildRuns('test', 'test/support/builds/redis-cache.ts', builds);
const buildProd = () => build('prod');

test('a build its module does not export is refused, naming the builds it has', async () => {
  await expect(runStack('test', { build: { module: 'test/support/builds/redis-cache.ts', name: 'premium' } })).rejects.toThrow(
    'test/support/builds/redis-cache.ts has no build "premium" (its builds: prod, dev, classic)',
  );
});

describe('RedisCache (Azure Managed Redis)', () => {
  it('registers exactly the cluster, its database, the access policy assignments and the private link', async () => {
    const { recorder } = buildProd();
    const comp = recorder.one('aks-platform:index:RedisCache');
    expect(recorder.childrenOf(comp.urn).map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'aks-platform:index:PrivateLink redis-pl',
      'azure-native:redisenterprise:AccessPolicyAssignment redis-access-agent',
      'azure-native:redisenterprise:AccessPolicyAssignment redis-access-api',
      'azure-native:redisenterprise:Database redis-db',
      'azure-native:redisenterprise:RedisEnterprise redis-cluster',
    ]);
    expect(recorder.ofType('azure-native:redis:Redis')).toHaveLength(0);
  });

  it('prod: HA, TLS 1.2, private only, TLS-only non-cluster database on 10000, NoEviction, AOF, access keys off, protected', async () => {
    const { recorder } = buildProd();
    const cluster = recorder.one('azure-native:redisenterprise:RedisEnterprise');
    expect(cluster.inputs).toEqual({
      clusterName: 'redis-aksplat-prod-weu-abc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      location: 'westeurope',
      sku: { name: 'Balanced_B1' },
      minimumTlsVersion: '1.2',
      highAvailability: 'Enabled',
      publicNetworkAccess: 'Disabled',
      tags: TAGS,
    });
    expect(cluster.protect).toBe(true);
    const db = recorder.one('azure-native:redisenterprise:Database');
    expect(db.inputs).toEqual({
      databaseName: 'default',
      clusterName: 'redis-aksplat-prod-weu-abc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      clientProtocol: 'Encrypted',
      port: 10000,
      clusteringPolicy: 'EnterpriseCluster',
      evictionPolicy: 'NoEviction',
      accessKeysAuthentication: 'Disabled',
      persistence: { aofEnabled: true, aofFrequency: '1s', rdbEnabled: false },
    });
    expect(db.protect).toBe(true);
  });

  it('dev: Balanced_B0 without HA or persistence, not protected, still private', async () => {
    const { recorder } = build('dev');
    const cluster = recorder.one('azure-native:redisenterprise:RedisEnterprise');
    expect(cluster.inputs).toMatchObject({ sku: { name: 'Balanced_B0' }, highAvailability: 'Disabled', publicNetworkAccess: 'Disabled', minimumTlsVersion: '1.2' });
    expect(cluster.protect).toBe(false);
    const db = recorder.one('azure-native:redisenterprise:Database');
    expect(db.inputs).toMatchObject({ persistence: { aofEnabled: false, rdbEnabled: false }, clientProtocol: 'Encrypted' });
    expect(db.protect).toBe(false);
  });

  it('puts the private endpoint on the cluster with group redisEnterprise', async () => {
    const { recorder } = buildProd();
    const cluster = recorder.one('azure-native:redisenterprise:RedisEnterprise');
    expect(recorder.one('azure-native:network:PrivateEndpoint').inputs).toMatchObject({
      privateEndpointName: 'pe-aksplat-prod-weu-redis',
      subnet: { id: SUBNET },
      privateLinkServiceConnections: [{ privateLinkServiceId: cluster.id, groupIds: ['redisEnterprise'] }],
      tags: TAGS,
    });
    expect(recorder.one('azure-native:network:PrivateDnsZoneGroup').inputs.privateDnsZoneConfigs).toEqual([{ name: 'redisEnterprise', privateDnsZoneId: AMR_ZONE }]);
  });

  it('Entra only: the api and agent identities get the default access policy, one write at a time; no key is ever listed', async () => {
    const { recorder, outputs: cache } = buildProd();
    const db = recorder.one('azure-native:redisenterprise:Database');
    const api = recorder.one('azure-native:redisenterprise:AccessPolicyAssignment', 'redis-access-api');
    const agent = recorder.one('azure-native:redisenterprise:AccessPolicyAssignment', 'redis-access-agent');
    expect(api.inputs).toEqual({
      accessPolicyAssignmentName: 'api',
      accessPolicyName: 'default',
      clusterName: 'redis-aksplat-prod-weu-abc123',
      databaseName: 'default',
      resourceGroupName: 'rg-aksplat-prod-weu',
      user: { objectId: API_OID },
    });
    expect(agent.inputs.user).toEqual({ objectId: AGENT_OID });
    expect(api.dependencies).toContain(db.urn);
    expect(agent.dependencies).toContain(api.urn);
    // Lists of resources are recorded as their URNs (offline/run-stack.ts outputsOf).
    expect(cache.readyForClients.value).toEqual(expect.arrayContaining(cache.accessPolicyAssignments.value as string[]));
    expect(recorder.calls.map((c) => c.token).filter((t) => /list.*Keys/i.test(t))).toEqual([]);
    expect(cache.hostName).toEqual({ value: 'redis-aksplat-prod-weu-abc123.westeurope.redis.azure.net', secret: false });
    expect(cache.port.value).toBe(10000);
    expect(cache.kind.value).toBe('managed');
    expect(cache.id.value).toMatch(/\/providers\/Microsoft\.Cache\/redisEnterprise\/redis-aksplat-prod-weu-abc123$/);
  });

  it('refuses assignment names Azure would reject and duplicates', async () => {
    installMocks();
    const { RedisCache } = await import('../components/redis-cache');
    expect(() => new RedisCache('redis', { ...prodArgs(), accessPolicyAssignments: [{ name: 'api-1', objectId: API_OID }] })).toThrow(/args\.accessPolicyAssignments\[0\]\.name: "api-1" is not allowed/);
    expect(() => new RedisCache('redis', { ...prodArgs(), accessPolicyAssignments: [{ name: 'api', objectId: API_OID }, { name: 'api', objectId: AGENT_OID }] })).toThrow(/args\.accessPolicyAssignments: names must be unique/);
    await settle();
  });
});

describe('RedisCache (classic Premium, retiring 2028-09-30)', () => {
  it('creates a Premium cache with TLS only on 6380, no public access, zones, replicas and noeviction', async () => {
    const { recorder, outputs: cache } = build('classic');
    expect(recorder.ofType('azure-native:redisenterprise:RedisEnterprise')).toHaveLength(0);
    const redis = recorder.one('azure-native:redis:Redis');
    expect(redis.inputs).toEqual({
      name: 'redis-aksplat-prod-weu-abc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      location: 'westeurope',
      sku: { name: 'Premium', family: 'P', capacity: 2 },
      enableNonSslPort: false,
      minimumTlsVersion: '1.2',
      disableAccessKeyAuthentication: true,
      publicNetworkAccess: 'Disabled',
      redisVersion: '6',
      replicasPerPrimary: 2,
      zones: ['1', '2', '3'],
      redisConfiguration: { maxmemoryPolicy: 'noeviction', aadEnabled: 'true' },
      tags: TAGS,
    });
    expect(redis.protect).toBe(true);
    expect(recorder.one('azure-native:network:PrivateEndpoint').inputs).toMatchObject({ privateLinkServiceConnections: [{ groupIds: ['redisCache'] }] });
    expect(recorder.one('azure-native:network:PrivateDnsZoneGroup').inputs.privateDnsZoneConfigs).toEqual([{ name: 'redisCache', privateDnsZoneId: CLASSIC_ZONE }]);
    expect(recorder.calls.map((c) => c.token).filter((t) => /list.*Keys/i.test(t))).toEqual([]);
    expect(recorder.one('azure-native:redis:AccessPolicyAssignment', 'redis-access-api').inputs).toEqual({
      accessPolicyAssignmentName: 'api',
      accessPolicyName: 'Data Contributor',
      cacheName: 'redis-aksplat-prod-weu-abc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      objectId: API_OID,
      objectIdAlias: 'api',
    });
    expect(cache.port.value).toBe(6380);
    expect(cache.hostName.value).toBe('redis-aksplat-prod-weu-abc123.redis.cache.windows.net');
    expect(cache.kind.value).toBe('classic');
  });
});

describe('RedisCache argument errors', () => {
  const bad: [string, Partial<RedisCacheArgs>, RegExp][] = [
    ['unknown managed SKU', { sku: 'Balanced_B2' }, /args\.sku: "Balanced_B2" is not an Azure Managed Redis SKU; allowed: "Balanced_B0", "Balanced_B1"/],
    ['retired Enterprise SKU', { sku: 'Enterprise_E10' }, /args\.sku: "Enterprise_E10" is not an Azure Managed Redis SKU/],
    ['classic SKU on managed', { sku: 'P1' }, /args\.sku: "P1" is not an Azure Managed Redis SKU/],
    ['managed SKU on classic', { ...classicArgs(), sku: 'Balanced_B1' }, /args\.sku: "Balanced_B1" is not a classic Azure Cache for Redis Premium SKU; allowed: "P1", "P2", "P3", "P4", "P5"/],
    ['unknown kind', { kind: 'enterprise' as never }, /args\.kind: kind "enterprise" is not allowed; allowed: "managed", "classic"/],
    ['unknown eviction policy', { evictionPolicy: 'LRU' }, /args\.evictionPolicy: .*allowed: .*"NoEviction"/],
    ['unknown persistence', { persistence: 'Always' as never }, /args\.persistence: .*allowed: "None", "AOF", "RDB"/],
    ['zones on managed', { zones: ['1'] }, /args\.zones: zones apply to kind "classic" only/],
    ['replicas out of range', { ...classicArgs(), replicasPerPrimary: 4 }, /args\.replicasPerPrimary: 4 .*from 1 to 3/],
    ['zone 5 on classic', { ...classicArgs(), zones: ['1', '5'] }, /args\.zones: zones \["5"\] are not allowed/],
    ['persistence on classic', { ...classicArgs(), persistence: 'AOF' }, /args\.persistence: persistence applies to kind "managed" only/],
  ];

  it.each(bad)('rejects %s with a message naming the arg, and registers no child', async (_label, patch, message) => {
    const recorder = installMocks();
    const { RedisCache } = await import('../components/redis-cache');
    expect(() => new RedisCache('redis', { ...prodArgs(), ...patch })).toThrow(message);
    await settle();
    expect(recorder.resources.filter((r) => r.type !== 'aks-platform:index:RedisCache')).toEqual([]);
    expect(recorder.calls).toEqual([]);
  });
});
