/**
 * Turns what the offline engine recorded (resources + stack outputs) into a
 * plan: the resource tree with key properties and dependencies, masked
 * outputs, policy findings from policy/rules.ts, cost estimates and the
 * critical path. Pure: no I/O, so tests can feed it recorded runs directly.
 */
import { evaluate, isBlocking } from '../policy/evaluate';
import type { Environment, Finding, ResourceView } from '../policy/model';
import { environmentForStack } from '../policy/model';
import { isRecord } from '../policy/props';
import type { RecordedResource } from '../offline/recorded';
import { isSecretValue, unwrapSecrets } from '../offline/recorded';
import { REPO_ROOT } from '../offline/stack-config';
import * as path from 'node:path';
import { durationMinutes, GraphNode, schedule } from './durations';
import { CostResult, estimateCost, PRICE_TABLE_INFO } from './prices';

/** The text every secret value is shown as. */
export const MASK = '[secret]';

/** A stack output as the program exported it. */
export interface RecordedOutput {
  value: unknown;
  secret: boolean;
}

/** What one offline run of the program produced. */
export interface ProgramRun {
  stack: string;
  resources: readonly RecordedResource[];
  outputs: Readonly<Record<string, RecordedOutput>>;
}

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  /** false for component resources (they group children and cost nothing). */
  custom: boolean;
  parent?: string;
  /** Direct dependencies as the engine recorded them (components included). */
  dependencies: string[];
  /** The explicit provider resource, if any (a Kubernetes resource waits for its cluster's provider). */
  provider?: string;
  /** What the resource really waits for: dependencies expanded to custom resources, plus its provider. */
  waitsOn: string[];
  protect: boolean;
  /** A few properties that identify the resource, secrets masked. */
  keyProperties: Record<string, string>;
  cost: CostResult;
  minutes: number;
  startMinute: number;
  finishMinute: number;
}

export interface PlanStep {
  urn: string;
  type: string;
  name: string;
  minutes: number;
  startMinute: number;
  finishMinute: number;
}

export interface Plan {
  stack: string;
  environment: Environment;
  resources: PlanResource[];
  outputs: Record<string, { value: unknown; secret: boolean }>;
  findings: Finding[];
  /** True when a mandatory finding blocks the deployment (the CLI exits 1). */
  blocked: boolean;
  cost: {
    monthlyTotal: number;
    monthlyTotalMax: number;
    currency: string;
    priceTable: typeof PRICE_TABLE_INFO;
    notEstimated: { name: string; type: string; note: string }[];
  };
  criticalPath: { totalMinutes: number; steps: PlanStep[] };
  /**
   * The regional stamps and the global layer: resource counts (cloud and Kubernetes resources,
   * not components) and estimated monthly cost. A resource belongs to a region when it is under
   * that region's `RegionalStamp` or runs on its cluster (the apps' releases); the rest is global.
   */
  regions: PlanRegion[];
  globalLayer: { resources: number; monthly: number; monthlyMax: number };
}

/** One regional stamp in the plan. */
export interface PlanRegion {
  /** The stamp's Pulumi name. */
  name: string;
  /** Its Azure region. */
  location: string;
  resources: number;
  monthly: number;
  monthlyMax: number;
}

/** Properties worth showing in the tree, per type (paths into the inputs). */
const KEY_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'azure-native:resources:ResourceGroup': ['resourceGroupName', 'location'],
  'azure-native:network:VirtualNetwork': ['virtualNetworkName', 'addressSpace.addressPrefixes'],
  'azure-native:network:Subnet': ['subnetName', 'addressPrefix'],
  'azure-native:network:NetworkSecurityGroup': ['networkSecurityGroupName'],
  'azure-native:network:PrivateEndpoint': ['privateEndpointName', 'privateLinkServiceConnections.0.groupIds'],
  'azure-native:privatedns:PrivateZone': ['privateZoneName'],
  'azure-native:containerregistry:Registry': ['registryName', 'sku.name', 'publicNetworkAccess', 'adminUserEnabled', 'zoneRedundancy'],
  'azure-native:containerservice:ManagedCluster': ['resourceName', 'kubernetesVersion', 'sku.tier', 'apiServerAccessProfile.enablePrivateCluster', 'networkProfile.networkPolicy'],
  'azure-native:containerservice:AgentPool': ['agentPoolName', 'mode', 'vmSize', 'minCount', 'maxCount', 'scaleSetPriority'],
  'azure-native:dbforpostgresql:Server': ['serverName', 'version', 'sku.name', 'storage.storageSizeGB', 'highAvailability.mode', 'network.publicNetworkAccess'],
  'azure-native:dbforpostgresql:Database': ['databaseName'],
  'azure-native:redisenterprise:RedisEnterprise': ['clusterName', 'sku.name', 'highAvailability', 'publicNetworkAccess'],
  'azure-native:redisenterprise:Database': ['clientProtocol', 'port'],
  'azure-native:redis:Redis': ['name', 'sku.name', 'sku.capacity', 'publicNetworkAccess'],
  'azure-native:keyvault:Vault': ['vaultName', 'properties.sku.name', 'properties.publicNetworkAccess', 'properties.enablePurgeProtection'],
  'azure-native:keyvault:Secret': ['secretName'],
  'azure-native:authorization:RoleAssignment': ['roleDefinitionId', 'principalType'],
  'azure-native:operationalinsights:Workspace': ['workspaceName', 'retentionInDays'],
  'azure-native:managedidentity:UserAssignedIdentity': ['resourceName'],
  'docker-build:index:Image': ['tags', 'platforms', 'push'],
  'kubernetes:helm.sh/v3:Release': ['name', 'namespace', 'chart', 'atomic'],
};

