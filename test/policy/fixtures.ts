/**
 * Resource shapes for the policy tests: compliant azure-native inputs (the
 * property names of @pulumi/azure-native v3) that a case then breaks.
 */
import type { ResourceView } from '../../policy/model';
import { ACR_PULL_ROLE_ID, T } from '../../policy/rules';

export const TAGS = { environment: 'prod', team: 'platform', service: 'aks-platform', 'cost-center': 'cc-1234', 'managed-by': 'pulumi' };

const DIGEST = `sha256:${'a'.repeat(64)}`;
export const PINNED_IMAGE = `craksplatprodweuabc123.azurecr.io/api@${DIGEST}`;

/** A resource view in stack `stack` (default prod). */
export function view(type: string, name: string, props: Record<string, unknown>, extra: Partial<ResourceView> = {}, stack = 'prod'): ResourceView {
  return {
    urn: `urn:pulumi:${stack}::aks-platform::${type}::${name}`,
    type,
    name,
    props,
    protect: false,
    dependencies: [],
    id: `/subscriptions/s/resourceGroups/rg/providers/x/${name}`,
    ...extra,
  };
}

export function cluster(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceGroupName: 'rg',
    tags: TAGS,
    enableRBAC: true,
    disableLocalAccounts: true,
    aadProfile: { managed: true, enableAzureRBAC: true },
    sku: { name: 'Base', tier: 'Standard' },
    autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
    apiServerAccessProfile: { authorizedIPRanges: ['52.174.10.0/28'] },
    networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium', networkDataplane: 'cilium' },
    addonProfiles: {
      omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log', useAADAuth: 'true' } },
      azurepolicy: { enabled: true },
      azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'true', rotationPollInterval: '2m' } },
    },
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: 3, vmSize: 'Standard_D4ds_v5', enableNodePublicIP: false, nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] },
    ],
    ...overrides,
  };
}

export function agentPool(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceGroupName: 'rg', resourceName: 'aks', mode: 'User', vmSize: 'Standard_D4ds_v5', enableNodePublicIP: false, tags: TAGS, ...overrides };
}

export function registry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceGroupName: 'rg',
    sku: { name: 'Premium' },
    adminUserEnabled: false,
    anonymousPullEnabled: false,
    publicNetworkAccess: 'Disabled',
    zoneRedundancy: 'Enabled',
    policies: { retentionPolicy: { status: 'enabled', days: 7 } },
    tags: TAGS,
    ...overrides,
  };
}

export function postgres(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceGroupName: 'rg',
    version: '16',
    sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' },
    backup: { backupRetentionDays: 35, geoRedundantBackup: 'Enabled' },
    highAvailability: { mode: 'ZoneRedundant' },
    network: { publicNetworkAccess: 'Disabled' },
    tags: TAGS,
    ...overrides,
  };
}

export function vault(overrides: Record<string, unknown> = {}, propertyOverrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceGroupName: 'rg',
    tags: TAGS,
    properties: {
      tenantId: 't',
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enablePurgeProtection: true,
      publicNetworkAccess: 'Disabled',
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
      ...propertyOverrides,
    },
    ...overrides,
  };
}

export function redisEnterprise(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceGroupName: 'rg', sku: { name: 'Balanced_B1' }, minimumTlsVersion: '1.2', publicNetworkAccess: 'Disabled', tags: TAGS, ...overrides };
}

export function redisClassic(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { resourceGroupName: 'rg', sku: { name: 'Premium', family: 'P', capacity: 1 }, enableNonSslPort: false, minimumTlsVersion: '1.2', publicNetworkAccess: 'Disabled', tags: TAGS, ...overrides };
}

/** A private endpoint to `target` with the given group id; linked by id and by dependency. */
export function privateEndpointTo(target: ResourceView, groupId: string, stack = 'prod'): ResourceView {
  return view(T.privateEndpoint, `${target.name}-pe`, {
    resourceGroupName: 'rg',
    tags: TAGS,
    privateLinkServiceConnections: [{ name: 'c', privateLinkServiceId: target.id, groupIds: [groupId] }],
  }, { dependencies: [target.urn] }, stack);
}

/** An AcrPull role assignment from `cluster`'s kubelet identity on `registry`. */
export function acrPull(clusterView: ResourceView, registryView: ResourceView, role = ACR_PULL_ROLE_ID): ResourceView {
  return view(T.roleAssignment, 'acr-pull', {
    principalId: 'kubelet-object-id',
    principalType: 'ServicePrincipal',
    roleDefinitionId: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    scope: registryView.id,
  }, { dependencies: [clusterView.urn, registryView.urn] });
}

export function helmRelease(values: Record<string, unknown>): Record<string, unknown> {
  return { chart: './apps/chart', namespace: 'api', atomic: true, values };
}

export { DIGEST };
