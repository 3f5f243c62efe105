/**
 * Every rule of policy/rules.ts against a compliant and a violating resource
 * (table-driven), plus the enforcement-level logic shared by the pack and the plan.
 */
import { checkResource, contextFor, evaluate, isTaggable } from '../../policy/evaluate';
import type { ResourceView } from '../../policy/model';
import { environmentForStack, stackFromUrn } from '../../policy/model';
import { imageReferences, RULES, T } from '../../policy/rules';
import { DELIVERY_RULES } from '../../policy/rules-delivery';
import { HARDENING_RULES } from '../../policy/rules-hardening';
import {
  acrPull, agentPool, cluster, DIGEST, helmRelease, PINNED_IMAGE, postgres, privateEndpointTo, redisClassic,
  redisEnterprise, registry, TAGS, vault, view,
} from './fixtures';

type Outcome = 'pass' | 'mandatory' | 'advisory';

interface Case {
  rule: string;
  title: string;
  resource: ResourceView;
  /** Other resources of the stack (for cross-resource rules). */
  others?: ResourceView[];
  stack?: string;
  expected: Outcome;
  /** A fragment the (first) finding's message must contain. */
  message?: string;
}

const aks = (props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}) => view(T.managedCluster, 'aks', cluster(props), extra);
const acr = (props: Record<string, unknown> = {}, stack = 'prod') => view(T.registry, 'acr', registry(props), {}, stack);
const pg = (props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}, stack = 'prod') => view(T.postgresServer, 'pg', postgres(props), extra, stack);
const kv = (props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}) => view(T.vault, 'kv', vault({}, props), extra);
const amr = (props: Record<string, unknown> = {}, extra: Partial<ResourceView> = {}) => view(T.redisEnterprise, 'redis', redisEnterprise(props), extra);
const redis = (props: Record<string, unknown> = {}) => view(T.redis, 'redis-classic', redisClassic(props));
const addons = cluster().addonProfiles as Record<string, unknown>;
const systemPool = (cluster().agentPoolProfiles as Record<string, unknown>[])[0];

const registryView = acr();
const endpoint = view(T.frontDoorEndpoint, 'endpoint', { endpointName: 'fde-x' });
const traefikRelease = (annotations: Record<string, string>) => ({ chart: 'traefik', namespace: 'gateway', values: { providers: { kubernetesGateway: { enabled: true } }, service: { annotations } } });
const wafPolicy = (props: Record<string, unknown> = {}) => ({
  sku: { name: 'Premium_AzureFrontDoor' },
  policySettings: { enabledState: 'Enabled', mode: 'Prevention' },
  managedRules: { managedRuleSets: [{ ruleSetType: 'Microsoft_DefaultRuleSet', ruleSetVersion: '2.1', ruleSetAction: 'Block' }, { ruleSetType: 'Microsoft_BotManagerRuleSet', ruleSetVersion: '1.1' }] },
  customRules: { rules: [{ name: 'RateLimitPerClientIp', ruleType: 'RateLimitRule', enabledState: 'Enabled', rateLimitThreshold: 1000 }] },
  ...props,
});
const clusterView = aks();

