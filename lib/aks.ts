/**
 * Pure rules and defaults for the AKS cluster: node pool checks and defaults,
 * taint strings, cluster network checks, maintenance windows, and the
 * non-interactive kubeconfig. `components/aks-cluster.ts` turns them into
 * Azure resources; the tests check them with tables.
 */
import * as ipaddr from 'ipaddr.js';
import { parse, stringify } from 'yaml';
import { ArgProblem } from './problems';
import { PROGRAM_ROLES } from './role-ids';
import {
  authorizedIpRangeProblem,
  autoscaleBoundsProblem,
  cidrProblem,
  cidrsOverlap,
  ipInCidr,
  kubernetesVersionProblem,
  nodePoolNameProblem,
  parseIpv4Cidr,
  vmSizeProblem,
  zonesProblem,
  NodePoolOsType,
} from './rules';
import { VM_SIZES, osDiskFit } from './vm-sizes';

/** The taint that keeps application pods off the system pool (CKV_AZURE_232). */
export const SYSTEM_POOL_TAINT = 'CriticalAddonsOnly=true:NoSchedule';
/** The taint AKS puts on spot nodes; listed explicitly so the desired state matches Azure's. */
export const SPOT_TAINT = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';
/** The label AKS puts on spot nodes; workloads that tolerate eviction select it. */
export const SPOT_LABEL = { key: 'kubernetes.azure.com/scalesetpriority', value: 'spot' } as const;

/** Application ID of the AKS Entra server app: the audience of every cluster token. */
export const AKS_AAD_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** Built-in role IDs the cluster assigns (from lib/role-ids.ts, the one list of roles the program assigns). */
export const ROLE_IDS = {
  acrPull: PROGRAM_ROLES.acrPull.id,
  networkContributor: PROGRAM_ROLES.networkContributor.id,
  /** Azure Kubernetes Service RBAC Cluster Admin. */
  rbacClusterAdmin: PROGRAM_ROLES.aksRbacClusterAdmin.id,
} as const;

export const NETWORK_POLICIES = ['cilium', 'azure', 'calico'] as const;
export type NetworkPolicy = (typeof NETWORK_POLICIES)[number];
export const UPGRADE_CHANNELS = ['patch', 'stable', 'rapid', 'node-image'] as const;
export type UpgradeChannel = (typeof UPGRADE_CHANNELS)[number];
export const NODE_OS_UPGRADE_CHANNELS = ['NodeImage', 'SecurityPatch'] as const;
export type NodeOsUpgradeChannel = (typeof NODE_OS_UPGRADE_CHANNELS)[number];
/** Control-plane tiers; Premium adds long-term support (with `supportPlan: AKSLongTermSupport`). */
export const CLUSTER_TIERS = ['Free', 'Standard', 'Premium'] as const;
export type ClusterTier = (typeof CLUSTER_TIERS)[number];
export const OS_DISK_TYPES = ['Ephemeral', 'Managed'] as const;
export type OsDiskType = (typeof OS_DISK_TYPES)[number];
export const WEEK_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

/**
 * kubelogin login modes that never prompt. `devicecode` and `interactive`
 * are left out on purpose: they hang a CI job waiting for a browser.
 */
export const KUBELOGIN_MODES = ['azurecli', 'workloadidentity', 'spn', 'msi', 'azurepipelines'] as const;
export type KubeloginMode = (typeof KUBELOGIN_MODES)[number];

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** A taint is `key=value:Effect` (value optional) with a Kubernetes label key. */
export function taintProblem(taint: string): string | undefined {
  const match = /^([^=:]+)(=([^:]*))?:([A-Za-z]+)$/.exec(taint);
  if (!match) return `"${taint}" is not a taint such as dedicated=memory:NoSchedule`;
  const [, key, , value = '', effect] = match;
  if (!LABEL_KEY.test(key)) return `"${taint}" has an invalid key "${key}"`;
  if (!LABEL_VALUE.test(value)) return `"${taint}" has an invalid value "${value}"`;
  if (!(TAINT_EFFECTS as readonly string[]).includes(effect)) {
    return `"${taint}" has effect "${effect}"; allowed: ${TAINT_EFFECTS.join(', ')}`;
  }
  return undefined;
}

