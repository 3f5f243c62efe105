/**
 * Create order over a recorded resource graph: which resources a resource
 * waits for, computed the way the Pulumi engine orders creation, and the
 * platform's create-order invariants as named data.
 *
 * How the engine orders creation (what {@link DeployGraph.waitsFor} follows):
 *  - a resource is registered only after its `dependsOn` and the resources
 *    behind its Output inputs (property dependencies) are created;
 *  - a dependency on a component is a dependency on every resource under it;
 *  - a child is registered only after its parent, and the parent only after its
 *    own dependencies: so a child waits for whatever its ancestors depend on;
 *  - a resource with an explicit provider waits for that provider, and so for
 *    what the provider waits for.
 * Invariants name Azure's reasons (lib/create-order.ts); test/create-order.test.ts
 * asserts them over both stacks.
 */
import { RecordedResource, unwrapSecrets } from './mocks';

/** Type token of the regional stamp component (components/regional-stamp.ts). */
const REGIONAL_STAMP = 'aks-platform:index:RegionalStamp';

/** The parts of a recorded resource the graph reads. */
export type GraphNode = Pick<RecordedResource, 'urn' | 'type' | 'name' | 'custom' | 'parent' | 'dependencies' | 'propertyDependencies' | 'provider' | 'inputs'>;

/** The dependency graph of one run. */
export class DeployGraph {
  private readonly byUrn = new Map<string, GraphNode>();
  private readonly children = new Map<string, GraphNode[]>();
  private readonly memo = new Map<string, Set<string>>();

  constructor(readonly nodes: GraphNode[]) {
    for (const node of nodes) {
      this.byUrn.set(node.urn, node);
      if (node.parent) this.children.set(node.parent, [...(this.children.get(node.parent) ?? []), node]);
    }
  }

  /** A node by URN. */
  node(urn: string): GraphNode | undefined {
    return this.byUrn.get(urn);
  }

  /**
   * The region a resource belongs to: its `RegionalStamp` ancestor, or for a Kubernetes
   * resource the stamp of its cluster's provider; the global layer counts as the first stamp's
   * region (the home region: the deploy runs there). One region: every resource is in it.
   */
  regionOf(urn: string): string | undefined {
    const seen = new Set<string>();
    const walk = (u: string | undefined): string | undefined => {
      if (!u || seen.has(u)) return undefined;
      seen.add(u);
      const node = this.byUrn.get(u);
      if (!node) return undefined;
      if (node.type === REGIONAL_STAMP) return u;
      return walk(node.parent || undefined) ?? walk(node.provider ? node.provider.split('::').slice(0, -1).join('::') : undefined);
    };
    return walk(urn) ?? this.nodes.find((n) => n.type === REGIONAL_STAMP)?.urn;
  }

  /** Every resource under a component (children, their children...). */
  descendants(urn: string): GraphNode[] {
    const out: GraphNode[] = [];
    for (const child of this.children.get(urn) ?? []) out.push(child, ...this.descendants(child.urn));
    return out;
  }

  /** The resources `urn` names directly as waited for: dependsOn, property dependencies and its provider. */
  private directDependencies(node: GraphNode): string[] {
    const urns = new Set<string>(node.dependencies);
    for (const list of Object.values(node.propertyDependencies)) list.forEach((u) => urns.add(u));
    if (node.provider) urns.add(node.provider.split('::').slice(0, -1).join('::'));
    urns.delete(node.urn);
    return [...urns].filter((u) => u !== '');
  }

  /** Every resource that is created before `urn` can be (transitively). */
  waitsFor(urn: string): Set<string> {
    const cached = this.memo.get(urn);
    if (cached) return cached;
    const result = new Set<string>();
    this.memo.set(urn, result); // cycle guard: a cycle would hang the engine, not this walk
    const node = this.byUrn.get(urn);
    if (!node) return result;
    for (const dep of this.directDependencies(node)) {
      const depNode = this.byUrn.get(dep);
      const reached = [dep, ...(depNode && !depNode.custom ? this.descendants(dep).map((d) => d.urn) : [])];
      for (const r of reached) {
        result.add(r);
        this.waitsFor(r).forEach((u) => result.add(u));
      }
    }
    // A child is registered after its parent, which waited for its own dependencies.
    if (node.parent) this.waitsFor(node.parent).forEach((u) => result.add(u));
    return result;
  }
}

/** Picks recorded resources: by type, optionally by Pulumi name and by an ancestor component's type. */
export interface Selector {
  /** Type token, e.g. `azure-native:network:PrivateDnsZoneGroup`. */
  type: string;
  /** The Pulumi name must match. */
  name?: RegExp;
  /** Some ancestor must be a component of this type, e.g. `aks-platform:index:ContainerRegistry`. */
  within?: string;
}

