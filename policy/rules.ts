/**
 * The platform's guardrails as data. Each rule names the public catalogue ids
 * it implements (Checkov `CKV_AZURE_*` / `CKV2_AZURE_*` / `CKV_K8S_*`), the
 * azure-native (or kubernetes) type tokens it applies to, a pure check over the
 * resource's properties, and the remediation.
 *
 * The same list drives the Pulumi policy pack (policy/index.ts) and the
 * offline plan (plan/), so a finding in `npm run plan` is exactly what
 * `pulumi preview --policy-pack policy` reports.
 *
 * Property names are the azure-native v3 input names (see
 * node_modules/@pulumi/azure-native/<module>/<resource>.d.ts).
 */
import { authorizedIpRangeProblem } from '../lib/rules';
import { missingRequiredTags, REQUIRED_TAG_KEYS } from '../lib/tags';
import type { EvaluationContext, ResourceView, Rule, RuleViolation } from './model';
import { DELIVERY_RULES } from './rules-delivery';
import { HARDENING_RULES } from './rules-hardening';
import { asArray, asStringArray, equalsIgnoreCase, get, getCaseInsensitive, isRecord, show, walkValues } from './props';

/** Type tokens the rules refer to. */
export const T = {
  managedCluster: 'azure-native:containerservice:ManagedCluster',
  agentPool: 'azure-native:containerservice:AgentPool',
  registry: 'azure-native:containerregistry:Registry',
  postgresServer: 'azure-native:dbforpostgresql:Server',
  postgresFirewallRule: 'azure-native:dbforpostgresql:FirewallRule',
  redis: 'azure-native:redis:Redis',
  redisEnterprise: 'azure-native:redisenterprise:RedisEnterprise',
  redisEnterpriseDatabase: 'azure-native:redisenterprise:Database',
  vault: 'azure-native:keyvault:Vault',
  virtualNetwork: 'azure-native:network:VirtualNetwork',
  subnet: 'azure-native:network:Subnet',
  networkSecurityGroup: 'azure-native:network:NetworkSecurityGroup',
  securityRule: 'azure-native:network:SecurityRule',
  privateEndpoint: 'azure-native:network:PrivateEndpoint',
  roleAssignment: 'azure-native:authorization:RoleAssignment',
  userAssignedIdentity: 'azure-native:managedidentity:UserAssignedIdentity',
  helmRelease: 'kubernetes:helm.sh/v3:Release',
  kubernetesSecret: 'kubernetes:core/v1:Secret',
  kubernetesService: 'kubernetes:core/v1:Service',
  ingress: 'kubernetes:networking.k8s.io/v1:Ingress',
  frontDoorWafPolicy: 'azure-native:frontdoor:Policy',
  frontDoorProfile: 'azure-native:cdn:Profile',
  frontDoorEndpoint: 'azure-native:cdn:AFDEndpoint',
  frontDoorRoute: 'azure-native:cdn:Route',
  frontDoorCustomDomain: 'azure-native:cdn:AFDCustomDomain',
  frontDoorSecurityPolicy: 'azure-native:cdn:SecurityPolicy',
} as const;

/*
 * The well-known values below (AcrPull role id, system-pool taint, digest
 * format) are deliberately written here and not imported from lib/: a
 * guardrail must not take the value it checks from the code it checks (this
 * is how a wrong AcrPull GUID in lib/aks.ts was caught).
 */

/** Built-in role definition id of AcrPull. */
export const ACR_PULL_ROLE_ID = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

/** Private-link sub-resource (group id) of each data service. */
export const PRIVATE_LINK_GROUP_IDS: Readonly<Record<string, string>> = {
  [T.registry]: 'registry',
  [T.vault]: 'vault',
  [T.postgresServer]: 'postgresqlServer',
  [T.redis]: 'redisCache',
  [T.redisEnterprise]: 'redisEnterprise',
};

/** The taint that keeps application pods off system node pools (CKV_AZURE_232). */
export const CRITICAL_ADDONS_TAINT = 'CriticalAddonsOnly=true:NoSchedule';

/** An image reference pinned by digest, with a registry host: `<host>/<repo>@sha256:<64 hex>`. */
export const DIGEST_PINNED_IMAGE = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Ingress classes of retired controllers: the community ingress-nginx (retired
 * March 2026) and the AKS app-routing add-on's NGINX (supported through November 2026).
 */
export const RETIRED_INGRESS_CLASSES = ['webapprouting.kubernetes.azure.com', 'nginx', 'nginx-internal'];

/** The annotation that makes an AKS LoadBalancer Service internal (no public IP). */
export const AZURE_INTERNAL_LB_ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-internal';

/** Managed rule sets a Front Door WAF policy must carry (type prefixes, any version). */
const WAF_REQUIRED_RULE_SETS = [
  { type: /^(Microsoft_)?DefaultRuleSet$/i, name: 'the default rule set (Microsoft_DefaultRuleSet)' },
  { type: /^Microsoft_BotManagerRuleSet$/i, name: 'the bot manager rule set (Microsoft_BotManagerRuleSet)' },
];

/** Subnets Azure does not allow (or does not support) an NSG on. */
const NSG_EXEMPT_SUBNETS = new Set(['GatewaySubnet', 'AzureFirewallSubnet', 'AzureFirewallManagementSubnet', 'RouteServerSubnet']);

const pass: RuleViolation[] = [];

function violation(message: string, property?: string): RuleViolation[] {
  return [{ message, property }];
}

function requireEquals(props: unknown, path: string, expected: unknown, what: string): RuleViolation[] {
  const actual = get(props, path);
  const ok = typeof expected === 'string' ? equalsIgnoreCase(actual, expected) : actual === expected;
  return ok ? pass : violation(`${path} is ${show(actual)}; ${what} requires ${JSON.stringify(expected)}`, path);
}

// ---------------------------------------------------------------------------
// AKS helpers

function addon(cluster: ResourceView, name: string): unknown {
  return getCaseInsensitive(cluster.props.addonProfiles, name);
}

function addonEnabled(cluster: ResourceView, name: string): boolean {
  return get(addon(cluster, name), 'enabled') === true;
}

function isPrivateCluster(cluster: ResourceView): boolean {
  return get(cluster.props, 'apiServerAccessProfile.enablePrivateCluster') === true;
}

function authorizedRanges(cluster: ResourceView): string[] {
  return asStringArray(get(cluster.props, 'apiServerAccessProfile.authorizedIPRanges'));
}

/** The node pools a resource defines: the inline profiles of a cluster, or the AgentPool itself. */
function nodePools(resource: ResourceView): { path: string; pool: Record<string, unknown> }[] {
  if (resource.type === T.agentPool) return [{ path: '', pool: resource.props }];
  return asArray(resource.props.agentPoolProfiles)
    .map((pool, index) => ({ path: `agentPoolProfiles[${index}].`, pool: isRecord(pool) ? pool : {} }));
}