/** Node labels: Kubernetes label syntax, and not in the `kubernetes.azure.com/` prefix AKS reserves. */
export function nodeLabelProblem(key: string, value: string): string | undefined {
  if (!LABEL_KEY.test(key)) return `"${key}" is not a Kubernetes label key`;
  if (!LABEL_VALUE.test(value)) return `"${value}" (label ${key}) is not a Kubernetes label value`;
  if (key.startsWith('kubernetes.azure.com/')) return `"${key}" uses the prefix kubernetes.azure.com/, which AKS reserves`;
  return undefined;
}

/**
 * Whether a VM size has a local (temp/cache) disk large enough to hold an
 * ephemeral OS disk. Sizes of generation 4 and later have a local disk only
 * when the feature letters contain `d` (`Standard_D4ds_v5` yes,
 * `Standard_D4s_v5` no); older generations (`Standard_DS3_v2`, `Standard_F8s_v2`) have one.
 */
export function vmSizeSupportsEphemeralOsDisk(vmSize: string): boolean {
  const match = /^Standard_([A-Z]+)(\d+)([a-z]*)(?:_[A-Za-z0-9]+)*?(?:_v(\d+))?$/.exec(vmSize);
  if (!match) return false;
  const [, , , features, version] = match;
  const generation = version ? Number(version) : 1;
  if (generation < 4) return true;
  return features.includes('d');
}

/** Default OS disk: ephemeral where the VM size can hold it (faster, cheaper, CKV_AZURE_226), else managed. */
export function defaultOsDiskType(vmSize: string): OsDiskType {
  return vmSizeSupportsEphemeralOsDisk(vmSize) ? 'Ephemeral' : 'Managed';
}

/** Arguments common to the system pool and user pools. */
export interface NodePoolSpec {
  /** Pool name: lowercase letters and digits, starting with a letter, at most 12 characters. */
  name: string;
  /** VM size, e.g. `Standard_D4ds_v5`. */
  vmSize: string;
  /** Autoscaler minimum node count. */
  minCount: number;
  /** Autoscaler maximum node count. */
  maxCount: number;
  /** Availability zones ("1", "2", "3"); default none (regional). */
  zones?: string[];
  /** Maximum pods per node (30–250); default 110. */
  maxPods?: number;
  /** `Ephemeral` or `Managed`; default Ephemeral where the VM size supports it. */
  osDiskType?: OsDiskType;
  /** OS disk size in GiB (30–2048; an ephemeral disk must fit the VM's cache or temp disk). Default: AKS chooses. */
  osDiskSizeGb?: number;
  /** Extra nodes during upgrades, a count or a percentage (`33%`); default `33%`. */
  maxSurge?: string;
  /** Node labels. */
  labels?: Record<string, string>;
  /** Node taints, `key=value:Effect`. */
  taints?: string[];
}

/** A user pool; `spot` needs the cluster's `allowSpot`. */
export interface UserNodePoolSpec extends NodePoolSpec {
  /** Node OS: `Linux` (Azure Linux) or `Windows` (Windows Server 2022; names ≤ 6 characters). Default Linux. */
  osType?: NodePoolOsType;
  /** Run on spot VMs (evicted with Delete, pay up to the on-demand price). Default false. */
  spot?: boolean;
}

export const DEFAULT_MAX_PODS = 110;
export const DEFAULT_MAX_SURGE = '33%';
const MAX_PODS_RANGE = { min: 30, max: 250 };