/** One named create-order rule. */
export interface CreateOrderInvariant {
  /** What must hold, e.g. `helm release api waits for the kubelet's AcrPull`. */
  name: string;
  /** Why (a key of lib/create-order.ts facts, or a short reason). */
  reason: string;
  /** The resources that must wait; none matching is a failure. */
  subject: Selector;
  /** What each subject waits for: a selector (all matches) or a function of the subject. */
  waitsFor: Selector | ((subject: GraphNode, graph: DeployGraph) => GraphNode[]);
  /** The waited-for side may be absent in a stack (e.g. a public registry has no DNS zone group); default false. */
  optional?: boolean;
  /**
   * When the subject's region has none of what it waits for, it waits for that of the other
   * regions instead (a standby's replica has no Entra administrator: its login roles come from
   * the primary's).
   */
  otherRegionsWhenNone?: boolean;
  /** Instead of subject → waitsFor: every two subjects are ordered (one waits for the other). */
  serial?: boolean;
}

/** The outcome of one invariant on one graph. */
export interface InvariantResult {
  name: string;
  /** false when `optional` and nothing to wait for exists in this stack. */
  applies: boolean;
  /** Human-readable failures; empty when the invariant holds. */
  failures: string[];
}

function ancestors(graph: DeployGraph, node: GraphNode): GraphNode[] {
  const out: GraphNode[] = [];
  let current = node.parent ? graph.node(node.parent) : undefined;
  while (current) {
    out.push(current);
    current = current.parent ? graph.node(current.parent) : undefined;
  }
  return out;
}

/** The nodes a selector picks. */
export function select(graph: DeployGraph, selector: Selector): GraphNode[] {
  return graph.nodes.filter(
    (n) =>
      n.type === selector.type &&
      (selector.name === undefined || selector.name.test(n.name)) &&
      (selector.within === undefined || ancestors(graph, n).some((a) => a.type === selector.within)),
  );
}

function describe(selector: Selector): string {
  return `${selector.type}${selector.name ? ` named ${selector.name}` : ''}${selector.within ? ` under ${selector.within}` : ''}`;
}

/** Evaluates one invariant. */
export function checkInvariant(graph: DeployGraph, invariant: CreateOrderInvariant): InvariantResult {
  const subjects = select(graph, invariant.subject);
  const failures: string[] = [];
  if (subjects.length === 0) {
    return { name: invariant.name, applies: true, failures: [`${invariant.name}: no ${describe(invariant.subject)} is registered`] };
  }
  if (invariant.serial) {
    for (let i = 0; i < subjects.length; i++) {
      for (let j = i + 1; j < subjects.length; j++) {
        const [a, b] = [subjects[i], subjects[j]];
        // Each region's rules hold within the region: two regions' pools are created in parallel.
        if (graph.regionOf(a.urn) !== graph.regionOf(b.urn)) continue;
        if (!graph.waitsFor(a.urn).has(b.urn) && !graph.waitsFor(b.urn).has(a.urn)) {
          failures.push(`${invariant.name}: ${a.name} and ${b.name} can be created at the same time`);
        }
      }
    }
    return { name: invariant.name, applies: true, failures };
  }
  let applies = false;
  for (const subject of subjects) {
    const region = graph.regionOf(subject.urn);
    // Within the subject's region: a release waits for its own cluster, vault and endpoints, not another region's.
    const candidates = typeof invariant.waitsFor === 'function' ? invariant.waitsFor(subject, graph) : select(graph, invariant.waitsFor);
    const inRegion = candidates.filter((t) => graph.regionOf(t.urn) === region);
    const targets = inRegion.length === 0 && invariant.otherRegionsWhenNone ? candidates : inRegion;
    if (targets.length === 0) {
      if (!invariant.optional) {
        const what = typeof invariant.waitsFor === 'function' ? 'the resource to wait for' : describe(invariant.waitsFor);
        failures.push(`${invariant.name}: ${subject.name} has nothing to wait for: no ${what} is registered`);
        applies = true;
      }
      continue;
    }
    applies = true;
    const waits = graph.waitsFor(subject.urn);
    for (const target of targets) {
      if (!waits.has(target.urn)) failures.push(`${invariant.name}: ${subject.name} does not wait for ${target.name} (${target.type})`);
    }
  }
  return { name: invariant.name, applies, failures };
}

