import * as pulumi from '@pulumi/pulumi';
import * as redis from '@pulumi/azure-native/redis';
import * as redisenterprise from '@pulumi/azure-native/redisenterprise';
import type { redisenterprise as redisenterpriseInputs } from '@pulumi/azure-native/types/input';
import { globalResourceName, resourceName } from '../lib/naming';
import { REDIS_SKUS_WITHOUT_GEO_REPLICATION, redisSupportsGeoReplication } from '../lib/regions';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';
import { zonesProblem } from '../lib/rules';
import {
  DEFAULT_MANAGED_REDIS_SKU,
  REDIS_TLS_PORT,
  RedisKind,
  RedisPersistenceMode,
  classicMaxMemoryPolicy,
  classicRedisCapacity,
  classicRedisReplicasProblem,
  redisEvictionPolicyProblem,
  redisKindProblem,
  redisPersistenceProblem,
  redisSkuProblem,
} from '../lib/data-services';
import { PrivateEndpointPlacement, PrivateLink } from './private-link';
import { AzureComponentArgs } from '../lib/component-args';

/** Arguments of {@link RedisCache}. */
export interface RedisCacheArgs extends AzureComponentArgs {
  /**
   * `managed` (default): Azure Managed Redis (`redisenterprise`, TLS port 10000).
   * `classic`: Azure Cache for Redis Premium (TLS port 6380), retiring 2028-09-30. Plain value: it picks the resource types.
   */
  kind?: RedisKind;
  /** SKU: Azure Managed Redis (`Balanced_B0`, `Balanced_B1`, `MemoryOptimized_M10`, `ComputeOptimized_X3`, …; default Balanced_B0) or classic `P1`…`P5` (default P1). */
  sku?: pulumi.Input<string>;
  /** High availability (replication); default true; production requires it. Managed: `highAvailability` Enabled/Disabled; classic Premium always replicates. */
  highAvailability?: pulumi.Input<boolean>;
  /** Eviction policy; default `NoEviction` (Redis also holds the job stream, which must never be evicted). */
  evictionPolicy?: pulumi.Input<string>;
  /** Managed only: persistence `None` (default), `AOF` (every second) or `RDB` (hourly snapshots). */
  persistence?: pulumi.Input<RedisPersistenceMode>;
  /** Classic only: availability zones of the cache, e.g. ["1","2","3"]. */
  zones?: pulumi.Input<string[]>;
  /** Classic only: replicas per primary, 1..3; default 1. */
  replicasPerPrimary?: pulumi.Input<number>;
  /** Private endpoint placement: zone `privatelink.redis.azure.net` (managed) or `privatelink.redis.cache.windows.net` (classic). */
  privateEndpoint: PrivateEndpointPlacement;
  /**
   * Managed only: join an active geo-replication group (every cache of the group is writable,
   * CRDT replication between them). `linkedDatabaseIds` lists every database of the group,
   * this one included; the group is set when the cache is created. Not on Balanced B0/B1
   * (lib/regions.ts); persistence must be `None`.
   */
  geoReplication?: { groupNickname: string; linkedDatabaseIds: pulumi.Input<string>[] };
  /** Protect the cache (and the managed database) from deletion (`protect: true`); production: true. */
  protect?: boolean;
  /**
   * The Entra principals (the apps' managed identities) that may use the data: one access policy
   * assignment each (managed: policy `default`; classic: `Data Contributor`). Access keys are
   * disabled, so these are the only clients. Plain list: one resource each.
   */
  accessPolicyAssignments?: RedisAccessPolicyAssignment[];
}

/** One Entra principal allowed to use Redis. */
export interface RedisAccessPolicyAssignment {
  /** Short name of the assignment (e.g. the app: `api`); 1–60 letters and digits. */
  name: string;
  /** Object (principal) id of the managed identity: the Redis user name it AUTHs with. */
  objectId: pulumi.Input<string>;
}

/** The access policy of Azure Managed Redis (only "default" exists) and of a classic cache (built-in, no FLUSHALL/CONFIG/…). */
export const REDIS_ACCESS_POLICY: Record<RedisKind, string> = { managed: 'default', classic: 'Data Contributor' };

/**
 * The platform's Redis, reachable only through Private Link, TLS 1.2+ only,
 * with Microsoft Entra authentication only: access keys are disabled and never
 * read, so neither Azure nor the stack's state holds a key the apps use; the
 * apps' identities get access policy assignments.
 * Default is Azure Managed Redis; the classic Premium cache stays selectable
 * with `kind: "classic"` until its retirement on 2028-09-30.
 */