/** Problems with one pool; `path` is the argument path (e.g. `userPools[1]`). */
export function nodePoolProblems(path: string, pool: UserNodePoolSpec, mode: 'System' | 'User', allowSpot: boolean): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const add = (field: string, problem: string | undefined) => {
    if (problem) problems.push({ path: `${path}.${field}`, problem });
  };
  const osType = pool.osType ?? 'Linux';
  if (!['Linux', 'Windows'].includes(osType)) add('osType', `"${osType}" is not allowed; allowed: Linux, Windows`);
  else if (mode === 'System' && osType === 'Windows') add('osType', 'a system pool runs Linux');
  add('name', nodePoolNameProblem(pool.name, osType === 'Windows' ? 'Windows' : 'Linux'));
  add('vmSize', vmSizeProblem(pool.vmSize));
  const bounds = autoscaleBoundsProblem(pool.minCount, pool.maxCount, mode);
  if (bounds || !Number.isInteger(pool.minCount) || !Number.isInteger(pool.maxCount)) {
    add('minCount', bounds ?? `minCount ${pool.minCount} and maxCount ${pool.maxCount} must be whole numbers`);
  }
  if (pool.zones) add('zones', zonesProblem(pool.zones));
  if (pool.maxPods !== undefined && (!Number.isInteger(pool.maxPods) || pool.maxPods < MAX_PODS_RANGE.min || pool.maxPods > MAX_PODS_RANGE.max)) {
    add('maxPods', `${pool.maxPods} is not allowed; use a whole number from ${MAX_PODS_RANGE.min} to ${MAX_PODS_RANGE.max}`);
  }
  const size = pool.osDiskSizeGb;
  const sizeOk = size === undefined || (Number.isInteger(size) && size >= 30 && size <= 2048);
  if (!sizeOk) add('osDiskSizeGb', `${size} is not allowed; use a whole number of GiB from 30 to 2048`);
  if (pool.osDiskType !== undefined && !(OS_DISK_TYPES as readonly string[]).includes(pool.osDiskType)) {
    add('osDiskType', `"${pool.osDiskType}" is not allowed; allowed: ${OS_DISK_TYPES.join(', ')}`);
  } else if (!vmSizeProblem(pool.vmSize) && sizeOk) {
    const osDiskType = pool.osDiskType ?? defaultOsDiskType(pool.vmSize);
    if (VM_SIZES[pool.vmSize]) {
      // The size table decides: the ephemeral disk must fit the cache or temp disk.
      const fit = osDiskFit({ vmSize: pool.vmSize, osDiskType, osDiskSizeGb: size });
      if (fit.problem) add(fit.problem.field, fit.problem.message);
    } else if (osDiskType === 'Ephemeral' && !vmSizeSupportsEphemeralOsDisk(pool.vmSize)) {
      add('osDiskType', `Ephemeral needs a VM size with a local disk; ${pool.vmSize} has none (use a "d" size such as Standard_D4ds_v5, or osDiskType Managed)`);
    }
  }
  if (pool.maxSurge !== undefined && !/^([1-9]\d*|([1-9]\d?|100)%)$/.test(pool.maxSurge)) {
    add('maxSurge', `"${pool.maxSurge}" is not allowed; use a node count such as 1 or a percentage such as 33%`);
  }
  for (const [key, value] of Object.entries(pool.labels ?? {})) {
    add(`labels.${key}`, nodeLabelProblem(key, value));
  }
  (pool.taints ?? []).forEach((taint, i) => add(`taints[${i}]`, taintProblem(taint)));
  if (pool.spot) {
    if (mode === 'System') add('spot', 'a system pool cannot run on spot VMs');
    else if (!allowSpot) add('spot', 'spot pools are not allowed here; set allowSpot: true on the cluster (not for production capacity)');
  }
  return problems;
}

/** Warnings (not failures) for one pool: an ephemeral OS disk on a size the table does not know. */
export function nodePoolWarnings(path: string, pool: NodePoolSpec): string[] {
  if (vmSizeProblem(pool.vmSize)) return [];
  const fit = osDiskFit({ vmSize: pool.vmSize, osDiskType: pool.osDiskType ?? defaultOsDiskType(pool.vmSize), osDiskSizeGb: pool.osDiskSizeGb });
  return fit.warning ? [`${path}.vmSize: ${fit.warning}`] : [];
}

/**
 * The taints a pool's nodes carry: CriticalAddonsOnly on a system pool that
 * runs only critical add-ons, the configured taints, and the spot taint AKS
 * puts on spot nodes. Pods placed on the pool must tolerate every one.
 */
export function poolTaints(pool: UserNodePoolSpec, mode: 'System' | 'User', onlyCriticalAddons?: boolean): string[] {
  const spot = mode === 'User' && pool.spot === true;
  return [...(mode === 'System' && onlyCriticalAddons !== false ? [SYSTEM_POOL_TAINT] : []), ...(pool.taints ?? []), ...(spot ? [SPOT_TAINT] : [])];
}