/** Evaluates every invariant. */
export function checkInvariants(graph: DeployGraph, invariants: CreateOrderInvariant[]): InvariantResult[] {
  return invariants.map((inv) => checkInvariant(graph, inv));
}

/**
 * The DNS zone group of a region's private endpoint to the registry (`<stamp>-registry-pl-dns`,
 * components/regional-stamp.ts; a standalone ContainerRegistry's is `<name>-pl-dns`).
 */
const REGISTRY_ENDPOINT_DNS = /-registry-pl-dns$/;

const T = {
  release: 'kubernetes:helm.sh/v3:Release',
  helmApp: 'aks-platform:index:HelmApp',
  roleAssignment: 'azure-native:authorization:RoleAssignment',
  zoneGroup: 'azure-native:network:PrivateDnsZoneGroup',
  zoneLink: 'azure-native:privatedns:VirtualNetworkLink',
  sleep: 'time:index/sleep:Sleep',
  fic: 'azure-native:managedidentity:FederatedIdentityCredential',
  cluster: 'azure-native:containerservice:ManagedCluster',
  agentPool: 'azure-native:containerservice:AgentPool',
  subnet: 'azure-native:network:Subnet',
  image: 'docker-build:index:Image',
  k8sProvider: 'pulumi:providers:kubernetes',
  entraAdmin: 'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra',
  redisAccess: 'azure-native:redisenterprise:AccessPolicyAssignment',
} as const;

const POOL_LABEL = 'kubernetes.azure.com/agentpool';

/** The agentpool nodeSelector in a release's values, if any (searched anywhere in the values). */
export function pinnedPool(values: unknown): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  const record = values as Record<string, unknown>;
  if (typeof record[POOL_LABEL] === 'string') return record[POOL_LABEL] as string;
  for (const v of Object.values(record)) {
    const found = pinnedPool(v);
    if (found) return found;
  }
  return undefined;
}

/** The node pool(s) a release's pods can run on: the pinned one, else every pool. */
export function poolsOfRelease(release: GraphNode, graph: DeployGraph): GraphNode[] {
  const pool = pinnedPool(unwrapSecrets(release.inputs.values));
  const pools = select(graph, { type: T.agentPool });
  const clusters = select(graph, { type: T.cluster });
  if (pool === undefined) return [...clusters, ...pools];
  const user = pools.filter((p) => (p.inputs.agentPoolName ?? p.name) === pool);
  if (user.length > 0) return user;
  // The system pool is inline in the cluster: the cluster creates it.
  return clusters.filter((c) => ((c.inputs.agentPoolProfiles as { name?: string }[] | undefined) ?? []).some((p) => p.name === pool));
}

