/**
 * The RedisCache builds of test/redis-cache.test.ts, made once per jest run on the program-run
 * server and cached with its runs (offline/run-stack.ts, `build`): each build constructs the cache
 * under the mocks (stack `test`) and returns it. The arguments are exported for the test's
 * refused-argument cases, which construct in the test file.
 */
import type { RedisCacheArgs } from '../../../components/redis-cache';
import { naming, PE_SUBNET, tags } from './common';

export { PE_SUBNET as SUBNET, tags as TAGS };
export const AMR_ZONE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.redis.azure.net';
export const CLASSIC_ZONE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.redis.cache.windows.net';
export const API_OID = '0a0a0a0a-0000-4000-8000-00000000a001';
export const AGENT_OID = '0a0a0a0a-0000-4000-8000-00000000a002';

export function prodArgs(): RedisCacheArgs {
  return {
    naming,
    resourceGroupName: 'rg-aksplat-prod-weu',
    tags,
    sku: 'Balanced_B1',
    highAvailability: true,
    persistence: 'AOF',
    privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: AMR_ZONE },
    protect: true,
    accessPolicyAssignments: [
      { name: 'api', objectId: API_OID },
      { name: 'agent', objectId: AGENT_OID },
    ],
  };
}

export function devArgs(): RedisCacheArgs {
  return {
    naming: { prefix: 'aksplat', environment: 'dev', location: 'westeurope', uniqueSuffix: 'def456' },
    resourceGroupName: 'rg-aksplat-dev-weu',
    tags: { ...tags, environment: 'dev' },
    highAvailability: false,
    privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: AMR_ZONE },
  };
}

export function classicArgs(): RedisCacheArgs {
  return {
    ...prodArgs(),
    kind: 'classic',
    sku: 'P2',
    persistence: undefined,
    zones: ['1', '2', '3'],
    replicasPerPrimary: 2,
    privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: CLASSIC_ZONE },
  };
}

/** Loaded when a build runs, after the mocks are installed. */
const cache = async (args: RedisCacheArgs) => new (await import('../../../components/redis-cache')).RedisCache('redis', args);

/** The builds, by name (offline/run-stack.ts `ComponentBuilds`). */
export const builds = {
  prod: () => cache(prodArgs()),
  dev: () => cache(devArgs()),
  classic: () => cache(classicArgs()),
};
