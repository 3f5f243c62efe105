/**
 * The least-privilege delivery rules (policy/rules-delivery.ts), table-driven:
 * for every rule at least one compliant and one violating case, with the
 * message naming the property and value.
 */
import { checkResource, contextFor } from '../../policy/evaluate';
import type { ResourceView } from '../../policy/model';
import { armTypeOf, DELIVERY_RULES, D } from '../../policy/rules-delivery';
import { HARDENING_RULES, RESTRICTED_POD_SECURITY_INITIATIVE } from '../../policy/rules-hardening';
import { cluster, DIGEST, helmRelease, PINNED_IMAGE, registry, TAGS, view } from './fixtures';

type Outcome = 'pass' | 'mandatory' | 'advisory';
interface Case { rule: string; title: string; resource: ResourceView; others?: ResourceView[]; expected: Outcome; message?: string }

const SUB = '/subscriptions/s';
const RG = `${SUB}/resourceGroups/rg`;
const roleId = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
const KV_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const CLUSTER_ADMIN = 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b';
const REGISTRY_ID = `${RG}/providers/Microsoft.ContainerRegistry/registries/craksplatprodweuabc123`;
const VAULT_ID = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-4000-8000-000000000002/f3761c4d-057f-4baa-8350-b4f62b16398f/';

const nsg = (rules: Record<string, unknown>[]) => view(D.networkSecurityGroup, 'nsg', { tags: TAGS, securityRules: rules });
const inbound = (ports: string[], protocol = 'Tcp', source = 'Internet') => ({ name: 'r', direction: 'Inbound', access: 'Allow', protocol, sourceAddressPrefix: source, destinationPortRanges: ports });
const ingressCluster = view(D.managedCluster, 'aks', cluster({ ingressProfile: { webAppRouting: { enabled: true } } }));
const frontDoor = view(D.frontDoorProfile, 'afd', { sku: { name: 'Premium_AzureFrontDoor' }, tags: TAGS });
const pgServer = view(D.postgresServer, 'pg', { serverName: 'psql1', tags: TAGS });
const pgConfig = (name: string, value: string) => view(D.postgresConfiguration, `pg-${name}`, { serverName: 'psql1', configurationName: name, value, source: 'user-override' });
const assignment = (guid: string, scope: string, principalType?: string) => view(D.roleAssignment, 'ra', { roleDefinitionId: roleId(guid), scope, principalId: 'p', ...(principalType ? { principalType } : {}) });
const aks = view(D.managedCluster, 'aks', cluster({ oidcIssuerProfile: { enabled: true }, securityProfile: { workloadIdentity: { enabled: true } } }));
const aksWithIssuer = view(D.managedCluster, 'aks', { ...aks.props, oidcIssuerProfile: { enabled: true, issuerURL: ISSUER } });
const release = (app: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}) => view(D.helmRelease, `${app}-release`, { ...helmRelease(values), name: app, namespace: app, ...extra });
const goodValues = (over: Record<string, unknown> = {}) => ({
  image: { ref: PINNED_IMAGE }, serviceAccount: { automountToken: false }, networkPolicy: { enabled: true },
  podSecurity: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  workloadIdentity: { enabled: true }, ...over,
});
const apiRelease = release('api', goodValues());
const fic = (props: Record<string, unknown>, deps: string[] = [aks.urn]) => view(D.federatedCredential, 'fic', { issuer: ISSUER, subject: 'system:serviceaccount:api:api', audiences: ['api://AzureADTokenExchange'], ...props }, { dependencies: deps });
const acr = view(D.registry, 'acr', registry({ registryName: 'craksplatprodweuabc123' }));
const kvView = view('azure-native:keyvault:Vault', 'kv', { tags: TAGS });
const diag = (target: ResourceView, logs: Record<string, unknown>[]) => view('azure-native:monitor:DiagnosticSetting', `${target.name}-diag`, { resourceUri: target.id, workspaceId: '/w', logs }, { dependencies: [target.urn] });
const podSecurity = (effect: string, deps: string[]) => view('azure-native:authorization:PolicyAssignment', 'pod-security', { policyDefinitionId: `/providers/Microsoft.Authorization/policySetDefinitions/${RESTRICTED_POD_SECURITY_INITIATIVE}`, scope: '/subscriptions/s/x', parameters: { effect: { value: effect } } }, { dependencies: deps });