/** Options of {@link poolProperties}. */
export interface PoolPropertyOptions<S, T> {
  /** `MAJOR.MINOR` Kubernetes version of the pool. */
  version: string;
  /** Subnet the nodes join. */
  subnetId: S;
  /** Tags of the pool's VM scale set. */
  tags: T;
  /** Encrypt temp disks and caches on the VM host (needs the EncryptionAtHost feature on the subscription). */
  encryptionAtHost: boolean;
  /** System pools: add the CriticalAddonsOnly taint. */
  onlyCriticalAddons?: boolean;
}

/**
 * The agent pool properties shared by the inline system pool and the
 * `AgentPool` resources: autoscaled VM scale sets on Azure Linux, no node
 * public IPs, ephemeral OS disks where the size allows, and for spot pools
 * the Spot priority with Delete eviction, an on-demand price cap and the
 * taint/label AKS adds (spot pools cannot surge, so no upgrade settings).
 */
export function poolProperties<S, T>(pool: UserNodePoolSpec, mode: 'System' | 'User', options: PoolPropertyOptions<S, T>) {
  const spot = mode === 'User' && pool.spot === true;
  const taints = poolTaints(pool, mode, options.onlyCriticalAddons);
  const labels = pool.labels || spot ? { ...(pool.labels ?? {}), ...(spot ? { [SPOT_LABEL.key]: SPOT_LABEL.value } : {}) } : undefined;
  return {
    mode,
    type: 'VirtualMachineScaleSets',
    osType: pool.osType ?? 'Linux',
    osSKU: pool.osType === 'Windows' ? 'Windows2022' : 'AzureLinux',
    vmSize: pool.vmSize,
    orchestratorVersion: options.version,
    enableAutoScaling: true,
    count: pool.minCount,
    minCount: pool.minCount,
    maxCount: pool.maxCount,
    availabilityZones: pool.zones,
    osDiskType: pool.osDiskType ?? defaultOsDiskType(pool.vmSize),
    ...(pool.osDiskSizeGb !== undefined ? { osDiskSizeGB: pool.osDiskSizeGb } : {}),
    maxPods: pool.maxPods ?? DEFAULT_MAX_PODS,
    enableNodePublicIP: false,
    enableEncryptionAtHost: options.encryptionAtHost,
    vnetSubnetID: options.subnetId,
    nodeTaints: taints,
    nodeLabels: labels,
    ...(spot
      ? { scaleSetPriority: 'Spot', scaleSetEvictionPolicy: 'Delete', spotMaxPrice: -1 }
      : { upgradeSettings: { maxSurge: pool.maxSurge ?? DEFAULT_MAX_SURGE } }),
    tags: options.tags,
  };
}

/** Problems across pools: unique names. */
export function poolNameClashes(names: ReadonlyArray<readonly [path: string, name: string]>): ArgProblem[] {
  const seen = new Map<string, string>();
  const problems: ArgProblem[] = [];
  for (const [path, name] of names) {
    const first = seen.get(name);
    if (first) problems.push({ path: `${path}.name`, problem: `"${name}" is already used by ${first}; pool names must be unique` });
    else seen.set(name, path);
  }
  return problems;
}