export class RedisCache extends pulumi.ComponentResource {
  /** Which offering was created. */
  public readonly kind: pulumi.Output<RedisKind>;
  /** Host name (REDIS_HOST); inside the VNet it resolves to the private endpoint. */
  public readonly hostName: pulumi.Output<string>;
  /** TLS port (REDIS_PORT): 10000 (managed) or 6380 (classic). */
  public readonly port: pulumi.Output<number>;
  /** The access policy assignments, in the order given (what a client waits for before it AUTHs). */
  public readonly accessPolicyAssignments: pulumi.Resource[];
  /** ARM ID of the cluster (managed) or cache (classic). */
  public readonly id: pulumi.Output<string>;
  /** Azure name of the cluster or cache. */
  public readonly cacheName: pulumi.Output<string>;
  /** ARM ID of the private endpoint. */
  public readonly privateEndpointId: pulumi.Output<string>;
  /** The private endpoint and its DNS zone group. */
  public readonly privateLink: PrivateLink;
  /**
   * What a client must wait for before it connects by name from the VNet: the
   * cache (and its database) and the private endpoint's DNS zone group (lib/create-order.ts).
   */
  public readonly readyForClients: pulumi.Resource[];

  constructor(name: string, args: RedisCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:RedisCache', name, {}, opts);
    const problems = redisArgProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('RedisCache', name, problems), this);

    const kind: RedisKind = args.kind ?? 'managed';
    const location = args.location ?? args.naming.location;
    const azureName = globalResourceName(args.naming, 'redis');
    const protect = args.protect ?? false;
    const evictionPolicy = args.evictionPolicy ?? 'NoEviction';

    let target: pulumi.Resource;
    const serving: pulumi.Resource[] = [];
    let targetId: pulumi.Output<string>;
    if (kind === 'managed') {
      const cluster = new redisenterprise.RedisEnterprise(
        `${name}-cluster`,
        {
          clusterName: azureName,
          resourceGroupName: args.resourceGroupName,
          location,
          sku: { name: args.sku ?? DEFAULT_MANAGED_REDIS_SKU },
          minimumTlsVersion: '1.2',
          highAvailability: pulumi.output(args.highAvailability ?? true).apply((on) => (on ? 'Enabled' : 'Disabled')),
          publicNetworkAccess: 'Disabled',
          tags: args.tags,
        },
        { parent: this, protect },
      );
      const database = new redisenterprise.Database(
        `${name}-db`,
        {
          // Azure Managed Redis has exactly one database per cluster and it must be named "default".
          databaseName: 'default',
          clusterName: cluster.name,
          resourceGroupName: args.resourceGroupName,
          clientProtocol: 'Encrypted',
          port: REDIS_TLS_PORT.managed,
          clusteringPolicy: 'EnterpriseCluster',
          evictionPolicy,
          // Entra only (lib/app-identities.ts DATA_ACCESS_FACTS.redisEntra).
          accessKeysAuthentication: 'Disabled',
          persistence: pulumi.output(args.persistence ?? 'None').apply(persistenceSettings),
          ...(args.geoReplication
            ? { geoReplication: { groupNickname: args.geoReplication.groupNickname, linkedDatabases: args.geoReplication.linkedDatabaseIds.map((id) => ({ id })) } }
            : {}),
        },
        { parent: this, protect },
      );
      this.accessPolicyAssignments = oneAtATime(database, args.accessPolicyAssignments, (a, previous) =>
        new redisenterprise.AccessPolicyAssignment(
          `${name}-access-${a.name}`,
          {
            accessPolicyAssignmentName: a.name,
            accessPolicyName: REDIS_ACCESS_POLICY.managed,
            clusterName: cluster.name,
            databaseName: database.name,
            resourceGroupName: args.resourceGroupName,
            user: { objectId: a.objectId },
          },
          { parent: this, dependsOn: [previous] },
        ),
      );
      target = cluster;
      serving.push(cluster, database);
      targetId = cluster.id;
      this.hostName = cluster.hostName;
      this.port = database.port.apply((p) => p ?? REDIS_TLS_PORT.managed);
      this.cacheName = cluster.name;
    } else {
      const sku = args.sku ?? 'P1';
      const cache = new redis.Redis(
        `${name}-cache`,
        {
          name: azureName,
          resourceGroupName: args.resourceGroupName,
          location,
          sku: { name: 'Premium', family: 'P', capacity: pulumi.output(sku).apply(classicRedisCapacity) },
          enableNonSslPort: false,
          minimumTlsVersion: '1.2',
          // Entra only: the apps' identities through access policy assignments.
          disableAccessKeyAuthentication: true,
          publicNetworkAccess: 'Disabled',
          redisVersion: '6',
          replicasPerPrimary: args.replicasPerPrimary ?? 1,
          zones: args.zones,
          redisConfiguration: { maxmemoryPolicy: pulumi.output(evictionPolicy).apply(classicMaxMemoryPolicy), aadEnabled: 'true' },
          tags: args.tags,
        },
        { parent: this, protect },
      );
      this.accessPolicyAssignments = oneAtATime(cache, args.accessPolicyAssignments, (a, previous) =>
        new redis.AccessPolicyAssignment(
          `${name}-access-${a.name}`,
          {
            accessPolicyAssignmentName: a.name,
            accessPolicyName: REDIS_ACCESS_POLICY.classic,
            cacheName: cache.name,
            resourceGroupName: args.resourceGroupName,
            objectId: a.objectId,
            objectIdAlias: a.name,
          },
          { parent: this, dependsOn: [previous] },
        ),
      );
      target = cache;
      targetId = cache.id;
      this.hostName = cache.hostName;
      this.port = cache.sslPort;
      this.cacheName = cache.name;
    }

