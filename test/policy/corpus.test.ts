/**
 * The insecure-change corpus: realistic ways to weaken the REAL prod program,
 * each applied alone, each of which must raise a mandatory finding that names
 * the changed resource, in the offline plan AND in the policy pack's policies
 * (policy/policies.ts, called in-process: the same functions the engine runs
 * under `--policy-pack`). The clean prod program raises no finding at all.
 *
 * Speed: the prod program runs under the offline engine once (about 1-2 s
 * warm; the first run also pays for loading the SDKs). A change that is a
 * property of one or a few registrations — what a resource transform would do
 * to the program's registration, or a changed argument — is applied to a copy
 * of that recorded resource graph, which costs milliseconds. Only changes that
 * alter which resources the program creates (a config switch that drops a
 * private endpoint) run the program again, with the stack-config override.
 */
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { evaluate } from '../../policy/evaluate';
import type { ResourceView } from '../../policy/model';
import { policiesFor } from '../../policy/policies';
import { planStack } from '../../plan/plan';
import { deepFreeze, runStack } from '../../offline/run-stack';
import { toResourceView } from '../../plan/build';
import { AssignedRole, PROGRAM_ROLES, programRoleIds, roleGuidOf } from '../../lib/role-ids';
import { TEST_CLOCK } from '../support/clock';

type Views = ResourceView[];

/** One insecure change: what it is, how to apply it, and the finding it must raise. */
interface Change {
  /** What an engineer might have done. */
  change: string;
  /** Applies the change to a copy of the clean prod graph (omit for config changes). */
  mutate?: (views: Views) => void;
  /** Stack-config overrides for changes that need the program to run again. */
  config?: Record<string, unknown>;
  /** The mandatory findings it must raise: rule id and the (logical) name of each resource it names. */
  expect: { rule: string; names: string[] };
}

const P = 'aksplat-prod';
const SUB = '/subscriptions/00000000-0000-4000-8000-000000000001';
const RG = `${SUB}/resourceGroups/rg-aksplat-prod-weu`;
const role = (guid: string) => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/**
 * The view at `index`, made the change's own first: a change's graph starts as a new array of
 * the clean graph's views, which are frozen, and a view it reaches through these helpers
 * (find, props, releases) is replaced by a copy with its own props, so a change copies only
 * what it may alter (a whole-graph copy per change was most of this file's CPU).
 */
function own(views: Views, index: number): ResourceView {
  const view = views[index];
  if (!Object.isFrozen(view)) return view;
  const copy = { ...view, props: structuredClone(view.props) };
  views[index] = copy;
  return copy;
}
function find(views: Views, name: string): ResourceView {
  const index = views.findIndex((v) => v.name === name);
  if (index < 0) throw new Error(`no resource ${name} in the prod graph; names: ${views.map((v) => v.name).join(', ')}`);
  return own(views, index);
}
const props = (views: Views, name: string): Record<string, any> => find(views, name).props as Record<string, any>;
// The app releases (the platform chart); the gateway's Traefik release has its own value shape and rules.
const releases = (views: Views) =>
  views.flatMap((v, index) => (v.type === 'kubernetes:helm.sh/v3:Release' && v.props.chart !== 'traefik' ? [own(views, index)] : []));
const RELEASES = ['api', 'agent', 'frontend'].map((app) => `${P}-${app}-release`);
function openInbound(views: Views, nsg: string, name: string, ports: string[], protocol = 'Tcp'): void {
  props(views, `${P}-network-nsg-${nsg}`).securityRules.unshift({
    name, priority: 90, direction: 'Inbound', access: 'Allow', protocol, sourceAddressPrefix: 'Internet', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRanges: ports,
  });
}
function addResource(views: Views, type: string, name: string, resourceProps: Record<string, unknown>, dependencies: string[] = []): void {
  views.push({ urn: `urn:pulumi:prod::aks-platform::${type}::${name}`, type, name, props: resourceProps, protect: false, dependencies, id: `${RG}/x/${name}` });
}