/** Path lookup that understands numeric segments (`a.0.b`) and keeps secret wrappers visible. */
function rawAt(props: unknown, path: string): unknown {
  let current: unknown = props;
  for (const segment of path.split('.')) {
    if (isSecretValue(current)) return current;
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isRecord(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

function containsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isRecord(value)) return Object.values(value).some(containsSecret);
  return false;
}

function display(value: unknown): string {
  if (containsSecret(value)) return MASK;
  // Paths inside the checkout print relative to it, so plans compare across machines.
  if (typeof value === 'string') return value.startsWith(`${REPO_ROOT}${path.sep}`) ? path.relative(REPO_ROOT, value) : value;
  return JSON.stringify(value);
}

function keyProperties(resource: RecordedResource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of KEY_PROPERTIES[resource.type] ?? ['location']) {
    const value = rawAt(resource.inputs, path);
    if (value !== undefined) out[path] = display(value);
  }
  if (resource.type === 'azure-native:authorization:RoleAssignment' && typeof out.roleDefinitionId === 'string') {
    out.roleDefinitionId = out.roleDefinitionId.replace(/^.*\//, '');
  }
  return out;
}

/**
 * The plaintext strings of the run's secrets (to redact from printed output):
 * every string inside a secret (resource inputs and state, secret outputs)
 * that never appears outside a secret. The engine marks a whole object secret
 * when one of its fields is (e.g. a registry credential block with the login
 * server next to the password); strings the run also shows in the clear, like
 * that login server, are not secret and stay readable.
 */
export function secretStrings(run: ProgramRun): Set<string> {
  const inSecret = new Set<string>();
  const inClear = new Set<string>();
  const collect = (value: unknown, secret: boolean): void => {
    if (isSecretValue(value)) return collect(value.value, true);
    if (typeof value === 'string') {
      if (value.length >= 4) (secret ? inSecret : inClear).add(value);
      return;
    }
    if (Array.isArray(value)) value.forEach((v) => collect(v, secret));
    else if (isRecord(value)) Object.values(value).forEach((v) => collect(v, secret));
  };
  for (const resource of run.resources) {
    collect(resource.inputs, false);
    collect(resource.state, false);
  }
  for (const output of Object.values(run.outputs)) collect(output.value, output.secret);
  return new Set([...inSecret].filter((s) => !inClear.has(s)));
}

/** Replaces every secret string in `text` with {@link MASK}. */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join(MASK);
  }
  return out;
}

/** A recorded resource as the rules see it (secrets unwrapped: the checks need the values; output is redacted later). */
export function toResourceView(resource: RecordedResource): ResourceView {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: unwrapSecrets(resource.inputs) as Record<string, unknown>,
    protect: resource.protect,
    parent: resource.parent || undefined,
    dependencies: [...new Set([...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()])],
    id: resource.id || undefined,
  };
}

/** The provider URN inside a provider reference `<urn>::<id>`. */
function providerUrn(reference: string): string | undefined {
  if (!reference) return undefined;
  const cut = reference.lastIndexOf('::');
  return cut > 0 ? reference.slice(0, cut) : undefined;
}

