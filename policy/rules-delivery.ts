/**
 * Guardrails for least-privilege delivery (issue #13): what the network lets
 * in from the Internet, TLS on the data services, which roles the program may
 * assign, who may act as the apps' identity, and how the apps' Helm releases
 * run. Same shape as ./rules.ts (which appends these to RULES), kept apart so
 * the delivery rules read as one set.
 *
 * As in ./rules.ts, the well-known values (role ids, the workload-identity
 * audience, the ACR login-server suffix) are written here and not imported
 * from lib/: a guardrail must not take the value it checks from the code it
 * checks. test/role-ids.test.ts checks that lib/role-ids.ts and
 * {@link ROLE_ALLOW_LIST} agree.
 *
 * Stack-scoped rules run on inputs in the offline plan and on outputs in the
 * engine (`validateStack`); each reads only what both carry, or falls back to
 * the recorded dependency when a value is computed by Azure.
 */
import type { EvaluationContext, ResourceView, Rule, RuleViolation } from './model';
import { asArray, asStringArray, equalsIgnoreCase, get, getCaseInsensitive, isRecord, show, walkValues } from './props';

/** Type tokens the delivery rules refer to (besides those of ./rules.ts). */
export const D = {
  managedCluster: 'azure-native:containerservice:ManagedCluster',
  registry: 'azure-native:containerregistry:Registry',
  networkSecurityGroup: 'azure-native:network:NetworkSecurityGroup',
  securityRule: 'azure-native:network:SecurityRule',
  postgresServer: 'azure-native:dbforpostgresql:Server',
  postgresConfiguration: 'azure-native:dbforpostgresql:Configuration',
  roleAssignment: 'azure-native:authorization:RoleAssignment',
  federatedCredential: 'azure-native:managedidentity:FederatedIdentityCredential',
  helmRelease: 'kubernetes:helm.sh/v3:Release',
  frontDoorProfile: 'azure-native:cdn:Profile',
} as const;

const pass: RuleViolation[] = [];
const violation = (message: string, property?: string): RuleViolation[] => [{ message, property }];

// ---------------------------------------------------------------------------
// Internet-exposed NSG ports

/** Source prefixes that mean "anyone on the Internet". */
const INTERNET_SOURCES = new Set(['*', 'internet', 'any', '0.0.0.0/0', '0.0.0.0', '::/0']);
/** The only ports a public web entry point needs. */
export const PUBLIC_WEB_PORTS: readonly number[] = [80, 443];

interface PortSpan {
  from: number;
  to: number;
  text: string;
}

function portSpans(rule: unknown): PortSpan[] {
  const ranges = [get(rule, 'destinationPortRange'), ...asArray(get(rule, 'destinationPortRanges'))].filter((s): s is string => typeof s === 'string');
  return ranges.map((text) => {
    if (text.trim() === '*') return { from: 0, to: 65535, text };
    const [a, b] = text.split('-').map((p) => Number(p.trim()));
    return { from: a, to: Number.isFinite(b) ? b : a, text };
  });
}

/** The port ranges an inbound Allow rule opens to the Internet, minus the public web ports when those are allowed. */
function internetExposure(rule: unknown, webAllowed: boolean): string[] {
  if (!equalsIgnoreCase(get(rule, 'direction'), 'Inbound') || !equalsIgnoreCase(get(rule, 'access'), 'Allow')) return [];
  const sources = [get(rule, 'sourceAddressPrefix'), ...asArray(get(rule, 'sourceAddressPrefixes'))].filter((s): s is string => typeof s === 'string');
  if (!sources.some((s) => INTERNET_SOURCES.has(s.toLowerCase()))) return [];
  const protocol = String(get(rule, 'protocol') ?? '*').toLowerCase();
  return portSpans(rule)
    .filter((span) => {
      const onlyWeb = span.from === span.to && PUBLIC_WEB_PORTS.includes(span.from) && protocol === 'tcp';
      return !(webAllowed && onlyWeb);
    })
    .map((span) => span.text);
}