/** The default cluster DNS service address: the 10th address of the service CIDR (as AKS and AVM use). */
export function defaultDnsServiceIp(serviceCidr: string): string {
  const { first } = parseIpv4Cidr(serviceCidr);
  const ip = first + 10;
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

/** The plain values of the cluster network arguments the checks look at. */
export interface ClusterNetworkPlain {
  podCidr?: string;
  serviceCidr?: string;
  dnsServiceIp?: string;
  /** Address spaces the pod and service ranges must not overlap (the VNet's and peered networks'). */
  vnetAddressSpaces?: string[];
  networkPolicy?: string;
}

/**
 * Overlay network checks: pod and service CIDRs are valid, do not overlap each
 * other or the VNet, the DNS service IP lies inside the service CIDR and is not
 * its first address, and the policy engine is one AKS supports.
 */
export function clusterNetworkProblems(net: ClusterNetworkPlain): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const valid = (path: string, cidr: string | undefined): cidr is string => {
    if (cidr === undefined) return false;
    const problem = cidrProblem(cidr);
    if (problem) problems.push({ path, problem });
    return !problem;
  };
  const podOk = valid('network.podCidr', net.podCidr);
  const svcOk = valid('network.serviceCidr', net.serviceCidr);
  if (podOk && svcOk && cidrsOverlap(net.podCidr!, net.serviceCidr!)) {
    problems.push({ path: 'network.serviceCidr', problem: `"${net.serviceCidr}" overlaps network.podCidr (${net.podCidr})` });
  }
  for (const space of net.vnetAddressSpaces ?? []) {
    if (cidrProblem(space)) continue;
    if (podOk && cidrsOverlap(space, net.podCidr!)) {
      problems.push({ path: 'network.podCidr', problem: `"${net.podCidr}" overlaps the VNet address space ${space}; pod and VNet ranges must be disjoint` });
    }
    if (svcOk && cidrsOverlap(space, net.serviceCidr!)) {
      problems.push({ path: 'network.serviceCidr', problem: `"${net.serviceCidr}" overlaps the VNet address space ${space}; service and VNet ranges must be disjoint` });
    }
  }
  if (net.dnsServiceIp !== undefined && svcOk) {
    const first = parseIpv4Cidr(net.serviceCidr!).first;
    const isFirst = ipaddr.IPv4.isValidFourPartDecimal(net.dnsServiceIp) && ipaddr.IPv4.parse(net.dnsServiceIp).toByteArray().reduce((a, b) => a * 256 + b, 0) === first;
    if (!ipInCidr(net.dnsServiceIp, net.serviceCidr!) || isFirst) {
      problems.push({ path: 'network.dnsServiceIp', problem: `"${net.dnsServiceIp}" must be an address inside network.serviceCidr (${net.serviceCidr}) other than its first, e.g. ${defaultDnsServiceIp(net.serviceCidr!)}` });
    }
  }
  if (net.networkPolicy !== undefined && !(NETWORK_POLICIES as readonly string[]).includes(net.networkPolicy)) {
    problems.push({ path: 'network.policy', problem: `"${net.networkPolicy}" is not allowed; allowed: ${NETWORK_POLICIES.join(', ')}` });
  }
  return problems;
}

/** API server exposure: a private cluster, or a public one restricted to authorized ranges. */
export function apiServerProblems(privateCluster: boolean | undefined, authorizedIpRanges: string[] | undefined): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (privateCluster === undefined && authorizedIpRanges === undefined) return problems;
  if (!privateCluster && (authorizedIpRanges ?? []).length === 0) {
    problems.push({ path: 'authorizedIpRanges', problem: 'a public API server needs at least one authorized IP range; list the operator and CI egress ranges, or set privateCluster: true' });
  }
  if (privateCluster && (authorizedIpRanges ?? []).length > 0) {
    problems.push({ path: 'authorizedIpRanges', problem: 'authorized IP ranges apply to a public API server only; remove them or set privateCluster: false' });
  }
  (authorizedIpRanges ?? []).forEach((range, i) => {
    const problem = authorizedIpRangeProblem(range);
    if (problem) problems.push({ path: `authorizedIpRanges[${i}]`, problem });
  });
  return problems;
}

/** A weekly maintenance window (UTC). */
export interface MaintenanceWindowSpec {
  /** Day of the week, e.g. `Sunday`. */
  day: WeekDay;
  /** Start hour 0–23 (UTC unless `utcOffset`). */
  startHour: number;
  /** Length in hours, 4–24 (AKS needs at least 4). */
  durationHours: number;
  /** UTC offset such as `+01:00`; default `+00:00`. */
  utcOffset?: string;
}

/** Problems with a maintenance window at `path`. */
export function maintenanceWindowProblems(path: string, window: MaintenanceWindowSpec): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!(WEEK_DAYS as readonly string[]).includes(window.day)) {
    problems.push({ path: `${path}.day`, problem: `"${window.day}" is not allowed; allowed: ${WEEK_DAYS.join(', ')}` });
  }
  if (!Number.isInteger(window.startHour) || window.startHour < 0 || window.startHour > 23) {
    problems.push({ path: `${path}.startHour`, problem: `${window.startHour} is not allowed; use a whole hour from 0 to 23` });
  }
  if (!Number.isInteger(window.durationHours) || window.durationHours < 4 || window.durationHours > 24) {
    problems.push({ path: `${path}.durationHours`, problem: `${window.durationHours} is not allowed; AKS needs a whole number of hours from 4 to 24` });
  }
  if (window.utcOffset !== undefined && !/^[+-](0\d|1[0-4]):(00|30|45)$/.test(window.utcOffset)) {
    problems.push({ path: `${path}.utcOffset`, problem: `"${window.utcOffset}" is not a UTC offset such as +00:00 or -05:30` });
  }
  return problems;
}