export const CORPUS: Change[] = [
  // ----- Network: what the Internet reaches
  { change: 'nodes NSG opened to the Internet on 5432 (PostgreSQL)', mutate: (v) => openInbound(v, 'nodes', 'AllowPostgres', ['5432']), expect: { rule: 'nsg-no-internet-exposed-ports', names: [`${P}-network-nsg-nodes`] } },
  { change: 'nodes NSG opened to the Internet on 6443 (Kubernetes API)', mutate: (v) => openInbound(v, 'nodes', 'AllowKubeApi', ['6443']), expect: { rule: 'nsg-no-internet-exposed-ports', names: [`${P}-network-nsg-nodes`] } },
  { change: 'nodes NSG opened to the Internet on 10250 (kubelet)', mutate: (v) => openInbound(v, 'nodes', 'AllowKubelet', ['10250']), expect: { rule: 'nsg-no-internet-exposed-ports', names: [`${P}-network-nsg-nodes`] } },
  { change: 'nodes NSG opened to the Internet on a NodePort range', mutate: (v) => openInbound(v, 'nodes', 'AllowNodePorts', ['30000-32767']), expect: { rule: 'nsg-no-internet-exposed-ports', names: [`${P}-network-nsg-nodes`] } },
  { change: 'operations NSG lets SSH in from the Internet', mutate: (v) => openInbound(v, 'ops', 'AllowSsh', ['22']), expect: { rule: 'nsg-no-internet-admin-ports', names: [`${P}-network-nsg-ops`] } },
  { change: 'private-endpoints NSG allows every port from the Internet', mutate: (v) => openInbound(v, 'pe', 'AllowAll', ['*'], '*'), expect: { rule: 'nsg-no-internet-exposed-ports', names: [`${P}-network-nsg-pe`] } },
  { change: 'a separate SecurityRule opens 443 over UDP (QUIC) from the Internet', mutate: (v) => addResource(v, 'azure-native:network:SecurityRule', `${P}-quic`, { networkSecurityGroupName: 'nsg-aksplat-prod-weu-nodes', resourceGroupName: 'rg-aksplat-prod-weu', name: 'AllowQuic', priority: 95, direction: 'Inbound', access: 'Allow', protocol: 'Udp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' }), expect: { rule: 'nsg-no-internet-exposed-ports', names: [`${P}-quic`] } },
  { change: 'nodes subnet loses its NSG', mutate: (v) => { delete props(v, `${P}-network-snet-nodes`).networkSecurityGroup; }, expect: { rule: 'subnet-has-nsg', names: [`${P}-network-snet-nodes`] } },

  // ----- TLS and network access of the data services
  { change: 'Postgres require_secure_transport turned off', mutate: (v) => { props(v, `${P}-postgres-require-secure-transport`).value = 'off'; }, expect: { rule: 'postgres-tls-enforced', names: [`${P}-postgres-require-secure-transport`] } },
  { change: 'Postgres ssl_min_protocol_version lowered to TLSv1', mutate: (v) => { props(v, `${P}-postgres-ssl-min-protocol-version`).value = 'TLSv1'; }, expect: { rule: 'postgres-tls-enforced', names: [`${P}-postgres-ssl-min-protocol-version`] } },
  { change: 'Postgres require_secure_transport configuration dropped', mutate: (v) => { v.splice(v.indexOf(find(v, `${P}-postgres-require-secure-transport`)), 1); }, expect: { rule: 'postgres-tls-enforced', names: [`${P}-postgres-server`] } },
  { change: 'Postgres public network access enabled', mutate: (v) => { props(v, `${P}-postgres-server`).network.publicNetworkAccess = 'Enabled'; }, expect: { rule: 'postgres-public-network-disabled', names: [`${P}-postgres-server`] } },
  { change: 'Postgres firewall opened to every Azure tenant (0.0.0.0-0.0.0.0)', mutate: (v) => addResource(v, 'azure-native:dbforpostgresql:FirewallRule', `${P}-postgres-allow-azure`, { resourceGroupName: 'rg-aksplat-prod-weu', serverName: 'psql-aksplat-prod-weu-2c937d', startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }), expect: { rule: 'postgres-no-open-firewall', names: [`${P}-postgres-allow-azure`] } },
  { change: 'Redis database accepts plaintext clients', mutate: (v) => { props(v, `${P}-redis-db`).clientProtocol = 'Plaintext'; }, expect: { rule: 'redis-tls-only', names: [`${P}-redis-db`] } },
  { change: 'Redis minimum TLS lowered to 1.0', mutate: (v) => { props(v, `${P}-redis-cluster`).minimumTlsVersion = '1.0'; }, expect: { rule: 'redis-minimum-tls-1-2', names: [`${P}-redis-cluster`] } },
  { change: 'Key Vault public network access enabled', mutate: (v) => { props(v, `${P}-kv-vault`).properties.publicNetworkAccess = 'Enabled'; }, expect: { rule: 'keyvault-public-network-disabled', names: [`${P}-kv-vault`] } },
  { change: 'Key Vault firewall default Allow', mutate: (v) => { props(v, `${P}-kv-vault`).properties.networkAcls.defaultAction = 'Allow'; }, expect: { rule: 'keyvault-network-default-deny', names: [`${P}-kv-vault`] } },
  { change: 'Key Vault purge protection off', mutate: (v) => { props(v, `${P}-kv-vault`).properties.enablePurgeProtection = false; }, expect: { rule: 'keyvault-purge-protection', names: [`${P}-kv-vault`] } },
  { change: 'Key Vault loses `protect`', mutate: (v) => { find(v, `${P}-kv-vault`).protect = false; }, expect: { rule: 'stateful-resource-protected', names: [`${P}-kv-vault`] } },
  { change: 'registry admin user enabled', mutate: (v) => { props(v, `${P}-registry-acr`).adminUserEnabled = true; }, expect: { rule: 'acr-admin-user-disabled', names: [`${P}-registry-acr`] } },
  { change: 'registry anonymous pull enabled', mutate: (v) => { props(v, `${P}-registry-acr`).anonymousPullEnabled = true; }, expect: { rule: 'acr-anonymous-pull-disabled', names: [`${P}-registry-acr`] } },
  { change: 'registry made public and its private endpoint dropped (config registry.privateEndpoint: false)', config: { 'aks-platform:registry.privateEndpoint': false }, expect: { rule: 'data-service-private-endpoint', names: [`${P}-registry-acr`] } },

  // ----- Role assignments
  { change: 'KEDA\'s metrics role moved to subscription scope', mutate: (v) => { props(v, `${P}-identities-keda-metrics-reader`).scope = SUB; }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-identities-keda-metrics-reader`] } },
  { change: 'KEDA\'s metrics role moved to the resource group', mutate: (v) => { props(v, `${P}-identities-keda-metrics-reader`).scope = RG; }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-identities-keda-metrics-reader`] } },
  {
    change: 'the api identity given Key Vault Secrets User on the whole vault (instead of per secret)',
    mutate: (v) =>
      addResource(v, 'azure-native:authorization:RoleAssignment', `${P}-kv-api-reads-everything`, {
        ...props(v, `${P}-kv-deployer-secrets-officer`),
        roleDefinitionId: role('4633458b-17de-408a-b874-0445c86b69e6'),
        principalType: 'ServicePrincipal',
      }),
    expect: { rule: 'role-assignment-allow-list', names: [`${P}-kv-api-reads-everything`] },
  },
  { change: 'kubelet given Contributor on the resource group instead of AcrPull', mutate: (v) => { Object.assign(props(v, `${P}-aks-kubelet-acr-pull`), { roleDefinitionId: role('b24988ac-6180-42a0-ab88-20f7382dd24c'), scope: RG }); }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-aks-kubelet-acr-pull`] } },
  { change: 'deployer made Owner of the subscription', mutate: (v) => { Object.assign(props(v, `${P}-aks-deployer-cluster-admin`), { roleDefinitionId: role('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'), scope: SUB }); }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-aks-deployer-cluster-admin`] } },
  { change: 'control-plane identity given User Access Administrator on the subnet', mutate: (v) => { props(v, `${P}-aks-subnet-network-contributor`).roleDefinitionId = role('18d7d88d-d35e-4fb5-a5c3-7773c20a72d9'); }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-aks-subnet-network-contributor`] } },
  { change: 'KEDA identity given Key Vault Administrator', mutate: (v) => { props(v, `${P}-identities-keda-metrics-reader`).roleDefinitionId = role('00482a5a-887f-4fb3-b363-3b7fe8e74483'); }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-identities-keda-metrics-reader`] } },
  { change: 'AcrPull granted to a group', mutate: (v) => { props(v, `${P}-aks-kubelet-acr-pull`).principalType = 'Group'; }, expect: { rule: 'role-assignment-allow-list', names: [`${P}-aks-kubelet-acr-pull`] } },

  // ----- Workload identity
  { change: 'federated subjects changed to default:default', mutate: (v) => { for (const fic of ['api-fic-api-api', 'agent-fic-agent-agent']) props(v, `${P}-identities-${fic}`).subject = 'system:serviceaccount:default:default'; }, expect: { rule: 'federated-credential-cluster-subject', names: [`${P}-identities-api-fic-api-api`, `${P}-identities-agent-fic-agent-agent`] } },
  { change: 'federated credential for the frontend, which does not use workload identity', mutate: (v) => addResource(v, 'azure-native:managedidentity:FederatedIdentityCredential', `${P}-identities-api-fic-frontend-frontend`, { ...props(v, `${P}-identities-api-fic-api-api`), federatedIdentityCredentialResourceName: 'frontend-frontend', subject: 'system:serviceaccount:frontend:frontend' }, [...find(v, `${P}-identities-api-fic-api-api`).dependencies]), expect: { rule: 'federated-credential-cluster-subject', names: [`${P}-identities-api-fic-frontend-frontend`] } },
  { change: 'federated credential trusts GitHub Actions instead of the cluster', mutate: (v) => { Object.assign(props(v, `${P}-identities-api-fic-api-api`), { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:someone/fork:ref:refs/heads/main' }); }, expect: { rule: 'federated-credential-cluster-subject', names: [`${P}-identities-api-fic-api-api`] } },
  { change: 'federated credential with an extra audience', mutate: (v) => { props(v, `${P}-identities-agent-fic-agent-agent`).audiences.push('api://other'); }, expect: { rule: 'federated-credential-cluster-subject', names: [`${P}-identities-agent-fic-agent-agent`] } },
  { change: 'the KEDA operator\'s credential when no release scales with KEDA (add-on off)', mutate: (v) => { props(v, `${P}-aks-aks`).workloadAutoScalerProfile.keda.enabled = false; }, expect: { rule: 'federated-credential-cluster-subject', names: [`${P}-identities-keda-fic-kube-system-keda-operator`] } },
  { change: 'a federated credential for another kube-system account', mutate: (v) => { props(v, `${P}-identities-keda-fic-kube-system-keda-operator`).subject = 'system:serviceaccount:kube-system:coredns'; }, expect: { rule: 'federated-credential-cluster-subject', names: [`${P}-identities-keda-fic-kube-system-keda-operator`] } },
  { change: 'workload identity webhook turned off', mutate: (v) => { props(v, `${P}-aks-aks`).securityProfile.workloadIdentity.enabled = false; }, expect: { rule: 'aks-workload-identity', names: [`${P}-aks-aks`] } },

  // ----- Cluster
  { change: 'local (certificate) accounts enabled', mutate: (v) => { props(v, `${P}-aks-aks`).disableLocalAccounts = false; }, expect: { rule: 'aks-local-accounts-disabled', names: [`${P}-aks-aks`] } },
  { change: 'API server made public for everyone', mutate: (v) => { props(v, `${P}-aks-aks`).apiServerAccessProfile = { enablePrivateCluster: false, authorizedIPRanges: ['0.0.0.0/0'] }; }, expect: { rule: 'aks-api-server-restricted', names: [`${P}-aks-aks`] } },
  { change: 'network policy engine removed', mutate: (v) => { delete props(v, `${P}-aks-aks`).networkProfile.networkPolicy; }, expect: { rule: 'aks-network-policy', names: [`${P}-aks-aks`] } },
  { change: 'Azure Policy add-on turned off', mutate: (v) => { props(v, `${P}-aks-aks`).addonProfiles.azurepolicy.enabled = false; }, expect: { rule: 'aks-azure-policy-addon', names: [`${P}-aks-aks`] } },
  { change: 'nodes egress straight out of the AKS load balancer again (outboundType loadBalancer)', mutate: (v) => { props(v, `${P}-aks-aks`).networkProfile.outboundType = 'loadBalancer'; }, expect: { rule: 'aks-egress-firewall', names: [`${P}-aks-aks`] } },
  { change: 'egress firewall switched off (config network.egressFirewall.enabled: false)', config: { 'aks-platform:network.egressFirewall': { enabled: false } }, expect: { rule: 'aks-egress-firewall', names: [`${P}-aks-aks`] } },
  { change: 'nodes default route sent to the Internet instead of the firewall', mutate: (v) => { props(v, `${P}-egress-route-default`).nextHopType = 'Internet'; }, expect: { rule: 'aks-egress-firewall', names: [`${P}-aks-aks`] } },
  { change: 'user pool nodes get public IPs', mutate: (v) => { props(v, `${P}-aks-pool-cpuopt`).enableNodePublicIP = true; }, expect: { rule: 'aks-no-node-public-ip', names: [`${P}-aks-pool-cpuopt`] } },

  // ----- Helm releases
  { change: 'NetworkPolicy disabled on every release', mutate: (v) => releases(v).forEach((r) => { (r.props.values as any).networkPolicy.enabled = false; }), expect: { rule: 'helm-network-policy', names: RELEASES } },
  { change: 'service-account token automount enabled on every release', mutate: (v) => releases(v).forEach((r) => { (r.props.values as any).serviceAccount.automountToken = true; }), expect: { rule: 'helm-no-token-automount', names: RELEASES } },
  { change: 'api runs as root', mutate: (v) => { props(v, `${P}-api-release`).values.podSecurity.runAsUser = 0; }, expect: { rule: 'helm-non-root', names: [`${P}-api-release`] } },
  { change: 'agent loses its limits', mutate: (v) => { delete props(v, `${P}-agent-release`).values.resources.limits; }, expect: { rule: 'helm-resource-limits', names: [`${P}-agent-release`] } },
  { change: 'frontend release no longer atomic', mutate: (v) => { props(v, `${P}-frontend-release`).atomic = false; }, expect: { rule: 'helm-atomic', names: [`${P}-frontend-release`] } },
  { change: 'api image pulled from Docker Hub (even by digest)', mutate: (v) => { props(v, `${P}-api-release`).values.image.ref = `docker.io/library/node@sha256:${'b'.repeat(64)}`; }, expect: { rule: 'helm-registry-allow-list', names: [`${P}-api-release`] } },
  // ----- Hardening
  { change: 'Defender for Containers turned off', mutate: (v) => { delete props(v, `${P}-aks-aks`).securityProfile.defender; }, expect: { rule: 'aks-defender', names: [`${P}-aks-aks`] } },
  { change: 'image cleaner turned off', mutate: (v) => { props(v, `${P}-aks-aks`).securityProfile.imageCleaner = { enabled: false }; }, expect: { rule: 'aks-image-cleaner', names: [`${P}-aks-aks`] } },
  { change: 'Key Vault diagnostic setting dropped', mutate: (v) => { v.splice(v.indexOf(find(v, `${P}-guardrails-diag-kv`)), 1); }, expect: { rule: 'data-service-diagnostics', names: [`${P}-kv-vault`] } },
  {
    change: 'operations runner added with a password admin (the old RandomPassword design)',
    mutate: (v) => addResource(v, 'azure-native:compute:VirtualMachineScaleSet', `${P}-runner-vmss`, {
      vmScaleSetName: 'vmss-aksplat-prod-runner', tags: props(v, `${P}-kv-vault`).tags,
      virtualMachineProfile: { osProfile: { computerNamePrefix: 'runner', adminUsername: 'opsadmin', adminPassword: '[secret]', linuxConfiguration: { disablePasswordAuthentication: false, provisionVMAgent: true } } },
    }),
    expect: { rule: 'vmss-ssh-key-only', names: [`${P}-runner-vmss`] },
  },
  { change: 'egress firewall diagnostic setting dropped', mutate: (v) => { v.splice(v.indexOf(find(v, `${P}-guardrails-diag-firewall`)), 1); }, expect: { rule: 'data-service-diagnostics', names: [`${P}-egress-firewall`] } },
  { change: 'Key Vault diagnostic setting without AuditEvent', mutate: (v) => { props(v, `${P}-guardrails-diag-kv`).logs = [{ category: 'AzurePolicyEvaluationDetails', enabled: true }]; }, expect: { rule: 'data-service-diagnostics', names: [`${P}-kv-vault`] } },
  { change: 'pod-security initiative only audits in prod', mutate: (v) => { props(v, `${P}-guardrails-pod-security`).parameters.effect.value = 'Audit'; }, expect: { rule: 'pod-security-deny', names: [`${P}-guardrails-pod-security`] } },
  { change: 'pod-security initiative assignment removed', mutate: (v) => { v.splice(v.indexOf(find(v, `${P}-guardrails-pod-security`)), 1); }, expect: { rule: 'aks-pod-security-initiative', names: [`${P}-aks-aks`] } },
  { change: 'agent image by mutable tag', mutate: (v) => { const image = props(v, `${P}-agent-release`).values.image; image.ref = image.ref.replace(/@sha256:.*/, ':latest'); }, expect: { rule: 'helm-image-pinned-by-digest', names: [`${P}-agent-release`] } },
];

/** Findings of the pack's policies (policy/policies.ts) on a graph: resource policies per resource, stack policies over all. */
function packFindings(views: Views): string[] {
  const out: string[] = [];
  const policyResources = new Map<string, PolicyResource>();
  for (const v of views) {
    policyResources.set(v.urn, {
      type: v.type, name: v.name, urn: v.urn, props: v.props,
      opts: { protect: v.protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined,
    });
  }
  for (const v of views) policyResources.get(v.urn)!.dependencies = v.dependencies.map((d) => policyResources.get(d)).filter((d): d is PolicyResource => d !== undefined);
  const byUrn = new Map(views.map((v) => [v.urn, v.name]));
  // What validateResource gets for each resource, and validateStack for the stack: built once, read by every policy.
  const resourceArgs = views.map((v) => ({
    type: v.type, name: v.name, urn: v.urn, props: v.props,
    opts: policyResources.get(v.urn)!.opts,
  }) as unknown as ResourceValidationArgs);
  const stackResources = [...policyResources.values()];
  for (const policy of policiesFor()) {
    const base = policy.name.replace(/-advisory$/, '');
    const level = policy.enforcementLevel;
    const resourcePolicy = policy as ResourceValidationPolicy;
    if (typeof resourcePolicy.validateResource === 'function') {
      let name = '';
      const report = () => out.push(`${level} ${base} ${name}`);
      for (const args of resourceArgs) {
        name = args.name;
        void resourcePolicy.validateResource(args, report);
      }
    } else {
      const stackPolicy = policy as StackValidationPolicy;
      void stackPolicy.validateStack(
        { resources: stackResources, stackTags: new Map(), getConfig: <X extends object>() => ({}) as X, notApplicable: (): never => { throw new Error(); } },
        (_message, urn) => out.push(`${level} ${base} ${byUrn.get(urn!)}`),
      );
    }
  }
  return out.sort();
}

describe('insecure-change corpus on the real prod program', () => {
  let clean: Views;

  beforeAll(async () => {
    // The program's registrations only (the clean graph's plan is the evaluate() call below).
    const run = await runStack('prod', { clock: TEST_CLOCK });
    // Frozen: each change shares the views it leaves alone (see own()), and one that changed a shared view would throw.
    clean = Object.freeze(run.recorder.resources.filter((r) => r.custom && r.urn !== '').map((r) => deepFreeze(toResourceView(r)))) as Views;
  }, 60_000);

  /** The clean graph for one change: a new array of the clean views; what the change alters is copied when reached. */
  const copy = (): Views => [...clean];

  it('starts from a prod program that assigns exactly the roles of lib/role-ids.ts (the documented condition)', () => {
    const roles = clean.filter((v) => v.type === 'azure-native:authorization:RoleAssignment').map((v) => roleGuidOf(String(v.props.roleDefinitionId)));
    // Every role the stack assigns is listed; every listed role not tied to an optional config value is assigned.
    expect([...new Set(roles)].filter((r) => !programRoleIds().includes(r))).toEqual([]);
    const always = (Object.values(PROGRAM_ROLES) as AssignedRole[]).filter((r) => !r.whenConfigured).map((r) => r.id);
    expect(always.filter((id) => !roles.includes(id))).toEqual([]);
  });

  it('has at least 30 changes, each described once', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CORPUS.map((c) => c.change)).size).toBe(CORPUS.length);
  });

  it('raises no finding at all on the clean prod program, in the plan and in the pack', () => {
    expect(evaluate(clean, 'prod').map((f) => `${f.level} ${f.ruleId} ${f.name}: ${f.message}`)).toEqual([]);
    expect(packFindings(clean)).toEqual([]);
  });

  it.each(CORPUS.filter((c) => c.mutate).map((c) => [c.change, c] as const))('catches: %s', (_label, change) => {
    const views = copy();
    change.mutate!(views);
    const findings = evaluate(views, 'prod');
    const named = findings.filter((f) => f.level === 'mandatory' && f.ruleId === change.expect.rule).map((f) => f.name);
    for (const name of change.expect.names) expect(named).toContain(name);
    // The pack reports exactly what the plan reports, at the same levels.
    expect(packFindings(views)).toEqual(findings.map((f) => `${f.level} ${f.ruleId} ${f.name}`).sort());
  });

  it.each(CORPUS.filter((c) => c.config).map((c) => [c.change, c] as const))('catches (program run with the config change): %s', async (_label, change) => {
    const { plan } = await planStack({ stack: 'prod', clock: TEST_CLOCK, overrides: change.config });
    const named = plan.findings.filter((f) => f.level === 'mandatory' && f.ruleId === change.expect.rule).map((f) => f.name);
    for (const name of change.expect.names) expect(named).toContain(name);
    expect(plan.blocked).toBe(true);
  }, 60_000);
});