/**
 * True when the stack's design needs 80/443 from the Internet on the nodes: a
 * cluster serves public traffic through the app-routing ingress and no Azure
 * Front Door profile fronts it (with Front Door, the origin takes no Internet traffic).
 */
export function publicWebIngressNeeded(context: EvaluationContext): boolean {
  const frontDoor = context.resources.some((r) => r.type === D.frontDoorProfile && /frontdoor/i.test(String(get(r.props, 'sku.name') ?? '')));
  if (frontDoor) return false;
  return context.resources.some((r) => r.type === D.managedCluster && get(getCaseInsensitive(r.props.ingressProfile, 'webAppRouting'), 'enabled') === true);
}

// ---------------------------------------------------------------------------
// Role assignments

/** Owner, Contributor and User Access Administrator: never assigned by the program. */
export const FORBIDDEN_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
};

/** One allowed role assignment: role × scope (ARM resource types) × principal kinds. */
export interface AllowedRoleAssignment {
  role: string;
  /** The ARM resource types the scope may be (one resource in a resource group, never a group or subscription). */
  scopeTypes: readonly string[];
  principalTypes: readonly string[];
}

/** The role assignments the program may create (Microsoft Learn, "Azure built-in roles", checked 2026-12-01). */
export const ROLE_ALLOW_LIST: Readonly<Record<string, AllowedRoleAssignment>> = {
  '7f951dda-4ed3-4680-a7ca-43fe172d538d': { role: 'AcrPull', scopeTypes: ['Microsoft.ContainerRegistry/registries'], principalTypes: ['ServicePrincipal'] },
  '4d97b98b-1d4f-4787-a291-c67834d212e7': { role: 'Network Contributor', scopeTypes: ['Microsoft.Network/virtualNetworks/subnets'], principalTypes: ['ServicePrincipal'] },
  'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b': { role: 'Azure Kubernetes Service RBAC Cluster Admin', scopeTypes: ['Microsoft.ContainerService/managedClusters'], principalTypes: ['ServicePrincipal', 'User'] },
  '4633458b-17de-408a-b874-0445c86b69e6': { role: 'Key Vault Secrets User', scopeTypes: ['Microsoft.KeyVault/vaults/secrets'], principalTypes: ['ServicePrincipal'] },
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': { role: 'Key Vault Secrets Officer', scopeTypes: ['Microsoft.KeyVault/vaults'], principalTypes: ['ServicePrincipal', 'User'] },
  'b0d8363b-8ddd-447d-831f-62ca05bff136': { role: 'Monitoring Data Reader', scopeTypes: ['Microsoft.Monitor/accounts'], principalTypes: ['ServicePrincipal'] },
  '22926164-76b3-42b3-bc55-97df8dab3e41': { role: 'Grafana Admin', scopeTypes: ['Microsoft.Dashboard/grafana'], principalTypes: ['ServicePrincipal', 'User', 'Group'] },
  'a79a5197-3a5c-4973-a920-486035ffd60f': { role: 'Grafana Editor', scopeTypes: ['Microsoft.Dashboard/grafana'], principalTypes: ['Group'] },
  '60921a7e-fef1-4a43-9b16-a26c52ad4769': { role: 'Grafana Viewer', scopeTypes: ['Microsoft.Dashboard/grafana'], principalTypes: ['Group'] },
};

/** The ARM resource type of a resource id (`.../providers/Microsoft.X/a/n1/b/n2` → `Microsoft.X/a/b`); undefined for a subscription or resource group. */
export function armTypeOf(resourceId: string): string | undefined {
  const match = /\/providers\/([^/]+)\/(.+)$/i.exec(resourceId);
  if (!match) return undefined;
  const segments = match[2].split('/');
  const types = segments.filter((_, i) => i % 2 === 0);
  return [match[1], ...types].join('/');
}