/** Upgrade channel checks: known values, and `node-image` needs node OS channel `NodeImage`. */
export function upgradeProblems(kubernetesVersion: string | undefined, channel: string | undefined, nodeOsChannel: string | undefined): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (kubernetesVersion !== undefined) {
    const problem = kubernetesVersionProblem(kubernetesVersion);
    if (problem) problems.push({ path: 'kubernetesVersion', problem });
  }
  if (channel !== undefined && !(UPGRADE_CHANNELS as readonly string[]).includes(channel)) {
    problems.push({ path: 'upgrade.channel', problem: `"${channel}" is not allowed; allowed: ${UPGRADE_CHANNELS.join(', ')}` });
  }
  if (nodeOsChannel !== undefined && !(NODE_OS_UPGRADE_CHANNELS as readonly string[]).includes(nodeOsChannel)) {
    problems.push({ path: 'upgrade.nodeOsChannel', problem: `"${nodeOsChannel}" is not allowed; allowed: ${NODE_OS_UPGRADE_CHANNELS.join(', ')}` });
  }
  if (channel === 'node-image' && nodeOsChannel !== undefined && nodeOsChannel !== 'NodeImage') {
    problems.push({ path: 'upgrade.nodeOsChannel', problem: `"${nodeOsChannel}" cannot be combined with upgrade channel node-image; use NodeImage` });
  }
  return problems;
}

/** Options of {@link buildKubeconfig}. */
export interface KubeconfigOptions {
  /** kubelogin login mode; see {@link KUBELOGIN_MODES}. */
  loginMode: KubeloginMode;
  /** Entra tenant; passed as `--tenant-id` for spn and workloadidentity (otherwise AZURE_TENANT_ID). */
  tenantId?: string;
  /**
   * Client id of the identity that logs in; passed as `--client-id` for spn,
   * workloadidentity and msi. Without it kubelogin needs AZURE_CLIENT_ID or
   * KUBELOGIN_CLIENT_ID, else fails with "client ID cannot be empty".
   */
  clientId?: string;
}

/** The exec block every user of the kubeconfig gets: kubelogin, never interactive. */
export function kubeloginExec(options: KubeconfigOptions): Record<string, unknown> {
  if (!(KUBELOGIN_MODES as readonly string[]).includes(options.loginMode)) {
    throw new Error(`kubelogin login mode "${options.loginMode}" is not allowed; allowed: ${KUBELOGIN_MODES.join(', ')}`);
  }
  const args = ['get-token', '--login', options.loginMode, '--server-id', AKS_AAD_SERVER_ID];
  if (options.tenantId && (options.loginMode === 'spn' || options.loginMode === 'workloadidentity')) {
    args.push('--tenant-id', options.tenantId);
  }
  if (options.clientId && (options.loginMode === 'spn' || options.loginMode === 'workloadidentity' || options.loginMode === 'msi')) {
    args.push('--client-id', options.clientId);
  }
  return {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: 'kubelogin',
    args,
    env: null,
    interactiveMode: 'Never',
    provideClusterInfo: false,
  };
}

/**
 * Turns the cluster-user kubeconfig AKS returns (whose exec block runs
 * kubelogin in `devicecode` mode, which waits for a browser) into one whose
 * every user runs `kubelogin get-token --login <mode>` non-interactively.
 * Clusters, contexts and the CA stay as AKS returned them.
 */
export function buildKubeconfig(rawKubeconfig: string, options: KubeconfigOptions): string {
  const doc = parse(rawKubeconfig) as { users?: Array<{ name: string; user?: Record<string, unknown> }>; clusters?: unknown[] } | null;
  if (!doc || !Array.isArray(doc.clusters) || doc.clusters.length === 0 || !Array.isArray(doc.users) || doc.users.length === 0) {
    throw new Error('the cluster credentials are not a kubeconfig with clusters and users');
  }
  const exec = kubeloginExec(options);
  doc.users = doc.users.map((u) => ({ name: u.name, user: { exec } }));
  return stringify(doc);
}