function poolLabel(resource: ResourceView, pool: Record<string, unknown>): string {
  return resource.type === T.agentPool ? `agent pool ${resource.name}` : `node pool ${show(pool.name)}`;
}

// ---------------------------------------------------------------------------
// Cross-resource helpers (scope: 'stack')

function dependsOn(resource: ResourceView, target: ResourceView): boolean {
  return resource.dependencies.includes(target.urn);
}

/**
 * True when the resource took the value at `read` from the target (a recorded
 * dependency), or the value is the target's id. The dependency is checked first
 * and the value read lazily: in a preview the value is often still unknown, and
 * reading an unknown value makes the policy runtime skip the check.
 */
function refersTo(resource: ResourceView, read: () => unknown, target: ResourceView): boolean {
  if (dependsOn(resource, target)) return true;
  if (target.id === undefined) return false;
  const value = read();
  return typeof value === 'string' && value.toLowerCase() === target.id.toLowerCase();
}

/** Private endpoints in the stack that connect to `target` through its private-link group id. */
export function privateEndpointsFor(target: ResourceView, context: EvaluationContext): ResourceView[] {
  const groupId = PRIVATE_LINK_GROUP_IDS[target.type];
  if (!groupId) return [];
  return context.resources.filter((endpoint) => {
    if (endpoint.type !== T.privateEndpoint) return false;
    const connections = [
      ...asArray(endpoint.props.privateLinkServiceConnections),
      ...asArray(endpoint.props.manualPrivateLinkServiceConnections),
    ];
    return connections.some((connection) =>
      asStringArray(get(connection, 'groupIds')).some((g) => g.toLowerCase() === groupId.toLowerCase()) &&
      refersTo(endpoint, () => get(connection, 'privateLinkServiceId'), target),
    );
  });
}

/** The identities a cluster's kubelet runs as: the cluster itself (system-assigned kubelet identity) or a user-assigned identity given in identityProfile. */
function kubeletIdentitySources(cluster: ResourceView, context: EvaluationContext): ResourceView[] {
  const kubeletResourceId = get(getCaseInsensitive(cluster.props.identityProfile, 'kubeletidentity'), 'resourceId');
  if (typeof kubeletResourceId !== 'string') return [cluster];
  const identities = context.resources.filter((r) => r.type === T.userAssignedIdentity);
  const byId = identities.filter((r) => r.id !== undefined && r.id.toLowerCase() === kubeletResourceId.toLowerCase());
  return [cluster, ...(byId.length > 0 ? byId : identities.filter((r) => dependsOn(cluster, r)))];
}

function isAcrPull(roleAssignment: ResourceView): boolean {
  const role = get(roleAssignment.props, 'roleDefinitionId');
  return typeof role === 'string' && role.toLowerCase().endsWith(`/${ACR_PULL_ROLE_ID}`);
}

// ---------------------------------------------------------------------------
// NSG helpers

const INTERNET_SOURCES = new Set(['*', 'internet', 'any', '0.0.0.0/0', '0.0.0.0', '::/0']);

function portRangeIncludes(range: string, port: number): boolean {
  if (range === '*') return true;
  const [from, to] = range.split('-').map((p) => Number(p.trim()));
  return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}

/** Inbound Allow rules that let the Internet reach SSH (22) or RDP (3389). */
function adminPortsOpen(rule: unknown): number[] {
  if (!equalsIgnoreCase(get(rule, 'direction'), 'Inbound') || !equalsIgnoreCase(get(rule, 'access'), 'Allow')) return [];
  const sources = [get(rule, 'sourceAddressPrefix'), ...asArray(get(rule, 'sourceAddressPrefixes'))]
    .filter((s): s is string => typeof s === 'string');
  if (!sources.some((s) => INTERNET_SOURCES.has(s.toLowerCase()))) return [];
  const protocol = get(rule, 'protocol');
  if (typeof protocol === 'string' && !['*', 'tcp'].includes(protocol.toLowerCase())) return [];
  const ranges = [get(rule, 'destinationPortRange'), ...asArray(get(rule, 'destinationPortRanges'))]
    .filter((s): s is string => typeof s === 'string');
  return [22, 3389].filter((port) => ranges.some((range) => portRangeIncludes(range, port)));
}

// ---------------------------------------------------------------------------
// Helm helpers

interface ImageReference {
  path: string;
  reference: string;
  pinned: boolean;
}

/**
 * Every `image` in a Helm values tree: a string reference, the platform
 * chart's `{ ref }` object, or the common `{ registry?, repository, tag?, digest? }` object.
 */
export function imageReferences(values: unknown, path = 'values'): ImageReference[] {
  const found: ImageReference[] = [];
  const visit = (key: string, value: unknown, at: string): boolean => {
    if (key !== 'image') return true;
    if (typeof value === 'string') {
      found.push({ path: at, reference: value, pinned: DIGEST_PINNED_IMAGE.test(value) });
    } else if (isRecord(value) && typeof value.ref === 'string') {
      // The platform chart's shape (lib/app-values.ts): image: { ref: "<loginServer>/<repo>@sha256:<hex>" }.
      found.push({ path: `${at}.ref`, reference: value.ref, pinned: DIGEST_PINNED_IMAGE.test(value.ref) });
    } else if (isRecord(value) && typeof value.repository === 'string') {
      const repository = value.repository;
      const registry = typeof value.registry === 'string' && value.registry !== '' ? `${value.registry}/` : '';
      const digest = typeof value.digest === 'string' ? value.digest : undefined;
      const tag = typeof value.tag === 'string' ? value.tag : undefined;
      const reference = `${registry}${repository}${digest ? `@${digest}` : tag ? `:${tag}` : ''}`;
      const pinned = DIGEST_PINNED_IMAGE.test(`${registry}${repository}`) ||
        (digest !== undefined && SHA256_DIGEST.test(digest) && DIGEST_PINNED_IMAGE.test(`${registry}${repository}@${digest}`));
      found.push({ path: at, reference, pinned });
      walkValues(Object.fromEntries(Object.entries(value).filter(([k]) => !['repository', 'tag', 'digest', 'registry'].includes(k))), at, visit);
    } else {
      return true;
    }
    return false;
  };
  walkValues(values, path, visit);
  return found;
}

// ---------------------------------------------------------------------------
// Edge helpers

function isRetiredIngressClass(value: unknown): boolean {
  return typeof value === 'string' && RETIRED_INGRESS_CLASSES.includes(value.toLowerCase());
}

/** Retired ingress classes anywhere in Helm values (`ingressClassName`, `className`, `ingressClass` keys). */
export function retiredIngressClassesIn(values: unknown, path = 'values'): { path: string; value: string }[] {
  const found: { path: string; value: string }[] = [];
  walkValues(values, path, (key, value, at) => {
    if (!((key === 'ingressClassName' || key === 'className' || key === 'ingressClass') && isRetiredIngressClass(value))) return true;
    found.push({ path: at, value: value as string });
    return false;
  });
  return found;
}