const defaultRoute = (nextHopType: string) => view('azure-native:network:Route', 'route-default', { routeTableName: 'rt', addressPrefix: '0.0.0.0/0', nextHopType, nextHopIpAddress: '10.20.6.4' });
const udrCluster = (deps: string[]) => view(D.managedCluster, 'aks', { ...aks.props, networkProfile: { outboundType: 'userDefinedRouting' } }, { dependencies: deps });
const firewall = view('azure-native:network:AzureFirewall', 'afw', { sku: { name: 'AZFW_VNet', tier: 'Standard' }, tags: TAGS });

const CASES: Case[] = [
  { rule: 'nsg-no-internet-exposed-ports', title: '80/443 for the cluster ingress', resource: nsg([inbound(['80', '443'])]), others: [ingressCluster], expected: 'pass' },
  { rule: 'nsg-no-internet-exposed-ports', title: 'VNet-only and load-balancer rules', resource: nsg([inbound(['*'], '*', 'VirtualNetwork'), inbound(['*'], '*', 'AzureLoadBalancer')]), expected: 'pass' },
  { rule: 'nsg-no-internet-exposed-ports', title: '443 with no public ingress in the stack', resource: nsg([inbound(['443'])]), expected: 'mandatory', message: 'nothing may be open' },
  { rule: 'nsg-no-internet-exposed-ports', title: '443 once Front Door fronts the cluster', resource: nsg([inbound(['443'])]), others: [ingressCluster, frontDoor], expected: 'mandatory', message: 'port(s) 443' },
  { rule: 'nsg-no-internet-exposed-ports', title: '5432 next to the ingress ports', resource: nsg([inbound(['80', '443', '5432'])]), others: [ingressCluster], expected: 'mandatory', message: 'port(s) 5432' },
  { rule: 'nsg-no-internet-exposed-ports', title: 'a range that contains 443', resource: nsg([inbound(['400-500'])]), others: [ingressCluster], expected: 'mandatory', message: '400-500' },
  { rule: 'nsg-no-internet-exposed-ports', title: 'every port from 0.0.0.0/0 (SecurityRule resource)', resource: view(D.securityRule, 'all', { direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: '0.0.0.0/0', destinationPortRange: '*' }), expected: 'mandatory', message: 'every port' },
  { rule: 'nsg-no-internet-exposed-ports', title: 'deny rules are fine', resource: nsg([{ ...inbound(['*'], '*'), access: 'Deny' }]), expected: 'pass' },

  { rule: 'postgres-tls-enforced', title: 'both settings', resource: pgServer, others: [pgConfig('require_secure_transport', 'on'), pgConfig('ssl_min_protocol_version', 'TLSv1.2')], expected: 'pass' },
  { rule: 'postgres-tls-enforced', title: 'no minimum TLS setting', resource: pgServer, others: [pgConfig('require_secure_transport', 'on')], expected: 'mandatory', message: 'ssl_min_protocol_version' },
  { rule: 'postgres-tls-enforced', title: 'require_secure_transport off', resource: pgConfig('require_secure_transport', 'OFF'), expected: 'mandatory', message: 'must be "on"' },
  { rule: 'postgres-tls-enforced', title: 'TLS 1.1', resource: pgConfig('ssl_min_protocol_version', 'TLSv1.1'), expected: 'mandatory', message: 'TLSv1.2' },
  { rule: 'postgres-tls-enforced', title: 'TLS 1.3', resource: pgConfig('ssl_min_protocol_version', 'TLSv1.3'), expected: 'pass' },
  { rule: 'postgres-tls-enforced', title: 'an unrelated setting', resource: pgConfig('log_connections', 'off'), expected: 'pass' },

  { rule: 'role-assignment-allow-list', title: 'AcrPull on the registry to a service principal', resource: assignment(ACR_PULL, REGISTRY_ID, 'ServicePrincipal'), expected: 'pass' },
  { rule: 'role-assignment-allow-list', title: 'cluster admin to a user (workstation deploy)', resource: assignment(CLUSTER_ADMIN, `${RG}/providers/Microsoft.ContainerService/managedClusters/aks1`, 'User'), expected: 'pass' },
  { rule: 'role-assignment-allow-list', title: 'Secrets User on the subscription', resource: assignment(KV_USER, SUB, 'ServicePrincipal'), expected: 'mandatory', message: 'a subscription or resource group' },
  { rule: 'role-assignment-allow-list', title: 'Secrets User on a registry', resource: assignment(KV_USER, REGISTRY_ID, 'ServicePrincipal'), expected: 'mandatory', message: 'Microsoft.KeyVault/vaults' },
  { rule: 'role-assignment-allow-list', title: 'Contributor', resource: assignment('b24988ac-6180-42a0-ab88-20f7382dd24c', VAULT_ID, 'ServicePrincipal'), expected: 'mandatory', message: 'grants Contributor' },
  { rule: 'role-assignment-allow-list', title: 'Owner (upper-case GUID)', resource: assignment('8E3AF657-A8FF-443C-A75C-2FE8C4BCB635', SUB, 'User'), expected: 'mandatory', message: 'grants Owner' },
  { rule: 'role-assignment-allow-list', title: 'User Access Administrator', resource: assignment('18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', VAULT_ID, 'ServicePrincipal'), expected: 'mandatory', message: 'User Access Administrator' },
  { rule: 'role-assignment-allow-list', title: 'a role off the list', resource: assignment('00482a5a-887f-4fb3-b363-3b7fe8e74483', VAULT_ID, 'ServicePrincipal'), expected: 'mandatory', message: 'not on the allow-list' },
  { rule: 'role-assignment-allow-list', title: 'AcrPull without principal type', resource: assignment(ACR_PULL, REGISTRY_ID), expected: 'mandatory', message: 'principalType not set' },
  { rule: 'role-assignment-allow-list', title: 'AcrPull to a user', resource: assignment(ACR_PULL, REGISTRY_ID, 'User'), expected: 'mandatory', message: 'allowed: ServicePrincipal' },

  { rule: 'federated-credential-cluster-subject', title: 'issuer from the cluster (offline: dependency + AKS issuer shape)', resource: fic({}), others: [aks, apiRelease], expected: 'pass' },
  { rule: 'federated-credential-cluster-subject', title: 'issuer equal to the cluster output (engine)', resource: fic({}, []), others: [aksWithIssuer, apiRelease], expected: 'pass' },
  { rule: 'federated-credential-cluster-subject', title: 'another AKS cluster\'s issuer (engine)', resource: fic({ issuer: ISSUER.replace('f3761c4d', 'aaaaaaaa') }), others: [aksWithIssuer, apiRelease], expected: 'mandatory', message: 'not the OIDC issuer of a cluster in the stack' },
  { rule: 'federated-credential-cluster-subject', title: 'GitHub as issuer', resource: fic({ issuer: 'https://token.actions.githubusercontent.com' }), others: [aks, apiRelease], expected: 'mandatory', message: 'not an AKS OIDC issuer' },
  { rule: 'federated-credential-cluster-subject', title: 'issuer not from the stack\'s cluster', resource: fic({}, []), others: [aks, apiRelease], expected: 'mandatory', message: 'no dependency' },
  { rule: 'federated-credential-cluster-subject', title: 'default:default', resource: fic({ subject: 'system:serviceaccount:default:default' }), others: [aks, apiRelease], expected: 'mandatory', message: 'not the service account of an app' },
  { rule: 'federated-credential-cluster-subject', title: 'an app without workload identity', resource: fic({ subject: 'system:serviceaccount:frontend:frontend' }), others: [aks, apiRelease, release('frontend', goodValues({ workloadIdentity: { enabled: false } }))], expected: 'mandatory' },
  { rule: 'federated-credential-cluster-subject', title: 'no releases: kube-system refused', resource: fic({ subject: 'system:serviceaccount:kube-system:coredns' }), others: [aks], expected: 'mandatory', message: 'no system namespace' },
  { rule: 'federated-credential-cluster-subject', title: 'not a service-account subject', resource: fic({ subject: 'repo:org/x:ref:refs/heads/main' }), others: [aks, apiRelease], expected: 'mandatory', message: 'is not system:serviceaccount' },
  { rule: 'federated-credential-cluster-subject', title: 'a second audience', resource: fic({ audiences: ['api://AzureADTokenExchange', 'api://x'] }), others: [aks, apiRelease], expected: 'mandatory', message: 'audiences' },

  { rule: 'aks-workload-identity', title: 'OIDC + webhook', resource: aks, expected: 'pass' },
  { rule: 'aks-workload-identity', title: 'webhook off', resource: view(D.managedCluster, 'aks', { ...aks.props, securityProfile: { workloadIdentity: { enabled: false } } }), expected: 'mandatory', message: 'securityProfile.workloadIdentity.enabled is false' },
  { rule: 'aks-workload-identity', title: 'no OIDC issuer', resource: view(D.managedCluster, 'aks', { ...aks.props, oidcIssuerProfile: undefined }), expected: 'mandatory', message: 'oidcIssuerProfile.enabled is not set' },

  { rule: 'helm-no-token-automount', title: 'off', resource: apiRelease, expected: 'pass' },
  { rule: 'helm-no-token-automount', title: 'on', resource: release('api', goodValues({ serviceAccount: { automountToken: true } })), expected: 'mandatory', message: 'automountToken is true' },
  { rule: 'helm-no-token-automount', title: 'left to the chart default', resource: release('api', goodValues({ serviceAccount: {} })), expected: 'mandatory', message: 'not set' },
  { rule: 'helm-network-policy', title: 'on', resource: apiRelease, expected: 'pass' },
  { rule: 'helm-network-policy', title: 'off', resource: release('api', goodValues({ networkPolicy: { enabled: false } })), expected: 'mandatory', message: 'networkPolicy.enabled is false' },
  { rule: 'helm-non-root', title: 'UID 10001', resource: apiRelease, expected: 'pass' },
  { rule: 'helm-non-root', title: 'root', resource: release('api', goodValues({ podSecurity: { runAsUser: 0, runAsGroup: 10001 } })), expected: 'mandatory', message: 'runAsUser is 0' },
  { rule: 'helm-non-root', title: 'no group', resource: release('api', goodValues({ podSecurity: { runAsUser: 10001 } })), expected: 'mandatory', message: 'runAsGroup' },
  { rule: 'helm-resource-limits', title: 'requests and limits', resource: apiRelease, expected: 'pass' },
  { rule: 'helm-resource-limits', title: 'no memory limit', resource: release('api', goodValues({ resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1' } } })), expected: 'mandatory', message: 'limits.memory' },
  { rule: 'helm-atomic', title: 'atomic', resource: apiRelease, expected: 'pass' },
  { rule: 'helm-atomic', title: 'not atomic', resource: release('api', goodValues(), { atomic: false }), expected: 'mandatory', message: 'atomic is false' },
  { rule: 'helm-registry-allow-list', title: 'the stack registry', resource: apiRelease, others: [acr], expected: 'pass' },
  { rule: 'helm-registry-allow-list', title: 'the registry\'s loginServer output', resource: apiRelease, others: [view(D.registry, 'acr', { loginServer: 'craksplatprodweuabc123.azurecr.io' })], expected: 'pass' },
  { rule: 'helm-registry-allow-list', title: 'another ACR', resource: release('api', goodValues({ image: { ref: `evil.azurecr.io/api@${DIGEST}` } })), others: [acr], expected: 'mandatory', message: 'craksplatprodweuabc123.azurecr.io' },
  { rule: 'helm-registry-allow-list', title: 'no registry in the stack', resource: apiRelease, expected: 'mandatory', message: 'none in the stack' },

  // Hardening (policy/rules-hardening.ts)
  { rule: 'aks-defender', title: 'on, with the workspace', resource: view(D.managedCluster, 'aks', { ...aks.props, securityProfile: { defender: { logAnalyticsWorkspaceResourceId: '/w', securityMonitoring: { enabled: true } } } }), expected: 'pass' },
  { rule: 'aks-defender', title: 'off', resource: aks, expected: 'mandatory', message: 'securityProfile.defender is not set' },
  { rule: 'aks-image-cleaner', title: 'weekly', resource: view(D.managedCluster, 'aks', { ...aks.props, securityProfile: { imageCleaner: { enabled: true, intervalHours: 168 } } }), expected: 'pass' },
  { rule: 'aks-image-cleaner', title: 'off', resource: view(D.managedCluster, 'aks', { ...aks.props, securityProfile: { imageCleaner: { enabled: false } } }), expected: 'mandatory', message: 'imageCleaner' },
  { rule: 'vmss-ssh-key-only', title: 'SSH key only', resource: view('azure-native:compute:VirtualMachineScaleSet', 'runner', { tags: TAGS, virtualMachineProfile: { osProfile: { adminUsername: 'opsadmin', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/opsadmin/.ssh/authorized_keys', keyData: 'ssh-ed25519 AAAA' }] } } } } }), expected: 'pass' },
  { rule: 'vmss-ssh-key-only', title: 'password sign-in with an admin password', resource: view('azure-native:compute:VirtualMachineScaleSet', 'runner', { tags: TAGS, virtualMachineProfile: { osProfile: { adminUsername: 'opsadmin', adminPassword: '[secret]', linuxConfiguration: { disablePasswordAuthentication: false } } } }), expected: 'mandatory', message: 'disablePasswordAuthentication is false; it must be true' },
  { rule: 'vmss-ssh-key-only', title: 'password auth off but no key', resource: view('azure-native:compute:VirtualMachineScaleSet', 'runner', { tags: TAGS, virtualMachineProfile: { osProfile: { adminUsername: 'opsadmin', linuxConfiguration: { disablePasswordAuthentication: true } } } }), expected: 'mandatory', message: 'ssh.publicKeys is empty' },
  { rule: 'data-service-diagnostics', title: 'vault with AuditEvent', resource: kvView, others: [diag(kvView, [{ category: 'AuditEvent', enabled: true }])], expected: 'pass' },
  { rule: 'data-service-diagnostics', title: 'vault with the audit group', resource: kvView, others: [diag(kvView, [{ categoryGroup: 'audit', enabled: true }])], expected: 'pass' },
  { rule: 'data-service-diagnostics', title: 'vault without AuditEvent', resource: kvView, others: [diag(kvView, [{ category: 'AzurePolicyEvaluationDetails', enabled: true }])], expected: 'mandatory', message: 'AuditEvent' },
  { rule: 'data-service-diagnostics', title: 'registry without a setting', resource: acr, expected: 'mandatory', message: 'no monitor:DiagnosticSetting' },
  { rule: 'data-service-diagnostics', title: 'Redis setting on its database (resourceUri under the cluster id)', resource: view('azure-native:redisenterprise:RedisEnterprise', 'redis', { tags: TAGS }), others: [view('azure-native:monitor:DiagnosticSetting', 'd', { resourceUri: '/subscriptions/s/resourceGroups/rg/providers/x/redis/databases/default', workspaceId: '/w', logs: [{ categoryGroup: 'audit', enabled: true }] })], expected: 'pass' },
  { rule: 'aks-egress-firewall', title: 'UDR after a default route to the firewall', resource: udrCluster([defaultRoute('VirtualAppliance').urn]), others: [defaultRoute('VirtualAppliance'), firewall], expected: 'pass' },
  { rule: 'aks-egress-firewall', title: 'load-balancer outbound', resource: view(D.managedCluster, 'aks', { ...aks.props, networkProfile: { outboundType: 'loadBalancer' } }), others: [firewall], expected: 'mandatory', message: 'outboundType is "loadBalancer"' },
  { rule: 'aks-egress-firewall', title: 'UDR without waiting for the route', resource: udrCluster([]), others: [defaultRoute('VirtualAppliance'), firewall], expected: 'mandatory', message: 'does not depend on a network:Route for 0.0.0.0/0' },
  { rule: 'aks-egress-firewall', title: 'default route to the Internet', resource: udrCluster([defaultRoute('Internet').urn]), others: [defaultRoute('Internet'), firewall], expected: 'mandatory', message: 'it must go to the firewall (VirtualAppliance)' },
  { rule: 'aks-egress-firewall', title: 'UDR to an appliance that is not an Azure Firewall', resource: udrCluster([defaultRoute('VirtualAppliance').urn]), others: [defaultRoute('VirtualAppliance')], expected: 'mandatory', message: 'no network:AzureFirewall' },
  { rule: 'aks-pod-security-initiative', title: 'assigned to the cluster', resource: aks, others: [podSecurity('Deny', [aks.urn])], expected: 'pass' },
  { rule: 'aks-pod-security-initiative', title: 'assigned elsewhere', resource: aks, others: [podSecurity('Deny', [])], expected: 'mandatory', message: RESTRICTED_POD_SECURITY_INITIATIVE },
  { rule: 'pod-security-deny', title: 'Deny', resource: podSecurity('Deny', [aks.urn]), expected: 'pass' },
  { rule: 'pod-security-deny', title: 'Audit in prod', resource: podSecurity('Audit', [aks.urn]), expected: 'mandatory', message: 'must be "Deny"' },
  { rule: 'pod-security-deny', title: 'another policy is not its business', resource: view('azure-native:authorization:PolicyAssignment', 'other', { policyDefinitionId: '/providers/Microsoft.Authorization/policyDefinitions/x', parameters: { effect: { value: 'Audit' } } }), expected: 'pass' },
];

describe('delivery rules', () => {
  it.each(CASES.map((c) => [`${c.rule}: ${c.title} -> ${c.expected}`, c] as const))('%s', (_title, c) => {
    const rule = [...DELIVERY_RULES, ...HARDENING_RULES].find((r) => r.id === c.rule)!;
    const findings = checkResource(rule, c.resource, contextFor('prod', [c.resource, ...(c.others ?? [])]));
    const outcome: Outcome = findings.length === 0 ? 'pass' : findings.some((f) => f.level === 'mandatory') ? 'mandatory' : 'advisory';
    expect({ outcome, messages: findings.map((f) => f.message) }).toEqual({ outcome: c.expected, messages: expect.any(Array) });
    if (c.message) expect(findings.map((f) => f.message).join('\n')).toContain(c.message);
  });

  it('has a passing and a failing case for every delivery rule', () => {
    for (const rule of [...DELIVERY_RULES, ...HARDENING_RULES]) {
      const outcomes = CASES.filter((c) => c.rule === rule.id).map((c) => c.expected);
      expect({ rule: rule.id, pass: outcomes.includes('pass'), fail: outcomes.some((o) => o !== 'pass') }).toEqual({ rule: rule.id, pass: true, fail: true });
    }
  });

  it('reads the ARM type of a scope', () => {
    expect(armTypeOf(`${RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/s`)).toBe('Microsoft.Network/virtualNetworks/subnets');
    expect(armTypeOf(VAULT_ID)).toBe('Microsoft.KeyVault/vaults');
    expect(armTypeOf(RG)).toBeUndefined();
    expect(armTypeOf(SUB)).toBeUndefined();
  });
});