const CASES: Case[] = [
  // AKS
  { rule: 'aks-container-insights', title: 'omsagent with a workspace', resource: aks(), expected: 'pass' },
  { rule: 'aks-container-insights', title: 'omsagent key in another case (ARM is case-insensitive)', resource: aks({ addonProfiles: { ...addons, omsagent: undefined, omsAgent: addons.omsagent } }), expected: 'pass' },
  { rule: 'aks-container-insights', title: 'omsagent disabled', resource: aks({ addonProfiles: { ...addons, omsagent: { enabled: false } } }), expected: 'mandatory', message: 'omsagent.enabled' },
  { rule: 'aks-container-insights', title: 'omsagent without workspace', resource: aks({ addonProfiles: { ...addons, omsagent: { enabled: true } } }), expected: 'mandatory', message: 'logAnalyticsWorkspaceResourceID' },
  { rule: 'aks-kubernetes-rbac', title: 'RBAC on', resource: aks(), expected: 'pass' },
  { rule: 'aks-kubernetes-rbac', title: 'RBAC off', resource: aks({ enableRBAC: false }), expected: 'mandatory', message: 'enableRBAC is false' },
  { rule: 'aks-api-server-restricted', title: 'authorized ranges', resource: aks(), expected: 'pass' },
  { rule: 'aks-api-server-restricted', title: 'private cluster without ranges', resource: aks({ apiServerAccessProfile: { enablePrivateCluster: true } }), expected: 'pass' },
  { rule: 'aks-api-server-restricted', title: 'public, no ranges', resource: aks({ apiServerAccessProfile: {} }), expected: 'mandatory', message: 'authorizedIPRanges is empty' },
  { rule: 'aks-api-server-restricted', title: 'open to the internet', resource: aks({ apiServerAccessProfile: { authorizedIPRanges: ['0.0.0.0/0'] } }), expected: 'mandatory', message: 'whole internet' },
  { rule: 'aks-private-cluster', title: 'private cluster', resource: aks({ apiServerAccessProfile: { enablePrivateCluster: true } }), expected: 'pass' },
  { rule: 'aks-private-cluster', title: 'authorized ranges instead (advisory in prod too)', resource: aks(), expected: 'advisory', message: 'enablePrivateCluster' },
  { rule: 'aks-private-cluster', title: 'public and unrestricted', resource: aks({ apiServerAccessProfile: { authorizedIPRanges: ['0.0.0.0/0'] } }), expected: 'mandatory' },
  { rule: 'aks-network-policy', title: 'cilium', resource: aks(), expected: 'pass' },
  { rule: 'aks-network-policy', title: 'none', resource: aks({ networkProfile: { networkPlugin: 'azure', networkPolicy: 'none' } }), expected: 'mandatory', message: '"none"' },
  { rule: 'aks-dashboard-disabled', title: 'no dashboard', resource: aks(), expected: 'pass' },
  { rule: 'aks-dashboard-disabled', title: 'dashboard on', resource: aks({ addonProfiles: { ...addons, kubeDashboard: { enabled: true } } }), expected: 'mandatory' },
  { rule: 'aks-azure-policy-addon', title: 'azurepolicy on', resource: aks(), expected: 'pass' },
  { rule: 'aks-azure-policy-addon', title: 'azurepolicy missing', resource: aks({ addonProfiles: { omsagent: addons.omsagent } }), expected: 'mandatory' },
  { rule: 'aks-local-accounts-disabled', title: 'disabled', resource: aks(), expected: 'pass' },
  { rule: 'aks-local-accounts-disabled', title: 'not set', resource: aks({ disableLocalAccounts: undefined }), expected: 'mandatory', message: 'disableLocalAccounts is not set' },
  { rule: 'aks-entra-azure-rbac', title: 'managed + Azure RBAC', resource: aks(), expected: 'pass' },
  { rule: 'aks-entra-azure-rbac', title: 'no Azure RBAC', resource: aks({ aadProfile: { managed: true } }), expected: 'mandatory', message: 'aadProfile.enableAzureRBAC' },
  { rule: 'aks-no-node-public-ip', title: 'no public IPs', resource: aks(), expected: 'pass' },
  { rule: 'aks-no-node-public-ip', title: 'inline pool with public IPs', resource: aks({ agentPoolProfiles: [{ ...systemPool, enableNodePublicIP: true }] }), expected: 'mandatory', message: 'node pool "system"' },
  { rule: 'aks-no-node-public-ip', title: 'user AgentPool with public IPs', resource: view(T.agentPool, 'apps', agentPool({ enableNodePublicIP: true })), expected: 'mandatory', message: 'agent pool apps' },
  { rule: 'aks-uptime-sla', title: 'Standard tier', resource: aks(), expected: 'pass' },
  { rule: 'aks-uptime-sla', title: 'Free tier in prod', resource: aks({ sku: { name: 'Base', tier: 'Free' } }), expected: 'mandatory' },
  { rule: 'aks-uptime-sla', title: 'Free tier in dev', resource: view(T.managedCluster, 'aks', cluster({ sku: { name: 'Base', tier: 'Free' } }), {}, 'dev'), stack: 'dev', expected: 'advisory', message: 'sku.tier is "Free"' },
  { rule: 'aks-auto-upgrade', title: 'patch channel', resource: aks(), expected: 'pass' },
  { rule: 'aks-auto-upgrade', title: 'channel none', resource: aks({ autoUpgradeProfile: { upgradeChannel: 'none' } }), expected: 'mandatory' },
  { rule: 'aks-secrets-provider-rotation', title: 'rotation on', resource: aks(), expected: 'pass' },
  { rule: 'aks-secrets-provider-rotation', title: 'rotation off', resource: aks({ addonProfiles: { ...addons, azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'false' } } } }), expected: 'mandatory', message: 'enableSecretRotation is "false"' },
  { rule: 'aks-system-pool-critical-addons-only', title: 'tainted system pool', resource: aks(), expected: 'pass' },
  { rule: 'aks-system-pool-critical-addons-only', title: 'untainted system pool', resource: aks({ agentPoolProfiles: [{ ...systemPool, nodeTaints: [] }] }), expected: 'mandatory', message: 'lacks the taint' },
  { rule: 'aks-system-pool-critical-addons-only', title: 'user AgentPool needs no taint', resource: view(T.agentPool, 'apps', agentPool()), expected: 'pass' },
  { rule: 'aks-system-pool-critical-addons-only', title: 'system AgentPool without taint', resource: view(T.agentPool, 'sys2', agentPool({ mode: 'System' })), expected: 'mandatory' },
  { rule: 'aks-azure-cni', title: 'azure', resource: aks(), expected: 'pass' },
  { rule: 'aks-azure-cni', title: 'kubenet', resource: aks({ networkProfile: { networkPlugin: 'kubenet', networkPolicy: 'calico' } }), expected: 'mandatory' },
  {
    rule: 'aks-acr-pull-kubelet-identity', title: 'AcrPull from the kubelet identity on the registry',
    resource: clusterView, others: [registryView, acrPull(clusterView, registryView)], expected: 'pass',
  },
  {
    rule: 'aks-acr-pull-kubelet-identity', title: 'no role assignment',
    resource: clusterView, others: [registryView], expected: 'mandatory', message: 'no authorization:RoleAssignment grants AcrPull',
  },
  {
    rule: 'aks-acr-pull-kubelet-identity', title: 'wrong role (Reader)',
    resource: clusterView, others: [registryView, acrPull(clusterView, registryView, 'acdd72a7-3385-48ef-bd42-f606fba81ae7')], expected: 'mandatory',
  },
  {
    rule: 'aks-acr-pull-kubelet-identity', title: 'grant present but admin user on',
    resource: clusterView, others: [acr({ adminUserEnabled: true }), acrPull(clusterView, registryView)], expected: 'mandatory', message: 'adminUserEnabled: true',
  },
  {
    rule: 'aks-acr-pull-kubelet-identity', title: 'image pull secret',
    resource: clusterView, others: [registryView, acrPull(clusterView, registryView), view(T.kubernetesSecret, 'pull', { type: 'kubernetes.io/dockerconfigjson' })], expected: 'mandatory', message: 'image pull secret',
  },

  // Container registry
  { rule: 'acr-admin-user-disabled', title: 'admin off', resource: acr(), expected: 'pass' },
  { rule: 'acr-admin-user-disabled', title: 'admin on', resource: acr({ adminUserEnabled: true }), expected: 'mandatory' },
  { rule: 'acr-admin-user-disabled', title: 'admin on in dev is still mandatory', resource: acr({ adminUserEnabled: true }, 'dev'), stack: 'dev', expected: 'mandatory' },
  { rule: 'acr-anonymous-pull-disabled', title: 'anonymous off', resource: acr(), expected: 'pass' },
  { rule: 'acr-anonymous-pull-disabled', title: 'anonymous on', resource: acr({ anonymousPullEnabled: true }), expected: 'mandatory' },
  { rule: 'acr-public-network-disabled', title: 'disabled', resource: acr(), expected: 'pass' },
  { rule: 'acr-public-network-disabled', title: 'enabled in prod', resource: acr({ publicNetworkAccess: 'Enabled' }), expected: 'mandatory' },
  { rule: 'acr-public-network-disabled', title: 'enabled in dev', resource: acr({ publicNetworkAccess: 'Enabled' }, 'dev'), stack: 'dev', expected: 'advisory' },
  { rule: 'acr-zone-redundancy', title: 'enabled', resource: acr(), expected: 'pass' },
  { rule: 'acr-zone-redundancy', title: 'not set', resource: acr({ zoneRedundancy: undefined }), expected: 'mandatory' },
  { rule: 'acr-retention-policy', title: 'retention 7 days', resource: acr(), expected: 'pass' },
  { rule: 'acr-retention-policy', title: 'no policies', resource: acr({ policies: undefined }), expected: 'mandatory' },
  { rule: 'acr-retention-policy', title: 'retention disabled', resource: acr({ policies: { retentionPolicy: { status: 'disabled', days: 7 } } }), expected: 'mandatory', message: 'status' },

  // PostgreSQL
  { rule: 'postgres-geo-redundant-backup', title: 'enabled', resource: pg(), expected: 'pass' },
  { rule: 'postgres-geo-redundant-backup', title: 'disabled in prod', resource: pg({ backup: { geoRedundantBackup: 'Disabled' } }), expected: 'mandatory' },
  { rule: 'postgres-geo-redundant-backup', title: 'disabled in dev', resource: pg({ backup: { geoRedundantBackup: 'Disabled' } }, {}, 'dev'), stack: 'dev', expected: 'advisory', message: 'backup.geoRedundantBackup' },
  { rule: 'postgres-public-network-disabled', title: 'disabled', resource: pg(), expected: 'pass' },
  { rule: 'postgres-public-network-disabled', title: 'enabled', resource: pg({ network: { publicNetworkAccess: 'Enabled' } }), expected: 'mandatory' },
  { rule: 'postgres-high-availability', title: 'zone redundant', resource: pg(), expected: 'pass' },
  { rule: 'postgres-high-availability', title: 'disabled', resource: pg({ highAvailability: { mode: 'Disabled' } }), expected: 'mandatory' },
  { rule: 'postgres-no-open-firewall', title: 'narrow rule', resource: view(T.postgresFirewallRule, 'fw', { startIpAddress: '203.0.113.10', endIpAddress: '203.0.113.10' }), expected: 'pass' },
  { rule: 'postgres-no-open-firewall', title: 'whole IPv4 space', resource: view(T.postgresFirewallRule, 'fw', { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }), expected: 'mandatory' },
  { rule: 'postgres-no-open-firewall', title: 'all Azure services', resource: view(T.postgresFirewallRule, 'fw', { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }), expected: 'mandatory' },

  // Redis
  { rule: 'redis-tls-only', title: 'AMR database encrypted', resource: view(T.redisEnterpriseDatabase, 'db', { clusterName: 'r', clientProtocol: 'Encrypted', port: 10000 }), expected: 'pass' },
  { rule: 'redis-tls-only', title: 'AMR database plaintext', resource: view(T.redisEnterpriseDatabase, 'db', { clusterName: 'r', clientProtocol: 'Plaintext' }), expected: 'mandatory' },
  { rule: 'redis-tls-only', title: 'classic TLS only', resource: redis(), expected: 'pass' },
  { rule: 'redis-tls-only', title: 'classic non-TLS port', resource: redis({ enableNonSslPort: true }), expected: 'mandatory' },
  { rule: 'redis-minimum-tls-1-2', title: 'AMR 1.2', resource: amr(), expected: 'pass' },
  { rule: 'redis-minimum-tls-1-2', title: 'AMR default (always ≥ 1.2)', resource: amr({ minimumTlsVersion: undefined }), expected: 'pass' },
  { rule: 'redis-minimum-tls-1-2', title: 'classic 1.0', resource: redis({ minimumTlsVersion: '1.0' }), expected: 'mandatory' },
  { rule: 'redis-minimum-tls-1-2', title: 'classic not set', resource: redis({ minimumTlsVersion: undefined }), expected: 'mandatory' },
  { rule: 'redis-public-network-disabled', title: 'AMR disabled', resource: amr(), expected: 'pass' },
  { rule: 'redis-public-network-disabled', title: 'AMR enabled', resource: amr({ publicNetworkAccess: 'Enabled' }), expected: 'mandatory' },
  { rule: 'redis-public-network-disabled', title: 'classic enabled', resource: redis({ publicNetworkAccess: 'Enabled' }), expected: 'mandatory' },

  // Key Vault
  { rule: 'keyvault-soft-delete', title: 'on', resource: kv(), expected: 'pass' },
  { rule: 'keyvault-soft-delete', title: 'off', resource: kv({ enableSoftDelete: false }), expected: 'mandatory' },
  { rule: 'keyvault-purge-protection', title: 'on', resource: kv(), expected: 'pass' },
  { rule: 'keyvault-purge-protection', title: 'not set', resource: kv({ enablePurgeProtection: undefined }), expected: 'mandatory', message: 'properties.enablePurgeProtection' },
  { rule: 'keyvault-rbac-authorization', title: 'RBAC', resource: kv(), expected: 'pass' },
  { rule: 'keyvault-rbac-authorization', title: 'access policies', resource: kv({ enableRbacAuthorization: false }), expected: 'mandatory' },
  { rule: 'keyvault-network-default-deny', title: 'deny', resource: kv(), expected: 'pass' },
  { rule: 'keyvault-network-default-deny', title: 'allow', resource: kv({ networkAcls: { defaultAction: 'Allow' } }), expected: 'mandatory' },
  { rule: 'keyvault-public-network-disabled', title: 'disabled', resource: kv(), expected: 'pass' },
  { rule: 'keyvault-public-network-disabled', title: 'enabled', resource: kv({ publicNetworkAccess: 'Enabled' }), expected: 'mandatory' },

  // Private endpoints
  { rule: 'data-service-private-endpoint', title: 'registry with endpoint', resource: registryView, others: [privateEndpointTo(registryView, 'registry')], expected: 'pass' },
  { rule: 'data-service-private-endpoint', title: 'registry without endpoint', resource: registryView, others: [], expected: 'mandatory', message: '"registry"' },
  { rule: 'data-service-private-endpoint', title: 'endpoint to the registry does not cover the vault', resource: kv(), others: [privateEndpointTo(registryView, 'registry')], expected: 'mandatory' },
  { rule: 'data-service-private-endpoint', title: 'wrong group id', resource: kv(), others: [privateEndpointTo(kv(), 'registry')], expected: 'mandatory' },
  { rule: 'data-service-private-endpoint', title: 'vault with endpoint', resource: kv(), others: [privateEndpointTo(kv(), 'vault')], expected: 'pass' },
  { rule: 'data-service-private-endpoint', title: 'AMR with endpoint (linked by dependency only)', resource: amr(), others: [{ ...privateEndpointTo(amr(), 'redisEnterprise'), props: { privateLinkServiceConnections: [{ groupIds: ['redisEnterprise'], privateLinkServiceId: undefined }] } }], expected: 'pass' },
  { rule: 'data-service-private-endpoint', title: 'postgres with VNet integration', resource: pg({ network: { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: '/subscriptions/s/.../snet-pg' } }), others: [], expected: 'pass' },
  { rule: 'data-service-private-endpoint', title: 'postgres with neither', resource: pg(), others: [], expected: 'mandatory', message: 'delegatedSubnetResourceId' },
  { rule: 'data-service-private-endpoint', title: 'postgres without endpoint in dev', resource: pg({}, {}, 'dev'), others: [], stack: 'dev', expected: 'advisory' },

  // Protection
  { rule: 'stateful-resource-protected', title: 'protected server', resource: pg({}, { protect: true }), expected: 'pass' },
  { rule: 'stateful-resource-protected', title: 'unprotected vault in prod', resource: kv(), expected: 'mandatory', message: 'not protected' },
  { rule: 'stateful-resource-protected', title: 'unprotected redis in dev', resource: view(T.redisEnterprise, 'redis', redisEnterprise(), {}, 'dev'), stack: 'dev', expected: 'advisory' },

  // Network
  { rule: 'subnet-has-nsg', title: 'inline subnet with NSG', resource: view(T.virtualNetwork, 'vnet', { tags: TAGS, subnets: [{ name: 'snet-aks', networkSecurityGroup: { id: 'nsg-id' } }, { name: 'GatewaySubnet' }] }), expected: 'pass' },
  { rule: 'subnet-has-nsg', title: 'inline subnet without NSG', resource: view(T.virtualNetwork, 'vnet', { tags: TAGS, subnets: [{ name: 'snet-pe' }] }), expected: 'mandatory', message: '"snet-pe"' },
  { rule: 'subnet-has-nsg', title: 'Subnet resource with NSG', resource: view(T.subnet, 'snet', { subnetName: 'snet-aks', networkSecurityGroup: { id: 'nsg-id' } }), expected: 'pass' },
  { rule: 'subnet-has-nsg', title: 'Subnet resource without NSG', resource: view(T.subnet, 'snet', { subnetName: 'snet-aks' }), expected: 'mandatory' },
  { rule: 'nsg-no-internet-admin-ports', title: 'HTTPS from the Internet only', resource: view(T.networkSecurityGroup, 'nsg', { tags: TAGS, securityRules: [{ name: 'https', direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: 'Internet', destinationPortRange: '443' }] }), expected: 'pass' },
  { rule: 'nsg-no-internet-admin-ports', title: 'SSH from a bastion range', resource: view(T.securityRule, 'ssh', { direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '10.0.250.0/26', destinationPortRange: '22' }), expected: 'pass' },
  { rule: 'nsg-no-internet-admin-ports', title: 'SSH from anywhere', resource: view(T.networkSecurityGroup, 'nsg', { tags: TAGS, securityRules: [{ name: 'ssh', direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', destinationPortRange: '22' }] }), expected: 'mandatory', message: 'port 22' },
  { rule: 'nsg-no-internet-admin-ports', title: 'RDP inside a port range', resource: view(T.securityRule, 'rdp', { direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: 'Internet', destinationPortRanges: ['3000-4000'] }), expected: 'mandatory', message: 'port 3389' },

  // Tags
  { rule: 'required-tags', title: 'all five tags', resource: acr(), expected: 'pass' },
  { rule: 'required-tags', title: 'cost-center missing', resource: acr({ tags: { ...TAGS, 'cost-center': undefined } }), expected: 'mandatory', message: 'cost-center' },
  { rule: 'required-tags', title: 'no tags on a private DNS zone', resource: view('azure-native:privatedns:PrivateZone', 'zone', { privateZoneName: 'privatelink.azurecr.io', location: 'global' }), expected: 'mandatory', message: 'environment, team, service, cost-center, managed-by' },
  { rule: 'required-tags', title: 'not taggable (role assignment)', resource: view(T.roleAssignment, 'ra', { principalId: 'p' }), expected: 'pass' },

  // Helm
  { rule: 'helm-image-pinned-by-digest', title: 'platform chart image.ref by digest', resource: view(T.helmRelease, 'api', helmRelease({ image: { ref: PINNED_IMAGE } })), expected: 'pass' },
  { rule: 'helm-image-pinned-by-digest', title: 'repository + digest', resource: view(T.helmRelease, 'x', helmRelease({ controller: { image: { registry: 'registry.k8s.io', repository: 'ingress-nginx/controller', digest: DIGEST } } })), expected: 'pass' },
  { rule: 'helm-image-pinned-by-digest', title: 'tag only', resource: view(T.helmRelease, 'api', helmRelease({ image: { ref: 'craksplat.azurecr.io/api:latest' } })), expected: 'mandatory', message: 'values.image.ref' },
  { rule: 'helm-image-pinned-by-digest', title: 'digest without registry host (Docker Hub)', resource: view(T.helmRelease, 'api', helmRelease({ image: `api@${DIGEST}` })), expected: 'mandatory' },
  { rule: 'helm-image-pinned-by-digest', title: 'no image at all', resource: view(T.helmRelease, 'api', helmRelease({ replicas: 2 })), expected: 'mandatory', message: 'no image reference' },

  // Edge: ingress, gateway, Front Door
  { rule: 'ingress-not-retired', title: 'app-routing add-on off', resource: aks({ ingressProfile: { webAppRouting: { enabled: false } } }), expected: 'pass' },
  { rule: 'ingress-not-retired', title: 'app-routing add-on on', resource: aks({ ingressProfile: { webAppRouting: { enabled: true } } }), expected: 'mandatory', message: 'webAppRouting.enabled is true' },
  { rule: 'ingress-not-retired', title: 'chart with HTTPRoutes only', resource: view(T.helmRelease, 'api', helmRelease({ image: { ref: PINNED_IMAGE }, route: { enabled: true } })), expected: 'pass' },
  { rule: 'ingress-not-retired', title: 'chart values with the app-routing class', resource: view(T.helmRelease, 'api', helmRelease({ ingress: { enabled: true, className: 'webapprouting.kubernetes.azure.com' } })), expected: 'mandatory', message: 'values.ingress.className' },
  { rule: 'ingress-not-retired', title: 'an Ingress of class nginx', resource: view(T.ingress, 'web', { spec: { ingressClassName: 'nginx' } }), expected: 'mandatory', message: 'retired class "nginx"' },
  { rule: 'ingress-not-retired', title: 'an Ingress with the legacy nginx annotation', resource: view(T.ingress, 'web', { metadata: { annotations: { 'kubernetes.io/ingress.class': 'nginx' } }, spec: {} }), expected: 'mandatory' },
  { rule: 'ingress-not-retired', title: 'an Ingress of another class', resource: view(T.ingress, 'web', { spec: { ingressClassName: 'azure-application-gateway' } }), expected: 'pass' },
  { rule: 'gateway-service-internal', title: 'internal Traefik Service', resource: view(T.helmRelease, 'traefik', traefikRelease({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' })), expected: 'pass' },
  { rule: 'gateway-service-internal', title: 'public Traefik Service (type left at the chart default)', resource: view(T.helmRelease, 'traefik', traefikRelease({})), expected: 'mandatory', message: 'values.service is a public LoadBalancer' },
  { rule: 'gateway-service-internal', title: 'public in dev too', resource: view(T.helmRelease, 'traefik', traefikRelease({}), {}, 'dev'), stack: 'dev', expected: 'mandatory' },
  { rule: 'gateway-service-internal', title: 'not a gateway release', resource: view(T.helmRelease, 'api', helmRelease({ image: { ref: PINNED_IMAGE } })), expected: 'pass' },
  { rule: 'cluster-service-no-public-ip', title: 'ClusterIP Service', resource: view(T.kubernetesService, 'svc', { spec: { type: 'ClusterIP' } }), expected: 'pass' },
  { rule: 'cluster-service-no-public-ip', title: 'internal LoadBalancer', resource: view(T.kubernetesService, 'svc', { metadata: { annotations: { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' } }, spec: { type: 'LoadBalancer' } }), expected: 'pass' },
  { rule: 'cluster-service-no-public-ip', title: 'public LoadBalancer', resource: view(T.kubernetesService, 'svc', { spec: { type: 'LoadBalancer' } }), expected: 'mandatory', message: 'public LoadBalancer' },
  { rule: 'cluster-service-no-public-ip', title: 'public LoadBalancer in dev (advisory)', resource: view(T.kubernetesService, 'svc', { spec: { type: 'LoadBalancer' } }, {}, 'dev'), stack: 'dev', expected: 'advisory' },
  { rule: 'cluster-service-no-public-ip', title: 'a chart asking for a public LoadBalancer', resource: view(T.helmRelease, 'x', helmRelease({ controller: { service: { type: 'LoadBalancer' } } })), expected: 'mandatory', message: 'values.controller.service' },
  { rule: 'front-door-waf-prevention', title: 'Prevention with DRS, bot manager and a rate limit', resource: view(T.frontDoorWafPolicy, 'waf', wafPolicy()), expected: 'pass' },
  { rule: 'front-door-waf-prevention', title: 'Detection in prod', resource: view(T.frontDoorWafPolicy, 'waf', wafPolicy({ policySettings: { enabledState: 'Enabled', mode: 'Detection' } })), expected: 'mandatory', message: 'Prevention' },
  { rule: 'front-door-waf-prevention', title: 'Detection in dev (advisory)', resource: view(T.frontDoorWafPolicy, 'waf', wafPolicy({ policySettings: { enabledState: 'Enabled', mode: 'Detection' } }), {}, 'dev'), stack: 'dev', expected: 'advisory' },
  { rule: 'front-door-waf-prevention', title: 'disabled', resource: view(T.frontDoorWafPolicy, 'waf', wafPolicy({ policySettings: { enabledState: 'Disabled', mode: 'Prevention' } })), expected: 'mandatory', message: 'Enabled' },
  { rule: 'front-door-waf-prevention', title: 'no bot manager', resource: view(T.frontDoorWafPolicy, 'waf', wafPolicy({ managedRules: { managedRuleSets: [{ ruleSetType: 'Microsoft_DefaultRuleSet', ruleSetVersion: '2.1' }] } })), expected: 'mandatory', message: 'bot manager' },
  { rule: 'front-door-waf-prevention', title: 'no rate limit', resource: view(T.frontDoorWafPolicy, 'waf', wafPolicy({ customRules: { rules: [] } })), expected: 'mandatory', message: 'RateLimitRule' },
  { rule: 'front-door-waf-attached', title: 'endpoint covered by a security policy', resource: endpoint, others: [view(T.frontDoorSecurityPolicy, 'sp', { parameters: { type: 'WebApplicationFirewall', wafPolicy: { id: 'waf-id' }, associations: [{ domains: [{ id: endpoint.id }] }] } })], expected: 'pass' },
  { rule: 'front-door-waf-attached', title: 'endpoint without a WAF', resource: endpoint, others: [], expected: 'mandatory', message: 'no cdn:SecurityPolicy' },
  { rule: 'front-door-https-only', title: 'HTTP redirected to HTTPS', resource: view(T.frontDoorRoute, 'route', { supportedProtocols: ['Http', 'Https'], httpsRedirect: 'Enabled' }), expected: 'pass' },
  { rule: 'front-door-https-only', title: 'HTTPS only', resource: view(T.frontDoorRoute, 'route', { supportedProtocols: ['Https'], httpsRedirect: 'Disabled' }), expected: 'pass' },
  { rule: 'front-door-https-only', title: 'HTTP served in clear', resource: view(T.frontDoorRoute, 'route', { supportedProtocols: ['Http', 'Https'], httpsRedirect: 'Disabled' }), expected: 'mandatory', message: 'httpsRedirect' },
  { rule: 'front-door-https-only', title: 'custom domain on TLS 1.0', resource: view(T.frontDoorCustomDomain, 'domain', { hostName: 'a.example.com', tlsSettings: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS10' } }), expected: 'mandatory', message: 'TLS12' },
  { rule: 'front-door-https-only', title: 'custom domain on TLS 1.2', resource: view(T.frontDoorCustomDomain, 'domain', { hostName: 'a.example.com', tlsSettings: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' } }), expected: 'pass' },
];

function outcomeOf(c: Case) {
  const rule = RULES.find((r) => r.id === c.rule);
  if (!rule) throw new Error(`no rule ${c.rule}`);
  const context = contextFor(c.stack ?? 'prod', [c.resource, ...(c.others ?? [])]);
  const findings = checkResource(rule, c.resource, context);
  const outcome: Outcome = findings.length === 0 ? 'pass' : findings.some((f) => f.level === 'mandatory') ? 'mandatory' : 'advisory';
  return { outcome, findings };
}

describe('policy rules', () => {
  it.each(CASES.map((c) => [`${c.rule}: ${c.title} -> ${c.expected}`, c] as const))('%s', (_title, c) => {
    const { outcome, findings } = outcomeOf(c);
    expect(outcome).toBe(c.expected);
    if (c.message) expect(findings[0].message).toContain(c.message);
    for (const finding of findings) {
      expect(finding.remediation.length).toBeGreaterThan(10);
      if (finding.level === 'advisory') expect(finding.reason?.length ?? 0).toBeGreaterThan(20);
    }
  });

  it('has a passing and a failing case for every rule (the delivery rules: test/policy/rules-delivery.test.ts)', () => {
    for (const rule of RULES.filter((r) => !DELIVERY_RULES.includes(r) && !HARDENING_RULES.includes(r))) {
      const outcomes = CASES.filter((c) => c.rule === rule.id).map((c) => c.expected);
      expect({ rule: rule.id, pass: outcomes.includes('pass'), fail: outcomes.some((o) => o !== 'pass') }).toEqual({ rule: rule.id, pass: true, fail: true });
    }
  });

  it('keeps rule ids unique and kebab-case, public ids in the Checkov format, and devAdvisory reasons stated', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const id of rule.publicIds) expect(id).toMatch(/^CKV2?_(AZURE|K8S)_\d+$/);
      if (rule.devAdvisory) expect(rule.devAdvisory.reason.length).toBeGreaterThan(20);
    }
  });

  it('maps the public ids the issue asks for', () => {
    const mapped = new Set(RULES.flatMap((r) => r.publicIds));
    const wanted = [4, 5, 6, 7, 115, 116, 137, 138, 139, 141, 143, 148, 170, 171, 172, 232, 89, 91, 42, 110, 111, 109, 189, 136]
      .map((n) => `CKV_AZURE_${n}`)
      .concat(['CKV2_AZURE_31', 'CKV2_AZURE_57', 'CKV2_AZURE_32', 'CKV2_AZURE_26']);
    expect(wanted.filter((id) => !mapped.has(id))).toEqual([]);
  });
});

describe('stack environments', () => {
  it.each([
    ['dev', 'dev'], ['dev-alice', 'dev'], ['prod', 'prod'], ['staging', 'prod'], ['development', 'prod'],
  ])('stack %s is %s', (stack, environment) => {
    expect(environmentForStack(stack)).toBe(environment);
  });

  it('reads the stack from a URN and rejects anything else', () => {
    expect(stackFromUrn('urn:pulumi:prod::aks-platform::azure-native:keyvault:Vault::kv')).toBe('prod');
    expect(() => stackFromUrn('kv')).toThrow('is not a Pulumi URN');
  });

  it('makes every dev relaxation mandatory in prod', () => {
    const devOnly = RULES.filter((r) => r.devAdvisory);
    expect(devOnly.length).toBeGreaterThan(0);
    // A dev-shaped stack: Basic registry with public access, no endpoint, unprotected vault.
    const build = (stack: string) => [
      view(T.registry, 'acr', registry({ sku: { name: 'Basic' }, publicNetworkAccess: 'Enabled', zoneRedundancy: 'Disabled', policies: undefined }), {}, stack),
      view(T.vault, 'kv', vault({}, { publicNetworkAccess: 'Enabled' }), {}, stack),
      // Their logs go to Log Analytics (data-service-diagnostics holds in dev too).
      ...['acr', 'kv'].map((target) => view('azure-native:monitor:DiagnosticSetting', `${target}-diag`, { resourceUri: `/subscriptions/s/resourceGroups/rg/providers/x/${target}`, workspaceId: '/w', logs: [{ categoryGroup: 'audit', enabled: true }] }, {}, stack)),
    ];
    const dev = evaluate(build('dev'), 'dev');
    const prod = evaluate(build('prod'), 'prod');
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.every((f) => f.level === 'advisory' && f.reason?.startsWith('advisory in dev:'))).toBe(true);
    expect(prod.map((f) => [f.ruleId, f.name])).toEqual(expect.arrayContaining(dev.map((f) => [f.ruleId, f.name])));
    expect(prod.every((f) => f.level === 'mandatory')).toBe(true);
  });
});

describe('image references in Helm values', () => {
  it('finds string, ref and repository shapes, nested and in lists', () => {
    const refs = imageReferences({ image: { ref: PINNED_IMAGE }, sidecars: [{ image: 'busybox:1.36' }], x: { image: { repository: 'r.io/a', tag: '1' } } });
    expect(refs.map((r) => [r.path, r.pinned])).toEqual([
      ['values.image.ref', true], ['values.sidecars[0].image', false], ['values.x.image', false],
    ]);
  });
});

describe('taggable types', () => {
  it.each([
    ['azure-native:containerregistry:Registry', true],
    ['azure-native:containerservice:AgentPool', true],
    ['azure-native:privatedns:PrivateZone', true],
    ['azure-native:authorization:RoleAssignment', false],
    ['azure-native:dbforpostgresql:Database', false],
    ['kubernetes:helm.sh/v3:Release', false],
  ])('%s taggable: %s', (type, expected) => {
    expect(isTaggable(type)).toBe(expected);
  });
});