/** Names every release, image and pool rule for the three apps. */
export function platformCreateOrderInvariants(apps: readonly string[] = ['api', 'agent', 'frontend']): CreateOrderInvariant[] {
  const invariants: CreateOrderInvariant[] = [];
  const release = (app: string): Selector => ({ type: T.release, name: new RegExp(`-${app}-release$`), within: T.helmApp });
  for (const app of apps) {
    const subject = release(app);
    const rule = (name: string, reason: string, waitsFor: CreateOrderInvariant['waitsFor'], optional = false) =>
      invariants.push({ name: `helm release ${app} waits for ${name}`, reason, subject, waitsFor, optional });
    rule("the kubelet's AcrPull", 'acrPullBeforePods', { type: T.roleAssignment, name: /-kubelet-acr-pull$/ });
    rule("the registry's private DNS zone group", 'privateDnsBeforeClients', { type: T.zoneGroup, name: REGISTRY_ENDPOINT_DNS }, true);
    rule('the node pool its pods are pinned to', 'nodePoolBeforePinnedPods', poolsOfRelease);
    rule("the deployer's propagated cluster-admin", 'CLUSTER_RBAC_PROPAGATION', { type: T.sleep, name: /-deployer-cluster-admin-propagation$/ });
    if (app === 'frontend') continue;
    rule("the vault's private DNS zone group", 'privateDnsBeforeClients', { type: T.zoneGroup, within: 'aks-platform:index:KeyVault' });
    rule("PostgreSQL's private DNS zone group", 'privateDnsBeforeClients', { type: T.zoneGroup, within: 'aks-platform:index:PostgresDatabase' });
    rule("Redis's private DNS zone group", 'privateDnsBeforeClients', { type: T.zoneGroup, within: 'aks-platform:index:RedisCache' });
    rule("every private DNS zone's VNet link", 'privateDnsBeforeClients', { type: T.zoneLink });
    // Per-secret Key Vault roles exist only for secrets an app mounts (none while both data services use Entra).
    rule('the per-secret Key Vault roles', 'WORKLOAD_IDENTITY_ROLE_PROPAGATION', { type: T.roleAssignment, name: /-reads-[A-Za-z0-9-]+$/ }, true);
    rule('the propagated per-secret Key Vault roles', 'WORKLOAD_IDENTITY_ROLE_PROPAGATION', { type: T.sleep, name: /-secret-readers-propagation$/ }, true);
    rule("its own identity's federated credential", 'federatedCredentialBeforePods', { type: T.fic, name: new RegExp(`-identities-${app}-fic-`) });
    // A standby's replica has no administrator of its own: its releases wait for the primary's.
    invariants.push({ name: `helm release ${app} waits for PostgreSQL's Entra administrator`, reason: 'entraAdminBeforeLogins', subject, waitsFor: { type: T.entraAdmin }, otherRegionsWhenNone: true });
    rule("Redis's access policy assignment for it", 'accessPolicyBeforeRedisClients', { type: T.redisAccess, name: new RegExp(`-access-${app}$`) });
    if (app === 'api') {
      // The api's release runs the migration Job under the migration identity.
      rule("the migration identity's federated credential", 'federatedCredentialBeforePods', { type: T.fic, name: /-identities-migrate-fic-/ });
    }
    if (app === 'agent') {
      // Its database login role is created by the api release's migration Job.
      rule("the api's release (its migration Job creates the agent's login role)", 'entraAdminBeforeLogins', { type: T.release, name: /-api-release$/, within: T.helmApp });
      // Its ScaledObject authenticates as the KEDA operator's identity (with monitoring).
      rule("the KEDA operator identity's federated credential", 'federatedCredentialBeforePods', { type: T.fic, name: /-identities-keda-fic-/ }, true);
    }
    // A vault holds only what an app or the runner reads (none of the apps' data-service secrets: Entra).
    rule('the Key Vault secrets it mounts', 'privateDnsBeforeClients', { type: 'azure-native:keyvault:Secret' }, true);
  }
  invariants.push(
    {
      name: "image pushes wait for the registry's private DNS zone group",
      reason: 'privateDnsBeforeClients',
      subject: { type: T.image },
      waitsFor: { type: T.zoneGroup, name: REGISTRY_ENDPOINT_DNS },
      optional: true,
    },
    {
      name: "image pushes wait for the registry zone's VNet link",
      reason: 'privateDnsBeforeClients',
      subject: { type: T.image },
      waitsFor: { type: T.zoneLink, name: /privatelink\.azurecr\.io$/ },
      optional: true,
    },
    { name: 'user pools are created one after another', reason: 'agentPoolsOneAtATime', subject: { type: T.agentPool }, waitsFor: { type: T.agentPool }, serial: true },
    { name: 'the cluster waits for every subnet of its VNet', reason: 'clusterAfterEverySubnet', subject: { type: T.cluster }, waitsFor: { type: T.subnet } },
    {
      name: "the Kubernetes provider waits for the deployer's cluster-admin assignment",
      reason: 'CLUSTER_RBAC_PROPAGATION',
      subject: { type: T.k8sProvider },
      waitsFor: { type: T.roleAssignment, name: /-deployer-cluster-admin$/ },
    },
    {
      name: "the Kubernetes provider waits for the cluster-admin assignment to propagate",
      reason: 'CLUSTER_RBAC_PROPAGATION',
      subject: { type: T.k8sProvider },
      waitsFor: { type: T.sleep, name: /-deployer-cluster-admin-propagation$/ },
    },
    {
      name: 'the cluster-admin propagation wait starts after the assignment exists',
      reason: 'CLUSTER_RBAC_PROPAGATION',
      subject: { type: T.sleep, name: /-deployer-cluster-admin-propagation$/ },
      waitsFor: { type: T.roleAssignment, name: /-deployer-cluster-admin$/ },
    },
    {
      name: 'the PostgreSQL Entra administrator waits for the migration identity it names',
      reason: 'entraAdminBeforeLogins',
      subject: { type: T.entraAdmin },
      waitsFor: { type: 'azure-native:managedidentity:UserAssignedIdentity', name: /-identities-migrate-identity$/ },
    },
    {
      name: 'every Kubernetes namespace waits for the cluster-admin assignment to propagate',
      reason: 'CLUSTER_RBAC_PROPAGATION',
      subject: { type: 'kubernetes:core/v1:Namespace' },
      waitsFor: { type: T.sleep, name: /-deployer-cluster-admin-propagation$/ },
    },
  );
  return invariants;
}