// ---------------------------------------------------------------------------
// Workload identity

/** The audience of Kubernetes workload-identity tokens. */
const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';
/** An AKS OIDC issuer: `https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/`. */
const AKS_OIDC_ISSUER = /^https:\/\/[a-z0-9-]+\.oic\.prod-aks\.azure\.com\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/?$/i;
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** The AKS KEDA add-on's operator, the one system service account a federated credential may name (when a cluster runs the add-on). */
const KEDA_OPERATOR_SUBJECT = 'system:serviceaccount:kube-system:keda-operator';

/** Whether a cluster of the stack runs the KEDA add-on (workloadAutoScalerProfile.keda.enabled). */
function kedaAddonOn(context: EvaluationContext): boolean {
  return context.resources.some((r) => r.type === D.managedCluster && get(r.props, 'workloadAutoScalerProfile.keda.enabled') === true);
}

/**
 * `system:serviceaccount:<ns>:<sa>` for every release that runs with workload identity, for the
 * migration Job of a release that runs one under its own identity (`<app>-migrate`), and the KEDA
 * operator when a release scales with KEDA on a cluster with the add-on.
 */
export function workloadIdentitySubjects(context: EvaluationContext): string[] | undefined {
  const releases = context.resources.filter((r) => r.type === D.helmRelease);
  if (releases.length === 0) return undefined;
  const account = (r: (typeof releases)[number]) => {
    const sa = get(r.props, 'values.serviceAccount.name');
    const app = get(r.props, 'values.app.name');
    return typeof sa === 'string' && sa !== '' ? sa : typeof app === 'string' && app !== '' ? app : String(r.props.name);
  };
  const subject = (r: (typeof releases)[number], sa: string) => `system:serviceaccount:${String(r.props.namespace)}:${sa}`;
  return [
    ...releases.filter((r) => get(r.props, 'values.workloadIdentity.enabled') === true).map((r) => subject(r, account(r))),
    ...releases
      .filter((r) => get(r.props, 'values.migrations.enabled') === true && typeof get(r.props, 'values.migrations.workloadIdentity.clientId') === 'string')
      .map((r) => subject(r, `${account(r)}-migrate`)),
    ...(kedaAddonOn(context) && releases.some((r) => get(r.props, 'values.keda.enabled') === true) ? [KEDA_OPERATOR_SUBJECT] : []),
  ];
}

// ---------------------------------------------------------------------------
// Helm releases

function values(release: ResourceView): Record<string, unknown> {
  return isRecord(release.props.values) ? release.props.values : {};
}

/**
 * The gateway's Traefik chart (components/gateway.ts): a third-party chart whose values
 * do not use the platform chart's keys (serviceAccount.automountToken, networkPolicy,
 * podSecurity, resources); the value-shape rules below read those keys, so they skip it.
 * Its own guardrails are the edge rules (gateway-service-internal, cluster-service-no-public-ip)
 * and its pinned, reviewed image below.
 */
function isThirdPartyGatewayRelease(release: ResourceView): boolean {
  return release.props.chart === 'traefik';
}

/**
 * Third-party images allowed besides the stack's registry: reviewed, pinned by digest.
 * The gateway's Traefik v3.7.11 (multi-arch index; lib/edge.ts TRAEFIK_CHART.image).
 */
const REVIEWED_THIRD_PARTY_IMAGES = new Set(['docker.io/traefik@sha256:5203c3f39ca70de6790d964624e042463ffbd57715bc82be155cf224c0dd5144']);

