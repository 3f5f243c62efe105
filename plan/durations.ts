/**
 * Typical provisioning times (minutes) per resource type, and the deployment's
 * critical path: the longest chain through the dependency graph, which is what
 * `pulumi up` (running independent resources in parallel) cannot beat.
 *
 * The times are typical creation times observed for westeurope deployments and
 * quoted in the services' documentation and issue trackers (AKS 8-10 min,
 * PostgreSQL flexible server 6-10 min and about double with a zone-redundant
 * standby, Azure Managed Redis 15-25 min, classic Redis Premium 20-30 min). They are
 * estimates for planning, not guarantees.
 */
import { equalsIgnoreCase, get } from '../policy/props';

/** Minutes to create one resource of a type (ManagedCluster, Postgres and Redis are refined by {@link durationMinutes}). */
export const PROVISIONING_MINUTES: Readonly<Record<string, number>> = {
  'azure-native:resources:ResourceGroup': 0.2,
  'azure-native:network:VirtualNetwork': 0.5,
  'azure-native:network:Subnet': 0.5,
  'azure-native:network:NetworkSecurityGroup': 0.3,
  'azure-native:network:SecurityRule': 0.2,
  'azure-native:network:PrivateEndpoint': 2,
  'azure-native:network:PrivateDnsZoneGroup': 0.5,
  // Azure Firewall provisions its instances: typically 5-10 minutes; rule collection groups a minute each.
  'azure-native:network:AzureFirewall': 7,
  'azure-native:network:FirewallPolicyRuleCollectionGroup': 1,
  'azure-native:network:PublicIPAddress': 0.3,
  'azure-native:network:RouteTable': 0.3,
  'azure-native:network:Route': 0.3,
  'azure-native:privatedns:PrivateZone': 1,
  'azure-native:privatedns:VirtualNetworkLink': 1,
  'azure-native:operationalinsights:Workspace': 1,
  'azure-native:managedidentity:UserAssignedIdentity': 0.3,
  'azure-native:managedidentity:FederatedIdentityCredential': 0.2,
  'azure-native:authorization:RoleAssignment': 0.5,
  'azure-native:containerregistry:Registry': 1,
  'azure-native:containerservice:ManagedCluster': 9,
  'azure-native:containerservice:AgentPool': 5,
  'azure-native:containerservice:MaintenanceConfiguration': 0.2,
  'azure-native:keyvault:Vault': 1.5,
  'azure-native:keyvault:Secret': 0.2,
  'azure-native:dbforpostgresql:Server': 8,
  'azure-native:dbforpostgresql:Database': 0.5,
  'azure-native:dbforpostgresql:Configuration': 0.5,
  'azure-native:dbforpostgresql:Administrator': 0.5,
  'azure-native:dbforpostgresql:FirewallRule': 0.3,
  'azure-native:redisenterprise:RedisEnterprise': 20,
  'azure-native:redisenterprise:Database': 3,
  'azure-native:redis:Redis': 25,
  'azure-native:insights:DiagnosticSetting': 0.3,
  'azure-native:monitor:DiagnosticSetting': 0.3,
  'azure-native:monitor:DataCollectionRule': 0.5,
  'azure-native:monitor:DataCollectionRuleAssociation': 0.3,
  'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra': 1,
  'azure-native:monitor:AzureMonitorWorkspace': 1,
  'azure-native:monitor:DataCollectionEndpoint': 0.5,
  'azure-native:monitor:ActionGroup': 0.5,
  'azure-native:alertsmanagement:PrometheusRuleGroup': 0.5,
  // Azure Managed Grafana (Standard) provisions its VMs: typically 5-8 minutes.
  'azure-native:dashboard:Grafana': 6,
  'docker-build:index:Image': 3,
  'kubernetes:helm.sh/v3:Release': 3,
  'kubernetes:core/v1:Namespace': 0.1,
  'kubernetes:core/v1:ServiceAccount': 0.1,
  'kubernetes:core/v1:Secret': 0.1,
  'kubernetes:core/v1:ConfigMap': 0.1,
};

/** Used for a custom resource type missing from the table. */
export const DEFAULT_MINUTES = 0.5;

/** Minutes for a resource, refined by its properties (HA Postgres, private cluster). */
export function durationMinutes(type: string, props: Record<string, unknown>, custom = true): number {
  if (!custom || type.startsWith('pulumi:') || type.startsWith('random:')) return 0;
  const base = PROVISIONING_MINUTES[type] ?? DEFAULT_MINUTES;
  if (type === 'azure-native:dbforpostgresql:Server') {
    const mode = get(props, 'highAvailability.mode');
    return typeof mode === 'string' && !equalsIgnoreCase(mode, 'Disabled') ? base + 7 : base;
  }
  if (type === 'azure-native:containerservice:ManagedCluster') {
    return get(props, 'apiServerAccessProfile.enablePrivateCluster') === true ? base + 1 : base;
  }
  return base;
}

/** A node of the deployment graph. */
export interface GraphNode {
  urn: string;
  minutes: number;
  /** URNs this node waits for (already expanded to custom resources). */
  dependsOn: readonly string[];
}

/** Earliest start/finish of every node, and the longest chain. */
export interface Schedule {
  /** Minutes from the start of `pulumi up` until the node can start / is done. */
  start: ReadonlyMap<string, number>;
  finish: ReadonlyMap<string, number>;
  /** For each node, the dependency that finishes last (what it really waits for). */
  waitsFor: ReadonlyMap<string, string | undefined>;
  /** The critical path, first to last. */
  criticalPath: string[];
  totalMinutes: number;
}

/**
 * Longest-path schedule over a DAG (every node starts when all its
 * dependencies finished). Throws on a dependency cycle or an unknown URN.
 */
export function schedule(nodes: readonly GraphNode[]): Schedule {
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));
  const finish = new Map<string, number>();
  const start = new Map<string, number>();
  const waitsFor = new Map<string, string | undefined>();
  const visiting = new Set<string>();

  const visit = (urn: string): number => {
    const done = finish.get(urn);
    if (done !== undefined) return done;
    const node = byUrn.get(urn);
    if (!node) throw new Error(`dependency ${urn} is not a resource of this plan`);
    if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
    visiting.add(urn);
    let earliest = 0;
    let last: string | undefined;
    for (const dep of node.dependsOn) {
      const depFinish = visit(dep);
      if (last === undefined || depFinish > earliest) {
        last = dep;
        earliest = depFinish;
      }
    }
    visiting.delete(urn);
    start.set(urn, earliest);
    waitsFor.set(urn, last);
    const end = earliest + node.minutes;
    finish.set(urn, end);
    return end;
  };
  nodes.forEach((n) => visit(n.urn));

  let tail: string | undefined;
  let total = 0;
  for (const [urn, end] of finish) {
    if (tail === undefined || end > total) {
      tail = urn;
      total = end;
    }
  }
  const path: string[] = [];
  for (let cursor = tail; cursor !== undefined; cursor = waitsFor.get(cursor)) path.unshift(cursor);
  return { start, finish, waitsFor, criticalPath: path, totalMinutes: Math.round(total * 10) / 10 };
}

/** Every transitive dependency of a node (what must be done before it starts). */
export function ancestors(urn: string, nodes: readonly GraphNode[]): Set<string> {
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));
  const seen = new Set<string>();
  const stack = [...(byUrn.get(urn)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byUrn.get(next)?.dependsOn ?? []));
  }
  return seen;
}