/**
 * The LoadBalancer Services a Helm release asks for: every `service` object in the
 * values whose type (`type` or `spec.type`) is LoadBalancer — for the Traefik chart
 * also when the type is left at its default (LoadBalancer) — with its annotations.
 */
export function loadBalancerServicesIn(release: ResourceView): { path: string; annotations: Record<string, unknown> }[] {
  const traefik = release.props.chart === 'traefik';
  const found: { path: string; annotations: Record<string, unknown> }[] = [];
  walkValues(release.props.values, 'values', (key, value, at, parentPath) => {
    if (key !== 'service' || !isRecord(value)) return true;
    const type = get(value, 'type') ?? get(value, 'spec.type') ?? (traefik && parentPath === 'values' ? 'LoadBalancer' : undefined);
    const annotations = isRecord(value.annotations) ? value.annotations : {};
    if (equalsIgnoreCase(type, 'LoadBalancer')) found.push({ path: at, annotations });
    return false;
  });
  return found;
}

function isInternal(annotations: unknown): boolean {
  return isRecord(annotations) && String(annotations[AZURE_INTERNAL_LB_ANNOTATION]).toLowerCase() === 'true';
}

/** A Gateway API implementation release: Traefik with its Gateway provider, or any chart with a `gateway`/`gatewayClass` block. */
function isGatewayRelease(release: ResourceView): boolean {
  const values = release.props.values;
  return get(values, 'providers.kubernetesGateway.enabled') === true || (release.props.chart === 'traefik' && isRecord(get(values, 'gateway')));
}

// ---------------------------------------------------------------------------
// The rules

const STATEFUL_TYPES = [T.postgresServer, T.redis, T.redisEnterprise, T.vault];
const DATA_SERVICE_TYPES = [T.postgresServer, T.redis, T.redisEnterprise, T.vault, T.registry];