/** Every image reference in a values tree (`image: "<ref>"` or `image: { ref }`, or `{ registry, repository }`). */
function imageRefs(tree: unknown, path = 'values'): { path: string; ref: string }[] {
  const found: { path: string; ref: string }[] = [];
  walkValues(tree, path, (key, value, at) => {
    if (key !== 'image') return true;
    if (typeof value === 'string') found.push({ path: at, ref: value });
    else if (isRecord(value) && typeof value.ref === 'string') found.push({ path: `${at}.ref`, ref: value.ref });
    else if (isRecord(value) && typeof value.repository === 'string') {
      const registry = typeof value.registry === 'string' && value.registry !== '' ? `${value.registry}/` : '';
      const digest = typeof value.digest === 'string' && value.digest !== '' ? `@${value.digest}` : '';
      found.push({ path: at, ref: `${registry}${value.repository}${digest}` });
    } else return true;
    return false;
  });
  return found;
}

/** Login servers of the registries in the stack (`<name>.azurecr.io`, or the `loginServer` output). */
export function stackRegistries(context: EvaluationContext): string[] {
  return context.resources
    .filter((r) => r.type === D.registry)
    .flatMap((r) => [r.props.loginServer, typeof r.props.registryName === 'string' ? `${r.props.registryName.toLowerCase()}.azurecr.io` : undefined])
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .map((s) => s.toLowerCase());
}

function quantitySet(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '' && value !== '0') || (typeof value === 'number' && value > 0);
}

// ---------------------------------------------------------------------------
// Postgres TLS

const TLS_VERSIONS_OK = new Set(['tlsv1.2', 'tlsv1.3']);

function postgresSettingProblem(name: string, value: unknown): string | undefined {
  const v = String(value ?? '').toLowerCase();
  if (name === 'require_secure_transport') return v === 'on' ? undefined : `require_secure_transport is ${show(value)}; it must be "on"`;
  if (name === 'ssl_min_protocol_version') return TLS_VERSIONS_OK.has(v) ? undefined : `ssl_min_protocol_version is ${show(value)}; it must be "TLSv1.2" or "TLSv1.3"`;
  return undefined;
}

/** The configurations of a server in the stack (by server name, or a recorded dependency). */
function configurationsOf(server: ResourceView, context: EvaluationContext): ResourceView[] {
  const serverName = server.props.serverName ?? server.props.name;
  return context.resources.filter((c) => c.type === D.postgresConfiguration &&
    ((typeof serverName === 'string' && c.props.serverName === serverName) || c.dependencies.includes(server.urn)));
}

// ---------------------------------------------------------------------------
// The rules