/** Builds the plan of one recorded run. */
export function buildPlan(run: ProgramRun): Plan {
  const resources = run.resources.filter((r) => r.urn !== '');
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, RecordedResource[]>();
  for (const r of resources) {
    if (!r.parent) continue;
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  /** A dependency on a component means: on every custom resource inside it. */
  const expand = (urn: string, seen = new Set<string>()): string[] => {
    const target = byUrn.get(urn);
    if (!target || seen.has(urn)) return [];
    seen.add(urn);
    if (target.custom) return [urn];
    return (children.get(urn) ?? []).flatMap((child) => expand(child.urn, seen));
  };

  const waitsOn = new Map<string, string[]>();
  for (const r of resources) {
    const direct = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()];
    const provider = providerUrn(r.provider);
    if (provider && byUrn.has(provider)) direct.push(provider);
    const expanded = new Set(direct.flatMap((d) => expand(d)));
    expanded.delete(r.urn);
    waitsOn.set(r.urn, [...expanded]);
  }

  const nodes: GraphNode[] = resources.map((r) => ({
    urn: r.urn,
    minutes: durationMinutes(r.type, unwrapSecrets(r.inputs) as Record<string, unknown>, r.custom),
    dependsOn: waitsOn.get(r.urn) ?? [],
  }));
  const timing = schedule(nodes);
  const minutesOf = new Map(nodes.map((n) => [n.urn, n.minutes]));

  const views = resources.map(toResourceView);
  const findings = evaluate(views, run.stack);

  const planResources: PlanResource[] = resources.map((r, i) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: r.custom,
    parent: r.parent || undefined,
    dependencies: [...new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()])],
    provider: providerUrn(r.provider) && byUrn.has(providerUrn(r.provider) as string) ? providerUrn(r.provider) : undefined,
    waitsOn: waitsOn.get(r.urn) ?? [],
    protect: r.protect,
    keyProperties: keyProperties(r),
    cost: r.custom ? estimateCost(views[i]) : { kind: 'free' },
    minutes: minutesOf.get(r.urn) ?? 0,
    startMinute: round1(timing.start.get(r.urn) ?? 0),
    finishMinute: round1(timing.finish.get(r.urn) ?? 0),
  }));

  let total = 0;
  let totalMax = 0;
  const notEstimated: Plan['cost']['notEstimated'] = [];
  for (const r of planResources) {
    if (r.cost.kind === 'estimate') {
      total += r.cost.estimate.monthly;
      totalMax += r.cost.estimate.monthlyMax ?? r.cost.estimate.monthly;
    } else if (r.cost.kind === 'unknown' || r.cost.kind === 'usage') {
      notEstimated.push({ name: r.name, type: r.type, note: r.cost.note });
    }
  }

  const { regions, globalLayer } = regionsOf(planResources, byUrn);

  const outputs: Plan['outputs'] = {};
  for (const [key, output] of Object.entries(run.outputs)) {
    outputs[key] = output.secret ? { value: MASK, secret: true } : { value: maskNested(output.value), secret: false };
  }

  const steps: PlanStep[] = timing.criticalPath
    .filter((urn) => (minutesOf.get(urn) ?? 0) > 0)
    .map((urn) => {
      const r = byUrn.get(urn) as RecordedResource;
      return { urn, type: r.type, name: r.name, minutes: minutesOf.get(urn) ?? 0, startMinute: round1(timing.start.get(urn) ?? 0), finishMinute: round1(timing.finish.get(urn) ?? 0) };
    });

  return {
    stack: run.stack,
    environment: environmentForStack(run.stack),
    resources: planResources,
    outputs,
    findings,
    blocked: findings.some(isBlocking),
    cost: { monthlyTotal: round2(total), monthlyTotalMax: round2(totalMax), currency: PRICE_TABLE_INFO.currency, priceTable: PRICE_TABLE_INFO, notEstimated },
    criticalPath: { totalMinutes: timing.totalMinutes, steps },
    regions,
    globalLayer,
  };
}

const STAMP_TYPE = 'aks-platform:index:RegionalStamp';

/** Splits the plan's resources into the regional stamps and the global layer (see {@link Plan.regions}). */
function regionsOf(resources: PlanResource[], byUrn: Map<string, RecordedResource>): Pick<Plan, 'regions' | 'globalLayer'> {
  const stamps = resources.filter((r) => r.type === STAMP_TYPE);
  const stampOf = new Map<string, string | undefined>();
  const find = (urn: string | undefined): string | undefined => {
    if (!urn) return undefined;
    if (stampOf.has(urn)) return stampOf.get(urn);
    const r = byUrn.get(urn);
    let found: string | undefined;
    if (r?.type === STAMP_TYPE) found = urn;
    else if (r) found = find(r.parent || undefined) ?? find(providerUrn(r.provider));
    stampOf.set(urn, found);
    return found;
  };
  const empty = () => ({ resources: 0, monthly: 0, monthlyMax: 0 });
  const totals = new Map(stamps.map((s) => [s.urn, empty()]));
  const globalLayer = empty();
  for (const r of resources.filter((x) => x.custom)) {
    const stamp = find(r.urn);
    const bucket = (stamp && totals.get(stamp)) || globalLayer;
    bucket.resources += 1;
    if (r.cost.kind === 'estimate') {
      bucket.monthly += r.cost.estimate.monthly;
      bucket.monthlyMax += r.cost.estimate.monthlyMax ?? r.cost.estimate.monthly;
    }
  }
  const round = (t: { resources: number; monthly: number; monthlyMax: number }) => ({ ...t, monthly: round2(t.monthly), monthlyMax: round2(t.monthlyMax) });
  const regions = stamps.map((s) => {
    // The stamp's region: where its VNet is.
    const vnet = resources.find((r) => r.type === 'azure-native:network:VirtualNetwork' && find(r.urn) === s.urn);
    const location = vnet ? String((unwrapSecrets(byUrn.get(vnet.urn)!.inputs) as Record<string, unknown>).location ?? '') : '';
    return { name: s.name, location, ...round(totals.get(s.urn)!) };
  });
  return { regions, globalLayer: round(globalLayer) };
}

function maskNested(value: unknown): unknown {
  if (isSecretValue(value)) return MASK;
  if (Array.isArray(value)) return value.map(maskNested);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskNested(v)]));
  return value;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