    const endpoint = (this.privateLink = new PrivateLink(
      `${name}-pl`,
      {
        resourceGroupName: args.resourceGroupName,
        location,
        ...args.privateEndpoint,
        targetResourceId: targetId,
        groupId: kind === 'managed' ? 'redisEnterprise' : 'redisCache',
        endpointName: resourceName(args.naming, 'privateEndpoint', 'redis'),
        tags: args.tags,
      },
      { parent: this, dependsOn: [target] },
    ));
    this.readyForClients = [...(serving.length > 0 ? serving : [target]), ...this.accessPolicyAssignments, ...endpoint.ready];

    this.kind = pulumi.output(kind);
    this.id = targetId;
    this.privateEndpointId = endpoint.endpointId;
    this.registerOutputs({
      kind: this.kind,
      hostName: this.hostName,
      port: this.port,
      id: this.id,
      cacheName: this.cacheName,
      privateEndpointId: this.privateEndpointId,
    });
  }
}

function persistenceSettings(mode: RedisPersistenceMode): redisenterpriseInputs.PersistenceArgs {
  switch (mode) {
    case 'AOF':
      return { aofEnabled: true, aofFrequency: '1s', rdbEnabled: false };
    case 'RDB':
      return { rdbEnabled: true, rdbFrequency: '1h', aofEnabled: false };
    default:
      return { aofEnabled: false, rdbEnabled: false };
  }
}

/** Every problem with the plain (non-Output) arguments, each naming its path; empty when fine. */
export function redisArgProblems(args: RedisCacheArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const check = (path: string, problem: string | undefined) => {
    if (problem) problems.push({ path, problem });
  };
  const kind = args.kind ?? 'managed';
  const kindProblem = redisKindProblem(kind);
  check('kind', kindProblem);
  if (kindProblem) return problems;
  const assignments = (args.accessPolicyAssignments ?? []).map((a) => a.name);
  assignments.forEach((n, i) => check(`accessPolicyAssignments[${i}].name`, /^[A-Za-z0-9]{1,60}$/.test(n) ? undefined : `"${n}" is not allowed; use 1–60 letters and digits`));
  if (new Set(assignments).size !== assignments.length) check('accessPolicyAssignments', `names must be unique; got ${assignments.join(', ')}`);
  const sku = knownValue(args.sku);
  if (sku !== undefined) check('sku', redisSkuProblem(kind, sku));
  const eviction = knownValue(args.evictionPolicy);
  if (eviction !== undefined) check('evictionPolicy', redisEvictionPolicyProblem(eviction));
  const persistence = knownValue(args.persistence);
  if (persistence !== undefined) check('persistence', redisPersistenceProblem(persistence));
  const zones = knownValue(args.zones);
  const replicas = knownValue(args.replicasPerPrimary);
  if (args.geoReplication) {
    if (kind !== 'managed') check('geoReplication', 'active geo-replication applies to kind "managed" only');
    else if (typeof sku === 'string' && !redisSupportsGeoReplication(kind, sku)) check('geoReplication', `"${sku}" has no active geo-replication (not on ${REDIS_SKUS_WITHOUT_GEO_REPLICATION.join(', ')})`);
    if (persistence !== undefined && persistence !== 'None') check('persistence', `"${persistence}" with active geo-replication; allowed: None`);
  }
  if (kind === 'managed') {
    if (args.zones !== undefined) check('zones', 'zones apply to kind "classic" only; Azure Managed Redis places its nodes across zones itself');
    if (args.replicasPerPrimary !== undefined) check('replicasPerPrimary', 'replicasPerPrimary applies to kind "classic" only');
  } else {
    if (args.persistence !== undefined) check('persistence', 'persistence applies to kind "managed" only');
    if (zones !== undefined && Array.isArray(zones)) check('zones', zonesProblem(zones as string[]));
    if (replicas !== undefined) check('replicasPerPrimary', classicRedisReplicasProblem(replicas));
    if (knownValue(args.highAvailability) === false) {
      check('highAvailability', 'a classic Premium cache always replicates; highAvailability false is only meaningful for kind "managed"');
    }
  }
  return problems;
}

/**
 * Creates one resource per item, each waiting for the previous one (the first for
 * `first`): the access policy assignments of a cache are written one at a time, like
 * the other children of a single parent.
 */
function oneAtATime<T, R extends pulumi.Resource>(first: pulumi.Resource, items: readonly T[] | undefined, create: (item: T, previous: pulumi.Resource) => R): R[] {
  let previous = first;
  return (items ?? []).map((item) => (previous = create(item, previous)));
}
