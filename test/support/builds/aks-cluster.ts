/**
 * The AksCluster builds of test/aks-cluster.test.ts, made once per jest run on the program-run
 * server and cached with its runs (offline/run-stack.ts, `build`): each build constructs the
 * cluster under the mocks (stack `prod`) and returns it. The arguments are exported for the
 * test's validation cases, which construct in the test file.
 */
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from '../../../offline/recorded';
import type { AksClusterArgs } from '../../../components/aks-cluster';
import { naming, tags } from './common';

export { naming, tags };
export const RG = 'rg-aksplat-prod-weu';
export const NODES_SUBNET = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-aksplat-prod-weu/subnets/snet-aksplat-prod-weu-nodes`;
export const REGISTRY_ID = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/craksplatprodweuabc123`;
export const ADMINS = '11111111-2222-4333-8444-555555555555';
export const role = (id: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${id}`;

export function prodArgs(): AksClusterArgs {
  return {
    naming,
    resourceGroupName: RG,
    kubernetesVersion: '1.36.2',
    tier: 'Standard',
    // The version calendar is read on a fixed date: the tests never depend on today's.
    clock: () => new Date('2026-12-01T00:00:00Z'),
    nodeSubnetId: NODES_SUBNET,
    systemPool: { name: 'system', vmSize: 'Standard_D4ds_v5', minCount: 3, maxCount: 5, zones: ['1', '2', '3'], maxPods: 110, maxSurge: '33%' },
    userPools: [
      { name: 'mem', vmSize: 'Standard_E8ds_v5', minCount: 2, maxCount: 10, zones: ['1', '2', '3'], labels: { workload: 'memory' }, taints: ['workload=memory:NoSchedule'] },
      { name: 'cpu', vmSize: 'Standard_F8s_v2', minCount: 1, maxCount: 10, zones: ['1', '2', '3'], labels: { workload: 'cpu' }, osDiskSizeGb: 64 },
    ],
    network: { podCidr: '192.168.0.0/16', serviceCidr: '172.16.0.0/16', policy: 'cilium', vnetAddressSpaces: ['10.40.0.0/16'] },
    privateCluster: true,
    tenantId: MOCK_TENANT_ID,
    adminGroupObjectIds: [ADMINS],
    upgrade: { channel: 'patch', nodeOsChannel: 'NodeImage', window: { day: 'Sunday', startHour: 2, durationHours: 4 } },
    logRetentionDays: 90,
    registryId: REGISTRY_ID,
    imageCleanerIntervalHours: 168,
    defender: true,
    encryptionAtHost: true,
    tags,
  };
}

export function devArgs(): AksClusterArgs {
  return {
    ...prodArgs(),
    naming: { ...naming, environment: 'dev' },
    tier: 'Free',
    privateCluster: undefined,
    authorizedIpRanges: ['20.61.12.0/24'],
    systemPool: { name: 'system', vmSize: 'Standard_D4s_v5', minCount: 1, maxCount: 3, onlyCriticalAddons: false },
    userPools: [{ name: 'spot', vmSize: 'Standard_D4ds_v5', minCount: 0, maxCount: 3, spot: true }],
    allowSpot: true,
    network: { podCidr: '192.168.0.0/16', serviceCidr: '172.16.0.0/16', dnsServiceIp: '172.16.0.53', policy: 'azure' },
    upgrade: { channel: 'stable', nodeOsChannel: 'SecurityPatch', window: { day: 'Saturday', startHour: 22, durationHours: 6, utcOffset: '+01:00' } },
    logRetentionDays: undefined,
    imageCleanerIntervalHours: undefined,
    defender: undefined,
    encryptionAtHost: undefined,
    disableLocalAccounts: true,
    kubeloginMode: 'workloadidentity',
  };
}

/** The deploying principal of the `deployer` build. */
export const DEPLOYER = '99999999-8888-4777-8666-555555555555';

/** Loaded when a build runs, after the mocks are installed. */
const cluster = async (name: string, args: AksClusterArgs) => new (await import('../../../components/aks-cluster')).AksCluster(name, args);

/** The builds, by name (offline/run-stack.ts `ComponentBuilds`). */
export const builds = {
  prod: () => cluster('aks', prodArgs()),
  dev: () => cluster('dev', devArgs()),
  win: () => cluster('win', { ...prodArgs(), userPools: [{ name: 'win', vmSize: 'Standard_D4ds_v5', minCount: 1, maxCount: 2, osType: 'Windows' }] }),
  noacr: () => cluster('noacr', { ...prodArgs(), registryId: undefined }),
  deployer: () => cluster('aks', { ...prodArgs(), adminGroupObjectIds: [], deployerObjectId: DEPLOYER }),
  localAccounts: () => cluster('aks', { ...prodArgs(), adminGroupObjectIds: [], disableLocalAccounts: false }),
};