export const RULES: readonly Rule[] = [
  // ----- AKS ---------------------------------------------------------------
  {
    id: 'aks-container-insights',
    publicIds: ['CKV_AZURE_4'],
    description: 'AKS sends container logs and metrics to Log Analytics (omsagent add-on with a workspace).',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => {
      if (!addonEnabled(cluster, 'omsagent')) return violation('addonProfiles.omsagent.enabled is not true', 'addonProfiles.omsagent.enabled');
      const workspace = getCaseInsensitive(get(addon(cluster, 'omsagent'), 'config'), 'logAnalyticsWorkspaceResourceID');
      return typeof workspace === 'string' && workspace !== ''
        ? pass
        : violation('addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID is not set', 'addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID');
    },
    remediation: 'Enable addonProfiles.omsagent with config.logAnalyticsWorkspaceResourceID (and useAADAuth "true") pointing at the platform Log Analytics workspace.',
  },
  {
    id: 'aks-kubernetes-rbac',
    publicIds: ['CKV_AZURE_5'],
    description: 'Kubernetes RBAC is enabled.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'high',
    check: (cluster) => requireEquals(cluster.props, 'enableRBAC', true, 'Kubernetes RBAC'),
    remediation: 'Set enableRBAC: true (it cannot be changed after creation).',
  },
  {
    id: 'aks-api-server-restricted',
    publicIds: ['CKV_AZURE_6'],
    description: 'The API server is private, or its public endpoint accepts only listed authorized IP ranges (never 0.0.0.0/0).',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'critical',
    check: (cluster) => {
      if (isPrivateCluster(cluster)) return pass;
      const ranges = authorizedRanges(cluster);
      if (ranges.length === 0) {
        return violation('the API server is public (apiServerAccessProfile.enablePrivateCluster is not true) and apiServerAccessProfile.authorizedIPRanges is empty', 'apiServerAccessProfile.authorizedIPRanges');
      }
      return ranges.flatMap((range, index) => {
        const problem = authorizedIpRangeProblem(range);
        return problem ? violation(problem, `apiServerAccessProfile.authorizedIPRanges[${index}]`) : [];
      });
    },
    remediation: 'Set apiServerAccessProfile.authorizedIPRanges to the operator and CI egress CIDRs (config aks.authorizedIpRanges), or make the cluster private.',
  },
  {
    id: 'aks-private-cluster',
    publicIds: ['CKV_AZURE_115'],
    description: 'The API server has no public endpoint (private cluster).',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'high',
    check: (cluster) => {
      if (isPrivateCluster(cluster)) return pass;
      const ranges = authorizedRanges(cluster);
      const restricted = ranges.length > 0 && ranges.every((range) => authorizedIpRangeProblem(range) === undefined);
      return [{
        message: 'apiServerAccessProfile.enablePrivateCluster is not true',
        property: 'apiServerAccessProfile.enablePrivateCluster',
        advisoryReason: restricted
          ? 'the project accepts a public API server restricted to authorized IP ranges (checked by CKV_AZURE_6) as an alternative to a private cluster, so CI runners without VNet access can deploy'
          : undefined,
      }];
    },
    remediation: 'Set apiServerAccessProfile.enablePrivateCluster: true (needs a runner with VNet access), or keep the public endpoint restricted with authorizedIPRanges.',
    advisoryCase: 'advisory (in every stack) while valid authorizedIPRanges restrict the public API server; mandatory when the API server is public and unrestricted',
  },
  {
    id: 'aks-network-policy',
    publicIds: ['CKV_AZURE_7'],
    description: 'A network policy engine (azure, calico or cilium) enforces Kubernetes NetworkPolicies.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'high',
    check: (cluster) => {
      const policy = get(cluster.props, 'networkProfile.networkPolicy');
      return typeof policy === 'string' && ['azure', 'calico', 'cilium'].includes(policy.toLowerCase())
        ? pass
        : violation(`networkProfile.networkPolicy is ${show(policy)}; use "azure", "calico" or "cilium"`, 'networkProfile.networkPolicy');
    },
    remediation: 'Set networkProfile.networkPolicy (cilium with networkDataplane cilium, or azure/calico).',
  },
  {
    id: 'aks-dashboard-disabled',
    publicIds: ['CKV_AZURE_8'],
    description: 'The legacy Kubernetes dashboard add-on is not enabled.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => addonEnabled(cluster, 'kubeDashboard')
      ? violation('addonProfiles.kubeDashboard.enabled is true', 'addonProfiles.kubeDashboard.enabled')
      : pass,
    remediation: 'Remove addonProfiles.kubeDashboard (or set enabled: false).',
  },
  {
    id: 'aks-azure-policy-addon',
    publicIds: ['CKV_AZURE_116'],
    description: 'The Azure Policy add-on (Gatekeeper) is enabled.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => addonEnabled(cluster, 'azurepolicy')
      ? pass
      : violation('addonProfiles.azurepolicy.enabled is not true', 'addonProfiles.azurepolicy.enabled'),
    remediation: 'Set addonProfiles.azurepolicy: { enabled: true }.',
  },
  {
    id: 'aks-local-accounts-disabled',
    publicIds: ['CKV_AZURE_141'],
    description: 'Local (certificate) accounts are disabled; every access goes through Entra ID.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'high',
    check: (cluster) => requireEquals(cluster.props, 'disableLocalAccounts', true, 'Entra-only access'),
    remediation: 'Set disableLocalAccounts: true (needs aadProfile.managed) and build the kubeconfig with kubelogin.',
  },
  {
    id: 'aks-entra-azure-rbac',
    publicIds: [],
    description: 'Entra ID integration is managed and authorizes with Azure RBAC.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'high',
    check: (cluster) => [
      ...requireEquals(cluster.props, 'aadProfile.managed', true, 'managed Entra ID integration'),
      ...requireEquals(cluster.props, 'aadProfile.enableAzureRBAC', true, 'Azure RBAC for Kubernetes authorization'),
    ],
    remediation: 'Set aadProfile: { managed: true, enableAzureRBAC: true } and grant the "Azure Kubernetes Service RBAC *" roles.',
  },
  {
    id: 'aks-no-node-public-ip',
    publicIds: ['CKV_AZURE_143'],
    description: 'Nodes get no public IP addresses.',
    resourceTypes: [T.managedCluster, T.agentPool],
    scope: 'resource',
    severity: 'high',
    check: (resource) => nodePools(resource).flatMap(({ path, pool }) => pool.enableNodePublicIP === true
      ? violation(`${poolLabel(resource, pool)} has enableNodePublicIP: true`, `${path}enableNodePublicIP`)
      : []),
    remediation: 'Set enableNodePublicIP: false on every node pool; egress goes through the load balancer or a NAT gateway.',
  },
  {
    id: 'aks-uptime-sla',
    publicIds: ['CKV_AZURE_170'],
    description: 'The control plane runs on a paid tier with an uptime SLA (sku.tier Standard or Premium).',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => {
      const tier = get(cluster.props, 'sku.tier');
      return equalsIgnoreCase(tier, 'Standard') || equalsIgnoreCase(tier, 'Premium')
        ? pass
        : violation(`sku.tier is ${show(tier)}; use "Standard" (financially backed uptime SLA)`, 'sku.tier');
    },
    remediation: 'Set sku: { name: "Base", tier: "Standard" }.',
    devAdvisory: { reason: 'dev clusters may run on the Free control-plane tier (no SLA) to save the Standard tier fee; prod must be Standard' },
  },
  {
    id: 'aks-auto-upgrade',
    publicIds: ['CKV_AZURE_171'],
    description: 'The cluster follows an automatic upgrade channel.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => {
      const channel = get(cluster.props, 'autoUpgradeProfile.upgradeChannel');
      return typeof channel === 'string' && channel !== '' && !equalsIgnoreCase(channel, 'none')
        ? pass
        : violation(`autoUpgradeProfile.upgradeChannel is ${show(channel)}; use "patch" or "stable"`, 'autoUpgradeProfile.upgradeChannel');
    },
    remediation: 'Set autoUpgradeProfile: { upgradeChannel: "patch" | "stable", nodeOSUpgradeChannel: "NodeImage" } and a maintenance configuration.',
  },
  {
    id: 'aks-secrets-provider-rotation',
    publicIds: ['CKV_AZURE_172'],
    description: 'The Key Vault secrets provider add-on is enabled with secret rotation.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => {
      if (!addonEnabled(cluster, 'azureKeyvaultSecretsProvider')) {
        return violation('addonProfiles.azureKeyvaultSecretsProvider.enabled is not true', 'addonProfiles.azureKeyvaultSecretsProvider.enabled');
      }
      const rotation = getCaseInsensitive(get(addon(cluster, 'azureKeyvaultSecretsProvider'), 'config'), 'enableSecretRotation');
      return rotation === 'true'
        ? pass
        : violation(`addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation is ${show(rotation)}; it must be "true"`, 'addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation');
    },
    remediation: 'Set addonProfiles.azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } }.',
  },
  {
    id: 'aks-system-pool-critical-addons-only',
    publicIds: ['CKV_AZURE_232'],
    description: `System node pools carry the ${CRITICAL_ADDONS_TAINT} taint, so application pods run on user pools.`,
    resourceTypes: [T.managedCluster, T.agentPool],
    scope: 'resource',
    severity: 'medium',
    check: (resource) => {
      const pools = nodePools(resource);
      if (resource.type === T.managedCluster && !pools.some(({ pool }) => equalsIgnoreCase(pool.mode, 'System'))) {
        return violation('agentPoolProfiles has no pool with mode "System"', 'agentPoolProfiles');
      }
      return pools.flatMap(({ path, pool }) => equalsIgnoreCase(pool.mode, 'System') && !asStringArray(pool.nodeTaints).includes(CRITICAL_ADDONS_TAINT)
        ? violation(`system ${poolLabel(resource, pool)} lacks the taint ${CRITICAL_ADDONS_TAINT} (nodeTaints is ${show(pool.nodeTaints)})`, `${path}nodeTaints`)
        : []);
    },
    remediation: `Add "${CRITICAL_ADDONS_TAINT}" to nodeTaints of every System pool and run workloads on separate User AgentPools.`,
    devAdvisory: { reason: 'dev schedules the apps on its single small system pool (user pools scale to zero) to save nodes' },
  },
  {
    id: 'aks-azure-cni',
    publicIds: ['CKV2_AZURE_29'],
    description: 'The cluster uses the Azure CNI network plugin.',
    resourceTypes: [T.managedCluster],
    scope: 'resource',
    severity: 'low',
    check: (cluster) => requireEquals(cluster.props, 'networkProfile.networkPlugin', 'azure', 'Azure CNI'),
    remediation: 'Set networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" }.',
  },
  {
    id: 'aks-acr-pull-kubelet-identity',
    publicIds: [],
    description: 'Nodes pull images with the kubelet identity through an AcrPull role assignment on the registry; no registry admin user, no image pull secrets.',
    resourceTypes: [T.managedCluster],
    scope: 'stack',
    severity: 'high',
    check: (cluster, context) => {
      const problems: RuleViolation[] = [];
      const registries = context.resources.filter((r) => r.type === T.registry);
      const sources = kubeletIdentitySources(cluster, context);
      const grants = context.resources.filter((r) =>
        r.type === T.roleAssignment && isAcrPull(r) &&
        sources.some((source) => refersTo(r, () => get(r.props, 'principalId'), source)) &&
        (registries.length === 0 || registries.some((registry) => refersTo(r, () => get(r.props, 'scope'), registry))));
      if (grants.length === 0) {
        problems.push({ message: `no authorization:RoleAssignment grants AcrPull (${ACR_PULL_ROLE_ID}) on the registry to the kubelet identity of cluster ${cluster.name}`, property: 'identityProfile.kubeletidentity' });
      }
      for (const registry of registries.filter((r) => get(r.props, 'adminUserEnabled') === true)) {
        problems.push({ message: `registry ${registry.name} has adminUserEnabled: true; nodes must pull with the kubelet identity, not the admin user`, property: `${registry.name}.adminUserEnabled` });
      }
      for (const secret of context.resources.filter((r) => r.type === T.kubernetesSecret && equalsIgnoreCase(r.props.type, 'kubernetes.io/dockerconfigjson'))) {
        problems.push({ message: `Kubernetes Secret ${secret.name} is an image pull secret; pull through the kubelet identity's AcrPull grant instead`, property: `${secret.name}.type` });
      }
      return problems;
    },
    remediation: 'Create authorization.RoleAssignment { principalId: cluster.identityProfile.kubeletidentity.objectId, principalType: "ServicePrincipal", roleDefinitionId: ".../7f951dda-4ed3-4680-a7ca-43fe172d538d", scope: registry.id }; keep adminUserEnabled false and drop image pull secrets.',
  },

  // ----- Container registry ---------------------------------------------------
  {
    id: 'acr-admin-user-disabled',
    publicIds: ['CKV_AZURE_137'],
    description: 'The registry admin user (a shared static credential) is disabled.',
    resourceTypes: [T.registry],
    scope: 'resource',
    severity: 'high',
    check: (registry) => registry.props.adminUserEnabled === true
      ? violation('adminUserEnabled is true; pushes use Entra tokens and nodes use AcrPull', 'adminUserEnabled')
      : pass,
    remediation: 'Set adminUserEnabled: false; push with an Entra token (az acr login --expose-token) and pull with the kubelet identity.',
  },
  {
    id: 'acr-anonymous-pull-disabled',
    publicIds: ['CKV_AZURE_138'],
    description: 'Anonymous (unauthenticated) pull is disabled.',
    resourceTypes: [T.registry],
    scope: 'resource',
    severity: 'high',
    check: (registry) => registry.props.anonymousPullEnabled === true
      ? violation('anonymousPullEnabled is true', 'anonymousPullEnabled')
      : pass,
    remediation: 'Set anonymousPullEnabled: false.',
  },
  {
    id: 'acr-public-network-disabled',
    publicIds: ['CKV_AZURE_139'],
    description: 'The registry is reachable only through its private endpoint.',
    resourceTypes: [T.registry],
    scope: 'resource',
    severity: 'high',
    check: (registry) => requireEquals(registry.props, 'publicNetworkAccess', 'Disabled', 'a private registry'),
    remediation: 'Use the Premium SKU with publicNetworkAccess: "Disabled", a private endpoint and a privatelink.azurecr.io zone; build from a runner inside the VNet.',
    devAdvisory: { reason: 'dev uses a Basic/Standard registry (private endpoints need Premium) so images can be pushed from developer machines and hosted CI' },
  },
  {
    id: 'acr-zone-redundancy',
    publicIds: ['CKV_AZURE_233'],
    description: 'The registry is zone redundant.',
    resourceTypes: [T.registry],
    scope: 'resource',
    severity: 'medium',
    check: (registry) => requireEquals(registry.props, 'zoneRedundancy', 'Enabled', 'zone redundancy'),
    remediation: 'Use the Premium SKU with zoneRedundancy: "Enabled" (set at creation).',
    devAdvisory: { reason: 'zone redundancy needs the Premium SKU, which dev does not pay for' },
  },
  {
    id: 'acr-retention-policy',
    publicIds: ['CKV_AZURE_167'],
    description: 'Untagged manifests are deleted after a retention period.',
    resourceTypes: [T.registry],
    scope: 'resource',
    severity: 'low',
    check: (registry) => {
      const retention = get(registry.props, 'policies.retentionPolicy');
      const days = get(retention, 'days');
      return equalsIgnoreCase(get(retention, 'status'), 'enabled') && (days === undefined || (typeof days === 'number' && days >= 1))
        ? pass
        : violation(`policies.retentionPolicy is ${show(retention)}; use { status: "enabled", days: 1-365 }`, 'policies.retentionPolicy');
    },
    remediation: 'Set policies.retentionPolicy: { status: "enabled", days: 7 } (Premium SKU).',
    devAdvisory: { reason: 'retention policies need the Premium SKU, which dev does not pay for' },
  },

  // ----- PostgreSQL flexible server -------------------------------------------
  {
    id: 'postgres-geo-redundant-backup',
    publicIds: ['CKV_AZURE_136'],
    description: 'Backups are geo-redundant.',
    resourceTypes: [T.postgresServer],
    scope: 'resource',
    severity: 'medium',
    check: (server) => requireEquals(server.props, 'backup.geoRedundantBackup', 'Enabled', 'geo-redundant backup'),
    remediation: 'Set backup: { geoRedundantBackup: "Enabled" } (only at creation time).',
    devAdvisory: { reason: 'dev data is disposable; geo-redundant backup storage is not worth its cost there' },
  },
  {
    id: 'postgres-public-network-disabled',
    publicIds: [],
    description: 'The server accepts no connections over its public endpoint.',
    resourceTypes: [T.postgresServer],
    scope: 'resource',
    severity: 'high',
    check: (server) => requireEquals(server.props, 'network.publicNetworkAccess', 'Disabled', 'a private server'),
    remediation: 'Set network.publicNetworkAccess: "Disabled" and connect through VNet integration or a private endpoint.',
  },
  {
    id: 'postgres-high-availability',
    publicIds: [],
    description: 'The server runs a zone-redundant standby.',
    resourceTypes: [T.postgresServer],
    scope: 'resource',
    severity: 'medium',
    check: (server) => requireEquals(server.props, 'highAvailability.mode', 'ZoneRedundant', 'high availability'),
    remediation: 'Set highAvailability: { mode: "ZoneRedundant" } on a General Purpose or Memory Optimized SKU.',
    devAdvisory: { reason: 'dev runs a single Burstable server; a standby doubles its cost' },
  },
  {
    id: 'postgres-no-open-firewall',
    publicIds: ['CKV2_AZURE_26'],
    description: 'No firewall rule opens the server to every address (0.0.0.0-255.255.255.255) or to every Azure tenant (0.0.0.0-0.0.0.0).',
    resourceTypes: [T.postgresFirewallRule],
    scope: 'resource',
    severity: 'critical',
    check: (rule) => {
      const start = rule.props.startIpAddress;
      const end = rule.props.endIpAddress;
      if (start === '0.0.0.0' && end === '255.255.255.255') return violation('the rule allows every IPv4 address (0.0.0.0-255.255.255.255)', 'startIpAddress');
      if (start === '0.0.0.0' && end === '0.0.0.0') return violation('the rule 0.0.0.0-0.0.0.0 allows every Azure service of every tenant', 'startIpAddress');
      return pass;
    },
    remediation: 'Remove the firewall rule; the server is reached privately from the VNet.',
  },

  // ----- Redis -----------------------------------------------------------------
  {
    id: 'redis-tls-only',
    publicIds: ['CKV_AZURE_91'],
    description: 'Clients connect over TLS only (no plaintext port).',
    resourceTypes: [T.redis, T.redisEnterpriseDatabase],
    scope: 'resource',
    severity: 'high',
    check: (resource) => resource.type === T.redis
      ? (resource.props.enableNonSslPort === true ? violation('enableNonSslPort is true', 'enableNonSslPort') : pass)
      : (equalsIgnoreCase(resource.props.clientProtocol, 'Plaintext') ? violation('clientProtocol is "Plaintext"; use "Encrypted"', 'clientProtocol') : pass),
    remediation: 'Azure Managed Redis: clientProtocol "Encrypted" (port 10000); classic Redis: enableNonSslPort false (port 6380).',
  },
  {
    id: 'redis-minimum-tls-1-2',
    publicIds: ['CKV_AZURE_148'],
    description: 'The minimum TLS version is 1.2.',
    resourceTypes: [T.redis, T.redisEnterprise],
    scope: 'resource',
    severity: 'medium',
    check: (resource) => {
      const version = resource.props.minimumTlsVersion;
      // Azure Managed Redis only offers TLS 1.2+, so "not set" is compliant there; classic Redis must say so.
      if (version === undefined && resource.type === T.redisEnterprise) return pass;
      return version === '1.2' || version === '1.3'
        ? pass
        : violation(`minimumTlsVersion is ${show(version)}; use "1.2"`, 'minimumTlsVersion');
    },
    remediation: 'Set minimumTlsVersion: "1.2".',
  },
  {
    id: 'redis-public-network-disabled',
    publicIds: ['CKV_AZURE_89'],
    description: 'Redis is reachable only through its private endpoint.',
    resourceTypes: [T.redis, T.redisEnterprise],
    scope: 'resource',
    severity: 'high',
    check: (resource) => requireEquals(resource.props, 'publicNetworkAccess', 'Disabled', 'a private cache'),
    remediation: 'Set publicNetworkAccess: "Disabled" and add a private endpoint with its privatelink DNS zone.',
    devAdvisory: { reason: 'dev skips the Redis private endpoint to save its cost and reaches the cache with access keys over TLS' },
  },

  // ----- Key Vault -------------------------------------------------------------
  {
    id: 'keyvault-soft-delete',
    publicIds: ['CKV_AZURE_111'],
    description: 'Soft delete is on (deleted secrets can be recovered).',
    resourceTypes: [T.vault],
    scope: 'resource',
    severity: 'high',
    check: (vault) => get(vault.props, 'properties.enableSoftDelete') === false
      ? violation('properties.enableSoftDelete is false', 'properties.enableSoftDelete')
      : pass,
    remediation: 'Leave properties.enableSoftDelete unset or true, with softDeleteRetentionInDays 7-90.',
  },
  {
    id: 'keyvault-purge-protection',
    publicIds: ['CKV_AZURE_110', 'CKV_AZURE_42'],
    description: 'Purge protection is on, so the vault is recoverable (no forced purge during retention).',
    resourceTypes: [T.vault],
    scope: 'resource',
    severity: 'high',
    check: (vault) => requireEquals(vault.props, 'properties.enablePurgeProtection', true, 'a recoverable vault'),
    remediation: 'Set properties.enablePurgeProtection: true (it cannot be turned off again).',
  },
  {
    id: 'keyvault-rbac-authorization',
    publicIds: [],
    description: 'Data-plane access uses Azure RBAC, not access policies.',
    resourceTypes: [T.vault],
    scope: 'resource',
    severity: 'medium',
    check: (vault) => requireEquals(vault.props, 'properties.enableRbacAuthorization', true, 'RBAC authorization'),
    remediation: 'Set properties.enableRbacAuthorization: true and grant "Key Vault Secrets User" to workload identities.',
  },
  {
    id: 'keyvault-network-default-deny',
    publicIds: ['CKV_AZURE_109'],
    description: 'The vault firewall denies by default.',
    resourceTypes: [T.vault],
    scope: 'resource',
    severity: 'high',
    check: (vault) => requireEquals(vault.props, 'properties.networkAcls.defaultAction', 'Deny', 'a vault firewall'),
    remediation: 'Set properties.networkAcls: { defaultAction: "Deny", bypass: "AzureServices" } plus the ipRules/virtualNetworkRules that need access.',
  },
  {
    id: 'keyvault-public-network-disabled',
    publicIds: ['CKV_AZURE_189'],
    description: 'The vault is reachable only through its private endpoint.',
    resourceTypes: [T.vault],
    scope: 'resource',
    severity: 'high',
    check: (vault) => requireEquals(vault.props, 'properties.publicNetworkAccess', 'Disabled', 'a private vault'),
    remediation: 'Set properties.publicNetworkAccess: "Disabled" and add a private endpoint (privatelink.vaultcore.azure.net). keyvault.Secret writes go through ARM and keep working.',
    devAdvisory: { reason: 'dev has no Key Vault private endpoint, so developers can read secrets from their machines through the (default-deny) vault firewall' },
  },

  // ----- Data services: private endpoints and protection ----------------------
  {
    id: 'data-service-private-endpoint',
    publicIds: ['CKV2_AZURE_57', 'CKV2_AZURE_32'],
    description: 'PostgreSQL, Redis, Key Vault and the registry are reached through a private endpoint (PostgreSQL may use VNet integration instead).',
    resourceTypes: DATA_SERVICE_TYPES,
    scope: 'stack',
    severity: 'high',
    check: (resource, context) => {
      if (privateEndpointsFor(resource, context).length > 0) return pass;
      if (resource.type === T.postgresServer && typeof get(resource.props, 'network.delegatedSubnetResourceId') === 'string') return pass;
      const groupId = PRIVATE_LINK_GROUP_IDS[resource.type];
      return violation(
        `no network:PrivateEndpoint connects to ${resource.name} (privateLinkServiceConnections[].groupIds ["${groupId}"])` +
          (resource.type === T.postgresServer ? ' and network.delegatedSubnetResourceId is not set' : ''),
        resource.type === T.postgresServer ? 'network' : 'privateEndpoint');
    },
    remediation: 'Create a network.PrivateEndpoint in the private-endpoints subnet with privateLinkServiceConnections [{ privateLinkServiceId: <service>.id, groupIds: [<group id>] }] and a privateDnsZoneGroup for the privatelink zone.',
    devAdvisory: { reason: 'dev runs a Basic/Standard registry, which cannot have a private endpoint (Premium only), to save the Premium fee; prod must have one for every data service' },
  },
  {
    id: 'stateful-resource-protected',
    publicIds: [],
    description: 'Stateful resources (PostgreSQL server, Redis, Key Vault) carry the `protect` resource option.',
    resourceTypes: STATEFUL_TYPES,
    scope: 'resource',
    severity: 'high',
    check: (resource) => resource.protect
      ? pass
      : violation(`${resource.type} ${resource.name} is not protected (resource option protect is not true)`, 'opts.protect'),
    remediation: 'Create the resource with the resource option { protect: true } in prod; run `pulumi state unprotect <urn>` before a deliberate delete.',
    devAdvisory: { reason: 'dev stacks are disposable: `pulumi destroy` must work without unprotecting first' },
  },

  // ----- Network ---------------------------------------------------------------
  {
    id: 'subnet-has-nsg',
    publicIds: ['CKV2_AZURE_31'],
    description: 'Every subnet (except GatewaySubnet/AzureFirewallSubnet/RouteServerSubnet) has a network security group.',
    resourceTypes: [T.virtualNetwork, T.subnet],
    scope: 'resource',
    severity: 'medium',
    check: (resource) => {
      const subnets = resource.type === T.subnet
        ? [{ path: '', subnet: { ...resource.props, name: resource.props.subnetName ?? resource.props.name ?? resource.name } }]
        : asArray(resource.props.subnets).map((subnet, i) => ({ path: `subnets[${i}].`, subnet: isRecord(subnet) ? subnet : {} }));
      return subnets.flatMap(({ path, subnet }) => {
        const name = typeof subnet.name === 'string' ? subnet.name : '';
        if (NSG_EXEMPT_SUBNETS.has(name)) return [];
        return get(subnet, 'networkSecurityGroup.id') === undefined
          ? violation(`subnet ${show(subnet.name)} has no networkSecurityGroup`, `${path}networkSecurityGroup`)
          : [];
      });
    },
    remediation: 'Attach a network.NetworkSecurityGroup to the subnet (networkSecurityGroup: { id }).',
  },
  {
    id: 'nsg-no-internet-admin-ports',
    publicIds: ['CKV_AZURE_9', 'CKV_AZURE_10'],
    description: 'No inbound rule allows RDP (3389) or SSH (22) from the Internet.',
    resourceTypes: [T.networkSecurityGroup, T.securityRule],
    scope: 'resource',
    severity: 'critical',
    check: (resource) => {
      const rules = resource.type === T.securityRule
        ? [{ path: '', rule: resource.props as unknown }]
        : asArray(resource.props.securityRules).map((rule, i) => ({ path: `securityRules[${i}].`, rule }));
      return rules.flatMap(({ path, rule }) => adminPortsOpen(rule).map((port) => ({
        message: `inbound rule ${show(get(rule, 'name') ?? resource.name)} allows port ${port} (${port === 22 ? 'SSH' : 'RDP'}) from the Internet`,
        property: `${path}destinationPortRange`,
      })));
    },
    remediation: 'Remove the rule or restrict sourceAddressPrefix to a bastion or VPN range; reach nodes with `kubectl debug` instead of SSH.',
  },

  // ----- Tags ------------------------------------------------------------------
  {
    id: 'required-tags',
    publicIds: [],
    description: `Every taggable Azure resource carries the tags ${REQUIRED_TAG_KEYS.join(', ')}.`,
    resourceTypes: 'taggable',
    scope: 'resource',
    severity: 'low',
    check: (resource) => {
      const tags = resource.props.tags;
      const missing = missingRequiredTags(isRecord(tags) ? tags : undefined);
      return missing.length === 0 ? pass : violation(`tags lack ${missing.join(', ')}`, 'tags');
    },
    remediation: 'Pass the platform tag set (lib/tags.ts standardTags) as `tags` to the resource.',
  },

  // ----- Helm ------------------------------------------------------------------
  {
    id: 'helm-image-pinned-by-digest',
    publicIds: ['CKV_K8S_43', 'CKV_K8S_14'],
    description: 'Every Helm release deploys images pinned by digest: <registry>/<repository>@sha256:<64 hex>.',
    resourceTypes: [T.helmRelease],
    scope: 'resource',
    severity: 'high',
    check: (release) => {
      const images = imageReferences(release.props.values);
      if (images.length === 0) return violation('values contain no image reference (image.ref, image: "<registry>/<repo>@sha256:<digest>", or image.repository + image.digest)', 'values.image');
      return images.filter((image) => !image.pinned).map((image) => ({
        message: `${image.path} is ${JSON.stringify(image.reference)}; it must be <registry>/<repository>@sha256:<64 hex>`,
        property: image.path,
      }));
    },
    remediation: 'Pass the built image\'s digest reference (docker-build Image `ref`, i.e. <loginServer>/<repo>@sha256:...) into the release values.',
  },

  // ----- Least-privilege delivery (policy/rules-delivery.ts) ---------------------
  ...DELIVERY_RULES,
  ...HARDENING_RULES,

  // ----- Edge: Front Door, gateway, ingress ------------------------------------
  {
    id: 'ingress-not-retired',
    publicIds: [],
    description: 'No ingress on a retired controller: no Ingress or Helm value naming the webapprouting.kubernetes.azure.com or nginx class (ingress-nginx retired March 2026; app-routing NGINX supported through November 2026), and the AKS app-routing add-on off.',
    resourceTypes: [T.managedCluster, T.helmRelease, T.ingress],
    scope: 'resource',
    severity: 'high',
    check: (resource) => {
      if (resource.type === T.managedCluster) {
        return get(resource.props, 'ingressProfile.webAppRouting.enabled') === true
          ? violation('ingressProfile.webAppRouting.enabled is true: the app-routing add-on runs the retired NGINX ingress controller', 'ingressProfile.webAppRouting.enabled')
          : pass;
      }
      if (resource.type === T.ingress) {
        const annotated = get(resource.props, 'metadata.annotations');
        const value = get(resource.props, 'spec.ingressClassName') ?? (isRecord(annotated) ? annotated['kubernetes.io/ingress.class'] : undefined);
        return isRetiredIngressClass(value) ? violation(`Ingress ${resource.name} uses the retired class ${show(value)}; route with a Gateway API HTTPRoute instead`, 'spec.ingressClassName') : pass;
      }
      return retiredIngressClassesIn(resource.props.values).map((found) => ({ message: `${found.path} is ${show(found.value)}, a retired ingress class; route with a Gateway API HTTPRoute instead`, property: found.path }));
    },
    remediation: 'Turn the app-routing add-on off (ingressProfile: { webAppRouting: { enabled: false } }), drop the Ingress and attach an HTTPRoute (gateway.networking.k8s.io/v1) to the platform Gateway.',
  },
  {
    id: 'gateway-service-internal',
    publicIds: [],
    description: 'The Gateway API implementation\'s LoadBalancer Service is internal (service.beta.kubernetes.io/azure-load-balancer-internal: "true"); the public entry is Front Door over Private Link.',
    resourceTypes: [T.helmRelease],
    scope: 'resource',
    severity: 'high',
    check: (release) => {
      if (!isGatewayRelease(release)) return pass;
      return loadBalancerServicesIn(release)
        .filter((svc) => !isInternal(svc.annotations))
        .map((svc) => ({ message: `${svc.path} is a public LoadBalancer; annotate it ${AZURE_INTERNAL_LB_ANNOTATION}: "true" and publish it through a Private Link Service`, property: `${svc.path}.annotations` }));
    },
    remediation: 'Set the gateway Service annotations service.beta.kubernetes.io/azure-load-balancer-internal: "true" and azure-pls-create: "true" (components/gateway.ts `azure`).',
  },
  {
    id: 'cluster-service-no-public-ip',
    publicIds: [],
    description: 'No cluster-side Service gets a public IP: every LoadBalancer Service (Kubernetes Service or Helm value) is internal.',
    resourceTypes: [T.kubernetesService, T.helmRelease],
    scope: 'resource',
    severity: 'high',
    check: (resource) => {
      if (resource.type === T.kubernetesService) {
        if (!equalsIgnoreCase(get(resource.props, 'spec.type'), 'LoadBalancer')) return pass;
        return isInternal(get(resource.props, 'metadata.annotations')) ? pass : violation(`Service ${resource.name} is a public LoadBalancer; make it internal (${AZURE_INTERNAL_LB_ANNOTATION}: "true") or ClusterIP behind the gateway`, 'metadata.annotations');
      }
      return loadBalancerServicesIn(resource)
        .filter((svc) => !isInternal(svc.annotations))
        .map((svc) => ({ message: `${svc.path} asks for a public LoadBalancer; make it internal (${AZURE_INTERNAL_LB_ANNOTATION}: "true") or ClusterIP behind the gateway`, property: svc.path }));
    },
    remediation: 'Serve through the gateway (ClusterIP Service + HTTPRoute) or annotate the Service service.beta.kubernetes.io/azure-load-balancer-internal: "true".',
    devAdvisory: { reason: 'a dev cluster may briefly expose a test Service; prod never does' },
  },
  {
    id: 'front-door-waf-prevention',
    publicIds: [],
    description: 'The Front Door WAF policy is enabled, in Prevention mode, with the default and bot manager managed rule sets and a rate-limit rule.',
    resourceTypes: [T.frontDoorWafPolicy],
    scope: 'resource',
    severity: 'high',
    check: (policy) => {
      const problems: RuleViolation[] = [];
      if (!equalsIgnoreCase(get(policy.props, 'policySettings.enabledState'), 'Enabled')) problems.push({ message: `policySettings.enabledState is ${show(get(policy.props, 'policySettings.enabledState'))}; the WAF must be Enabled`, property: 'policySettings.enabledState' });
      if (!equalsIgnoreCase(get(policy.props, 'policySettings.mode'), 'Prevention')) problems.push({ message: `policySettings.mode is ${show(get(policy.props, 'policySettings.mode'))}; the WAF must block (Prevention)`, property: 'policySettings.mode' });
      const sets = asArray(get(policy.props, 'managedRules.managedRuleSets')).map((r) => get(r, 'ruleSetType'));
      for (const required of WAF_REQUIRED_RULE_SETS) {
        if (!sets.some((t) => typeof t === 'string' && required.type.test(t))) problems.push({ message: `managedRules lacks ${required.name}`, property: 'managedRules.managedRuleSets' });
      }
      const rateLimited = asArray(get(policy.props, 'customRules.rules')).some((r) => equalsIgnoreCase(get(r, 'ruleType'), 'RateLimitRule') && !equalsIgnoreCase(get(r, 'enabledState'), 'Disabled'));
      if (!rateLimited) problems.push({ message: 'customRules has no enabled RateLimitRule', property: 'customRules.rules' });
      return problems;
    },
    remediation: 'frontdoor.Policy { sku: Premium_AzureFrontDoor, policySettings: { enabledState: Enabled, mode: Prevention }, managedRules: [Microsoft_DefaultRuleSet, Microsoft_BotManagerRuleSet], customRules: [a RateLimitRule] } (components/front-door.ts).',
    devAdvisory: { reason: 'dev may run the WAF in Detection mode while rules are tuned' },
  },
  {
    id: 'front-door-waf-attached',
    publicIds: [],
    description: 'Every Front Door endpoint is covered by a security policy that attaches a WAF policy.',
    resourceTypes: [T.frontDoorEndpoint],
    scope: 'stack',
    severity: 'high',
    check: (endpoint, context) => {
      const covered = context.resources.some((sp) => {
        if (sp.type !== T.frontDoorSecurityPolicy || !get(sp.props, 'parameters.wafPolicy.id')) return false;
        if (dependsOn(sp, endpoint)) return true;
        return asArray(get(sp.props, 'parameters.associations')).some((a) => asArray(get(a, 'domains')).some((d) => endpoint.id !== undefined && equalsIgnoreCase(get(d, 'id'), endpoint.id)));
      });
      return covered ? pass : violation(`no cdn:SecurityPolicy attaches a WAF policy to endpoint ${endpoint.name}`, 'securityPolicy');
    },
    remediation: 'Create cdn.SecurityPolicy { parameters: { type: WebApplicationFirewall, wafPolicy: { id }, associations: [{ domains: [{ id: endpoint.id }], patternsToMatch: ["/*"] }] } }.',
  },
  {
    id: 'front-door-https-only',
    publicIds: [],
    description: 'Front Door routes serve HTTPS only (HTTP redirects to HTTPS) and custom domains require TLS 1.2 or later.',
    resourceTypes: [T.frontDoorRoute, T.frontDoorCustomDomain],
    scope: 'resource',
    severity: 'high',
    check: (resource) => {
      if (resource.type === T.frontDoorCustomDomain) {
        const tls = get(resource.props, 'tlsSettings.minimumTlsVersion');
        return equalsIgnoreCase(tls, 'TLS12') || equalsIgnoreCase(tls, 'TLS13') ? pass : violation(`tlsSettings.minimumTlsVersion is ${show(tls)}; require TLS12 or later`, 'tlsSettings.minimumTlsVersion');
      }
      const protocols = asStringArray(get(resource.props, 'supportedProtocols'));
      const http = protocols.length === 0 || protocols.some((p) => equalsIgnoreCase(p, 'Http'));
      if (http && !equalsIgnoreCase(get(resource.props, 'httpsRedirect'), 'Enabled')) {
        return violation(`route ${resource.name} accepts HTTP without redirecting (httpsRedirect is ${show(get(resource.props, 'httpsRedirect'))}); set httpsRedirect: Enabled or serve Https only`, 'httpsRedirect');
      }
      return pass;
    },
    remediation: 'cdn.Route { supportedProtocols: ["Http", "Https"], httpsRedirect: "Enabled" } (or ["Https"]); AFDCustomDomain tlsSettings.minimumTlsVersion: "TLS12".',
  },
];

/** A rule by id; throws for an unknown id. */
export function ruleById(id: string): Rule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown rule "${id}"; known rules: ${RULES.map((r) => r.id).join(', ')}`);
  return rule;
}