export const DELIVERY_RULES: readonly Rule[] = [
  {
    id: 'nsg-no-internet-exposed-ports',
    publicIds: [],
    description: 'No NSG rule lets the Internet in, except TCP 80/443 while the design serves public traffic from the cluster\'s own ingress (none once Azure Front Door fronts it).',
    resourceTypes: [D.networkSecurityGroup, D.securityRule],
    scope: 'stack',
    severity: 'critical',
    check: (resource, context) => {
      const webAllowed = publicWebIngressNeeded(context);
      const rules = resource.type === D.securityRule
        ? [{ path: '', rule: resource.props as unknown }]
        : asArray(resource.props.securityRules).map((rule, i) => ({ path: `securityRules[${i}].`, rule }));
      return rules.flatMap(({ path, rule }) => internetExposure(rule, webAllowed).map((ports) => ({
        message: `inbound rule ${show(get(rule, 'name') ?? resource.name)} allows ${ports === '*' ? 'every port' : `port(s) ${ports}`} (${show(get(rule, 'protocol'))}) from the Internet` +
          (webAllowed ? '; only TCP 80/443 may be open, for the public ingress' : '; nothing may be open to the Internet here (no public ingress, or Front Door is the entry point)'),
        property: `${path}destinationPortRange`,
      })));
    },
    remediation: 'Restrict sourceAddressPrefix to the VNet, a service tag (AzureLoadBalancer, AzureFrontDoor.Backend) or a bastion range; reach the API server, kubelet and data services privately.',
  },
  {
    id: 'postgres-tls-enforced',
    publicIds: [],
    description: 'Every PostgreSQL flexible server requires TLS: require_secure_transport "on" and ssl_min_protocol_version TLSv1.2 or later, as server configurations.',
    resourceTypes: [D.postgresServer, D.postgresConfiguration],
    scope: 'stack',
    severity: 'high',
    check: (resource, context) => {
      if (resource.type === D.postgresConfiguration) {
        const name = String(resource.props.configurationName ?? resource.props.name ?? '');
        const problem = postgresSettingProblem(name, resource.props.value);
        return problem ? violation(problem, 'value') : pass;
      }
      const configured = new Set(configurationsOf(resource, context).map((c) => String(c.props.configurationName ?? c.props.name ?? '')));
      return ['require_secure_transport', 'ssl_min_protocol_version']
        .filter((setting) => !configured.has(setting))
        .flatMap((setting) => violation(`server ${resource.name} has no dbforpostgresql:Configuration "${setting}" in the stack`, `configurations.${setting}`));
    },
    remediation: 'Add dbforpostgresql.Configuration resources require_secure_transport = "on" and ssl_min_protocol_version = "TLSv1.2" (source "user-override") on the server (components/postgres-database.ts does).',
  },
  {
    id: 'role-assignment-allow-list',
    publicIds: [],
    description: 'The program assigns only allow-listed roles, each on its one kind of resource and to its principal kind; never Owner, Contributor or User Access Administrator, never on a resource group or subscription.',
    resourceTypes: [D.roleAssignment],
    scope: 'resource',
    severity: 'critical',
    check: (assignment) => {
      const roleId = String(assignment.props.roleDefinitionId ?? '');
      const guid = roleId.replace(/^.*\//, '').toLowerCase();
      const forbidden = FORBIDDEN_ROLES[guid];
      if (forbidden) return violation(`the assignment grants ${forbidden} (${guid}); the program never assigns Owner, Contributor or User Access Administrator`, 'roleDefinitionId');
      const allowed = ROLE_ALLOW_LIST[guid];
      if (!allowed) return violation(`role ${show(guid)} is not on the allow-list (${Object.values(ROLE_ALLOW_LIST).map((r) => r.role).join(', ')})`, 'roleDefinitionId');
      const problems: RuleViolation[] = [];
      const scope = assignment.props.scope;
      if (typeof scope === 'string') {
        const scopeType = armTypeOf(scope);
        if (scopeType === undefined || !allowed.scopeTypes.some((t) => t.toLowerCase() === scopeType.toLowerCase())) {
          problems.push({ message: `${allowed.role} is scoped to ${show(scope)} (${scopeType ?? 'a subscription or resource group'}); it may only be scoped to one ${allowed.scopeTypes.join(' or ')}`, property: 'scope' });
        }
      }
      const kind = assignment.props.principalType;
      if (typeof kind !== 'string' || !allowed.principalTypes.includes(kind)) {
        problems.push({ message: `${allowed.role} goes to principalType ${show(kind)}; allowed: ${allowed.principalTypes.join(', ')} (set it explicitly)`, property: 'principalType' });
      }
      return problems;
    },
    remediation: 'Assign only the roles of lib/role-ids.ts on the one resource that needs them (registry, nodes subnet, cluster, vault or secret, monitor workspace, Grafana) with an explicit principalType; a new role needs the allow-list, lib/role-ids.ts and the deploying identity\'s condition (docs/setup.md) changed together.',
  },
  {
    id: 'federated-credential-cluster-subject',
    publicIds: [],
    description: 'Federated identity credentials trust only the stack\'s AKS OIDC issuer, for `system:serviceaccount:<app namespace>:<app service account>` of a release that uses workload identity (or its `<app>-migrate` Job; or kube-system:keda-operator when the KEDA add-on scales a release), with audience api://AzureADTokenExchange.',
    resourceTypes: [D.federatedCredential],
    scope: 'stack',
    severity: 'critical',
    check: (credential, context) => {
      const problems: RuleViolation[] = [];
      const clusters = context.resources.filter((r) => r.type === D.managedCluster);
      const issuer = credential.props.issuer;
      const clusterIssuers = clusters.map((c) => get(c.props, 'oidcIssuerProfile.issuerURL')).filter((u): u is string => typeof u === 'string');
      if (typeof issuer === 'string' && clusterIssuers.length > 0) {
        if (!clusterIssuers.includes(issuer)) problems.push({ message: `issuer ${show(issuer)} is not the OIDC issuer of a cluster in the stack (${clusterIssuers.join(', ')})`, property: 'issuer' });
      } else if (typeof issuer === 'string' && !AKS_OIDC_ISSUER.test(issuer)) {
        problems.push({ message: `issuer ${show(issuer)} is not an AKS OIDC issuer (https://<region>.oic.prod-aks.azure.com/<tenant>/<id>/)`, property: 'issuer' });
      } else if (!clusters.some((c) => credential.dependencies.includes(c.urn))) {
        problems.push({ message: 'the issuer does not come from a cluster in the stack (no dependency on a containerservice:ManagedCluster)', property: 'issuer' });
      }
      const subject = credential.props.subject;
      const allowed = workloadIdentitySubjects(context);
      const match = typeof subject === 'string' ? /^system:serviceaccount:([a-z0-9-]+):([a-z0-9.-]+)$/.exec(subject) : null;
      if (!match) {
        problems.push({ message: `subject ${show(subject)} is not system:serviceaccount:<namespace>:<service account>`, property: 'subject' });
      } else if (
        allowed !== undefined
          ? !allowed.includes(subject as string)
          : (SYSTEM_NAMESPACES.has(match[1]) || match[2] === 'default') && !(subject === KEDA_OPERATOR_SUBJECT && kedaAddonOn(context))
      ) {
        problems.push({ message: `subject ${show(subject)} is not the service account of an app that uses workload identity (${allowed?.join(', ') || 'no system namespace, no default account'})`, property: 'subject' });
      }
      const audiences = asStringArray(credential.props.audiences);
      if (audiences.length !== 1 || audiences[0] !== WORKLOAD_IDENTITY_AUDIENCE) {
        problems.push({ message: `audiences are ${show(credential.props.audiences)}; use exactly ["${WORKLOAD_IDENTITY_AUDIENCE}"]`, property: 'audiences' });
      }
      return problems;
    },
    remediation: 'Create the credential from the cluster\'s oidcIssuerProfile.issuerURL with subject system:serviceaccount:<ns>:<sa> of the app (components/workload-identity.ts).',
  },
  {
    id: 'aks-workload-identity',
    publicIds: [],
    description: 'The cluster issues OIDC tokens and runs the workload-identity webhook (pods reach Azure without secrets).',
    resourceTypes: [D.managedCluster],
    scope: 'resource',
    severity: 'high',
    check: (cluster) => [
      ...(get(cluster.props, 'oidcIssuerProfile.enabled') === true ? pass : violation(`oidcIssuerProfile.enabled is ${show(get(cluster.props, 'oidcIssuerProfile.enabled'))}; it must be true`, 'oidcIssuerProfile.enabled')),
      ...(get(cluster.props, 'securityProfile.workloadIdentity.enabled') === true ? pass : violation(`securityProfile.workloadIdentity.enabled is ${show(get(cluster.props, 'securityProfile.workloadIdentity.enabled'))}; it must be true`, 'securityProfile.workloadIdentity.enabled')),
    ],
    remediation: 'Set oidcIssuerProfile: { enabled: true } and securityProfile.workloadIdentity: { enabled: true }.',
  },
  {
    id: 'helm-no-token-automount',
    publicIds: ['CKV_K8S_38'],
    description: 'Release values turn off service-account token automounting (the apps use workload identity, not the Kubernetes API).',
    resourceTypes: [D.helmRelease],
    scope: 'resource',
    severity: 'high',
    check: (release) => isThirdPartyGatewayRelease(release) ? pass : get(values(release), 'serviceAccount.automountToken') === false
      ? pass
      : violation(`values.serviceAccount.automountToken is ${show(get(values(release), 'serviceAccount.automountToken'))}; it must be false`, 'values.serviceAccount.automountToken'),
    remediation: 'Set serviceAccount.automountToken: false in the release values (lib/app-values.ts does).',
  },
  {
    id: 'helm-network-policy',
    publicIds: [],
    description: 'Release values turn the app\'s NetworkPolicy on (default deny, only the listed peers).',
    resourceTypes: [D.helmRelease],
    scope: 'resource',
    severity: 'high',
    check: (release) => isThirdPartyGatewayRelease(release) ? pass : get(values(release), 'networkPolicy.enabled') === true
      ? pass
      : violation(`values.networkPolicy.enabled is ${show(get(values(release), 'networkPolicy.enabled'))}; it must be true`, 'values.networkPolicy.enabled'),
    remediation: 'Set networkPolicy.enabled: true with the app\'s ingressFrom/egressTo peers (lib/app-values.ts).',
  },
  {
    id: 'helm-non-root',
    publicIds: ['CKV_K8S_23', 'CKV_K8S_40'],
    description: 'Release values run the pods as a non-root user and group (podSecurity.runAsUser/runAsGroup > 0).',
    resourceTypes: [D.helmRelease],
    scope: 'resource',
    severity: 'high',
    check: (release) => isThirdPartyGatewayRelease(release) ? pass : ['runAsUser', 'runAsGroup'].flatMap((key) => {
      const value = get(values(release), `podSecurity.${key}`);
      return typeof value === 'number' && Number.isInteger(value) && value > 0
        ? []
        : violation(`values.podSecurity.${key} is ${show(value)}; it must be a non-zero UID/GID`, `values.podSecurity.${key}`);
    }),
    remediation: 'Set podSecurity.runAsUser and runAsGroup to the image\'s non-root user (10000 or more).',
  },
  {
    id: 'helm-resource-limits',
    publicIds: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13'],
    description: 'Release values set CPU and memory requests and limits.',
    resourceTypes: [D.helmRelease],
    scope: 'resource',
    severity: 'medium',
    check: (release) => isThirdPartyGatewayRelease(release) ? pass : ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].flatMap((key) => {
      const value = get(values(release), `resources.${key}`);
      return quantitySet(value) ? [] : violation(`values.resources.${key} is ${show(value)}; set it`, `values.resources.${key}`);
    }),
    remediation: 'Set resources.requests and resources.limits (cpu and memory) per app (config apps.<app>).',
  },
  {
    id: 'helm-atomic',
    publicIds: [],
    description: 'Releases install and upgrade atomically (a failed rollout rolls back).',
    resourceTypes: [D.helmRelease],
    scope: 'resource',
    severity: 'medium',
    check: (release) => release.props.atomic === true ? pass : violation(`atomic is ${show(release.props.atomic)}; it must be true`, 'atomic'),
    remediation: 'Set atomic: true (and cleanupOnFail: true) on the helm.v3.Release.',
  },
  {
    id: 'helm-registry-allow-list',
    publicIds: [],
    description: 'Releases deploy images only from the stack\'s own container registry.',
    resourceTypes: [D.helmRelease],
    scope: 'stack',
    severity: 'high',
    check: (release, context) => {
      const registries = stackRegistries(context);
      return imageRefs(values(release)).flatMap(({ path, ref }) => {
        const host = ref.split('/')[0].toLowerCase();
        return registries.includes(host) || REVIEWED_THIRD_PARTY_IMAGES.has(ref)
          ? []
          : violation(`${path} is ${JSON.stringify(ref)}; images must come from the platform's registry (${registries.join(', ') || 'none in the stack'})`, path);
      });
    },
    remediation: 'Deploy the image CI built, scanned and pushed to the platform registry (<loginServer>/aks-platform/<app>@sha256:...); mirror third-party images into it.',
  },
];
