/**
 * `PlatformStack`: the whole platform as one component with plain,
 * config-shaped arguments, for programs in other languages (Python, Go, .NET,
 * Java, YAML) through the source-based package in this directory.
 *
 * The args mirror the `aks-platform:*` stack configuration key for key, so the
 * same zod schema validates them (config/validate.ts `parseStackConfig`) and
 * the same pure mapping builds the `Platform` (config/platform-args.ts). The
 * outputs are the stack outputs of the TypeScript program (stack.ts
 * `stackOutputs`).
 *
 * The types here are deliberately simple, because Pulumi infers the package
 * schema from them: interfaces of strings, numbers, booleans, arrays, string
 * maps and the const-object enums of ./enums.ts (plain string-literal unions
 * are not accepted by the inference). Everything else is
 * checked by the schema at construction time, with the key path and the
 * allowed values in the error. test/provider.test.ts keeps these interfaces
 * assignable to the schema's input type.
 */
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { Platform } from '../components/platform';
import { platformArgsFromConfig } from '../config/platform-args';
import { ConfigValidationError, parseStackConfig } from '../config/validate';
import { readGitSource, resolveImageTag } from '../lib/image-source';
import { uniqueSuffixFor } from '../lib/naming';
import { stackOutputs } from '../stack';
import {
  AvailabilityZone,
  ClusterTier,
  DeployPhase,
  DeployerPrincipalType,
  GrafanaRole,
  KeyVaultSku,
  KubeloginMode,
  PodSecurityPolicyEffect,
  LogLevel,
  NetworkPolicy,
  NodeOsUpgradeChannel,
  OsDiskType,
  OsType,
  PostgresTier,
  PostgresVersion,
  RedisKind,
  RedisPersistence,
  RegistrySku,
  FirewallSku,
  SupportPlan,
  UpgradeChannel,
  RegionRole,
  WafMode,
  WeekDay,
  ZoneSpread,
} from './enums';

/** Ownership tags; the platform adds `environment` and `managed-by`. */
export interface PlatformStackTags {
  /** Owning team (tag `team`). */
  team: string;
  /** Service name (tag `service`). */
  service: string;
  /** Cost centre (tag `cost-center`). */
  costCenter: string;
  /** Further tags; may not override the required ones. */
  extra?: { [key: string]: string };
}

/** The three subnets, each inside the VNet and not overlapping. */
export interface PlatformStackSubnets {
  /** AKS nodes (pods use the overlay CIDR, not VNet addresses). */
  nodes: string;
  /** Private endpoints of the registry, vault and data services. */
  privateEndpoints: string;
  /** Self-hosted CI runner / jump host that reaches the private cluster. */
  operations: string;
}

/** VNet and subnets. */
export interface PlatformStackNetwork {
  /** Address space of the VNet, e.g. 10.10.0.0/16. */
  vnetCidr: string;
  /** Subnet ranges. */
  subnets: PlatformStackSubnets;
  /** Restricted egress of the nodes through an Azure Firewall with an FQDN allow-list (on in prod). */
  egressFirewall?: PlatformStackEgressFirewall;
}

/** One region of a multi-region stack: a regional stamp behind the one Front Door. */
export interface PlatformStackRegion {
  /** Azure region, e.g. northeurope. */
  location: string;
  /** primary (the writable database) or standby (its read replica; the apps read-only). */
  role: RegionRole;
  /** VNet and subnets of this region (not for the stack's location, which uses `network`). */
  network?: PlatformStackNetwork;
  /** This region's node pools, when they differ from `cluster`'s. */
  cluster?: PlatformStackRegionCluster;
}

/** A region's node pools. */
export interface PlatformStackRegionCluster {
  /** The system pool. */
  systemPool?: PlatformStackSystemPool;
  /** The user pools. */
  userPools?: PlatformStackUserPool[];
}

/** The nodes' egress firewall. */
export interface PlatformStackEgressFirewall {
  /** Route the nodes' egress through the firewall; default false. */
  enabled?: boolean;
  /** Firewall SKU tier; default Standard. */
  sku?: FirewallSku;
  /** The AzureFirewallSubnet range: a /26 or larger inside the VNet, clear of the other subnets. */
  subnet?: string;
}

/** Weekly maintenance window for cluster and node OS upgrades. */
export interface PlatformStackMaintenanceWindow {
  /** Day of the week. */
  day: WeekDay;
  /** Start hour, UTC (0–23). */
  startHour: number;
  /** Length in hours (AKS requires at least 4). */
  durationHours: number;
}

/** What every node pool has. */
export interface PlatformStackPoolBase {
  /** Pool name: lowercase alphanumeric, at most 12 characters (Linux) or 6 (Windows). */
  name: string;
  /** VM size, e.g. Standard_D4ds_v5. */
  vmSize: string;
  /** Autoscaler lower bound. */
  minCount: number;
  /** Autoscaler upper bound. */
  maxCount: number;
  /** Availability zones ("1", "2", "3"); empty for none. */
  zones?: AvailabilityZone[];
  /** Ephemeral OS disks (default) or Managed. */
  osDiskType?: OsDiskType;
  /** OS disk size in GiB (30–2048); default: the VM size's default. */
  osDiskSizeGb?: number;
  /** Maximum pods per node (30–250, default 110). */
  maxPods?: number;
  /** Node upgrade surge, e.g. "33%" (default) or "1". */
  maxSurge?: string;
}

/** The system node pool (inline in the cluster). */
export interface PlatformStackSystemPool extends PlatformStackPoolBase {
  /** Taint the pool CriticalAddonsOnly=true:NoSchedule so only system add-ons run on it (default true). */
  onlyCriticalAddons?: boolean;
}

/** A user node pool (a separate AgentPool resource). */
export interface PlatformStackUserPool extends PlatformStackPoolBase {
  /** OS of the pool's nodes (default Linux). */
  osType?: OsType;
  /** Spot VMs (evictable); only where `cluster.allowSpot` is true. */
  spot?: boolean;
  /** Kubernetes node labels. */
  labels?: { [key: string]: string };
  /** Kubernetes node taints, e.g. workload=memory:NoSchedule. */
  taints?: string[];
}

/** The AKS cluster and its node pools. */
export interface PlatformStackCluster {
  /** Kubernetes version, MAJOR.MINOR or MAJOR.MINOR.PATCH. */
  kubernetesVersion: string;
  /** Control-plane tier: Standard has the uptime SLA (production); Premium adds long-term support. */
  tier: ClusterTier;
  /** Support plan (default KubernetesOfficial); AKSLongTermSupport needs the Premium tier. */
  supportPlan?: SupportPlan;
  /** Private API server (reachable only from the VNet). */
  privateCluster: boolean;
  /** Public API server only: the egress ranges allowed to reach it. */
  authorizedIpRanges?: string[];
  /** Disable local (certificate) accounts, so access goes through Entra ID only (default true). */
  disableLocalAccounts?: boolean;
  /** Entra ID group object IDs that get cluster-admin. */
  adminGroupObjectIds?: string[];
  /** Network policy engine (default cilium). */
  networkPolicy?: NetworkPolicy;
  /** Overlay pod CIDR (default 192.168.0.0/16). */
  podCidr?: string;
  /** Kubernetes service CIDR (default 172.16.0.0/16). */
  serviceCidr?: string;
  /** Cluster DNS service IP inside the service CIDR (default 172.16.0.10). */
  dnsServiceIp?: string;
  /** Cluster auto-upgrade channel (default patch). */
  upgradeChannel?: UpgradeChannel;
  /** Node OS image upgrade channel (default NodeImage). */
  nodeOsUpgradeChannel?: NodeOsUpgradeChannel;
  /** Weekly maintenance window for both upgrade channels. */
  maintenanceWindow: PlatformStackMaintenanceWindow;
  /** Log Analytics retention in days (30–730, default 30). */
  logRetentionDays?: number;
  /** Microsoft Defender for Containers (billed per vCore); on in prod. */
  defender?: boolean;
  /** Image Cleaner interval in hours (24–2160), 0 = off; default weekly. */
  imageCleanerIntervalHours?: number;
  /** Effect of the restricted pod-security initiative on the app namespaces: Audit (default) or Deny. */
  podSecurityPolicyEffect?: PodSecurityPolicyEffect;
  /** How the generated kubeconfig logs in (default azurecli). */
  kubeloginMode?: KubeloginMode;
  /** Allow spot user pools (dev only). */
  allowSpot?: boolean;
  /** The system pool. */
  systemPool: PlatformStackSystemPool;
  /** User pools. */
  userPools?: PlatformStackUserPool[];
}

/** The container registry. */
export interface PlatformStackRegistry {
  /** ACR SKU; private endpoints, zone redundancy and retention need Premium. */
  sku: RegistrySku;
  /** Disable public access and use a private endpoint (Premium). */
  privateEndpoint?: boolean;
  /** Zone-redundant registry (Premium). */
  zoneRedundancy?: boolean;
  /** Days to keep untagged manifests (Premium, 0–365); 0 disables the policy. */
  untaggedRetentionDays?: number;
}

/** The PostgreSQL flexible server. */
export interface PlatformStackPostgres {
  /** PostgreSQL major version (default "16"). */
  version?: PostgresVersion;
  /** Compute tier. */
  tier: PostgresTier;
  /** Compute SKU matching the tier, e.g. Standard_B1ms or Standard_D4ds_v5. */
  skuName: string;
  /** Storage in GiB; one of the sizes the service offers. */
  storageSizeGb: number;
  /** Zone-redundant high availability (not on Burstable). */
  highAvailability?: boolean;
  /** Geo-redundant backups. */
  geoRedundantBackup?: boolean;
  /** Backup retention in days (7–35, default 7). */
  backupRetentionDays?: number;
  /** Application databases to create (default ["app"]). */
  databases?: string[];
}

/** Redis. */
export interface PlatformStackRedis {
  /** managed = Azure Managed Redis (default); classic = Azure Cache for Redis Premium. */
  kind?: RedisKind;
  /** SKU: Azure Managed Redis (e.g. Balanced_B1) or classic Premium (P1–P5). */
  sku: string;
  /** High availability (replication), default true. */
  highAvailability?: boolean;
  /** Azure Managed Redis persistence (default None). */
  persistence?: RedisPersistence;
}

/** Key Vault. */
export interface PlatformStackKeyVault {
  /** Vault SKU (default standard). */
  sku?: KeyVaultSku;
  /** Soft-delete retention in days (7–90, default 90). */
  softDeleteRetentionDays?: number;
  /** Reach the vault through a private endpoint only (default true). */
  privateEndpoint?: boolean;
}

/** Sizing of one app on top of the environment's profile; every field is optional. */
export interface PlatformStackAppSizing {
  /** Replicas; the HPA's minimum when maxReplicas is larger. */
  replicas?: number;
  /** HPA maximum; equal to replicas turns the HPA off. */
  maxReplicas?: number;
  /** Target average CPU utilisation of the HPA, in percent of the request. */
  targetCpuUtilization?: number;
  /** CPU request, e.g. 100m. */
  cpuRequest?: string;
  /** CPU limit, e.g. 500m. */
  cpuLimit?: string;
  /** Memory request, e.g. 128Mi. */
  memoryRequest?: string;
  /** Memory limit, e.g. 256Mi. */
  memoryLimit?: string;
  /** preferred = ScheduleAnyway across zones; required = DoNotSchedule. */
  zoneSpread?: ZoneSpread;
  /** Log level of the app. */
  logLevel?: LogLevel;
  /** Extra plain environment variables (never secrets). */
  env?: { [name: string]: string };
  /** agent only: AGENT_CONCURRENCY (1–16). */
  concurrency?: number;
  /** agent only: queue lag one replica is sized for (KEDA on jobs_queue_lag; 1–10000, default 20). */
  queueLagPerReplica?: number;
  /** AKS node pool to run on. */
  nodePool?: string;
  /** Canary release (api, frontend): the current source as a second track with `weight` percent of the traffic. */
  canary?: PlatformStackCanary;
}

/** A canary release of one app. */
export interface PlatformStackCanary {
  /** Tag of the canary image (built from the current source). */
  imageTag: string;
  /** Percent of the traffic for the canary track (0–100). */
  weight: number;
}

/** Gateway (Traefik) sizing on top of the environment's preset. */
export interface PlatformStackGateway {
  /** Replicas (prod: at least 3). */
  replicas?: number;
  /** preferred or required zone spread (prod: required). */
  zoneSpread?: ZoneSpread;
  /** CPU request, e.g. 250m. */
  cpuRequest?: string;
  /** CPU limit, e.g. 1. */
  cpuLimit?: string;
  /** Memory request, e.g. 128Mi. */
  memoryRequest?: string;
  /** Memory limit, e.g. 512Mi. */
  memoryLimit?: string;
  /** Node pool of the gateway pods. */
  nodePool?: string;
}

/** The WAF's rate limit per client IP. */
export interface PlatformStackRateLimit {
  /** Requests per window (10–100000). */
  requestsPerWindow?: number;
  /** Window in minutes: 1 or 5. */
  windowMinutes?: number;
}

/** Azure Front Door Premium. */
export interface PlatformStackFrontDoor {
  /** WAF mode (Prevention in prod). */
  wafMode?: WafMode;
  /** Rate limit per client IP. */
  rateLimit?: PlatformStackRateLimit;
  /** Seconds Front Door waits for the gateway (16–240). */
  originResponseTimeoutSeconds?: number;
}

/** The public edge: gateway and Front Door. */
export interface PlatformStackEdge {
  /** Gateway (Traefik) sizing. */
  gateway?: PlatformStackGateway;
  /** Front Door. */
  frontDoor?: PlatformStackFrontDoor;
}

/** Image digests (`sha256:<64 hex>`) per app, pushed to the stack's registry as `aks-platform/<app>`. */
export interface PlatformStackImageDigests {
  /** Digest of the api image. */
  api?: string;
  /** Digest of the agent image. */
  agent?: string;
  /** Digest of the frontend image. */
  frontend?: string;
}

/** The three apps. */
export interface PlatformStackApps {
  /** Image tag; default: the commit of the package's source checkout. */
  imageTag?: string;
  /** Per app, the digest of an image CI already built, scanned and pushed to the stack's registry; that app is not built. */
  imageDigests?: PlatformStackImageDigests;
  /** Custom domain on Front Door (managed certificate); default: the Front Door endpoint host. */
  host?: string;
  /** Existing Entra app registrations for sign-in; omitted, the component creates them. */
  auth?: PlatformStackAppAuth;
  /** Sizing of the api. */
  api?: PlatformStackAppSizing;
  /** Sizing of the agent. */
  agent?: PlatformStackAppSizing;
  /** Sizing of the frontend. */
  frontend?: PlatformStackAppSizing;
}

/** Existing app registrations for sign-in (stack config `apps.auth`). */
export interface PlatformStackAppAuth {
  /** Application (client) id of the api registration (v2.0 tokens, scope exposed). */
  apiClientId: string;
  /** Application (client) id of the single-page app registration. */
  spaClientId: string;
  /** The api scope the SPA requests (default Jobs.ReadWrite). */
  scope?: string;
}

/** The optional in-VNet GitHub Actions runner. */
export interface PlatformStackOperationsRunner {
  /** Create the runner (default false). */
  enabled?: boolean;
  /** Repository the runner registers with, `owner/name`. */
  githubRepository: string;
  /** VM size of the runner instances (default Standard_D2ds_v5). */
  vmSize?: string;
  /** Runner instances (1–10, default 1). */
  instances?: number;
  /** SSH public key of the instances' admin user (ssh-ed25519, or ssh-rsa of 2048+ bits); required when enabled. Password sign-in is off. */
  adminSshPublicKey?: string;
  /** Refused (with a hint): the runner's GitHub token is written into the vault out of band (docs/setup.md step 6), never passed to the program. */
  githubToken?: string;
}

/** An alert e-mail receiver. */
export interface PlatformStackEmailReceiver {
  /** Receiver name, unique in the action group. */
  name: string;
  /** E-mail address. */
  emailAddress: string;
}

/** An alert webhook receiver. */
export interface PlatformStackWebhookReceiver {
  /** Receiver name, unique in the action group. */
  name: string;
  /** HTTPS URL (no tokens: it is plain config). */
  serviceUri: string;
}

/** Monitoring: managed Prometheus, Azure Managed Grafana and the alerts. */
export interface PlatformStackMonitoring {
  /** Stand up the monitoring stack (default true when the key is given). */
  enabled?: boolean;
  /** Entra groups of the platform team: their Grafana role on the instance. */
  platformTeamGroupObjectIds?: string[];
  /** Grafana role of the platform team (default Editor). */
  grafanaRole?: GrafanaRole;
  /** Zone-redundant Grafana (default false). */
  grafanaZoneRedundancy?: boolean;
  /** Who the alerts reach by e-mail. */
  emailReceivers?: PlatformStackEmailReceiver[];
  /** Webhooks the alerts are posted to. */
  webhookReceivers?: PlatformStackWebhookReceiver[];
  /** URL of docs/runbooks.md the alerts link to (default: the repository path docs/runbooks.md). */
  runbookBaseUrl?: string;
}

/** Arguments of {@link PlatformStack}: the stack configuration plus what the program would compute. */
export interface PlatformStackArgs {
  /** Environment name, used in names and tags (e.g. dev, prod). */
  environment: string;
  /** Azure region, e.g. westeurope. */
  location: string;
  /** Workload prefix for resource names (2–10 lowercase letters or digits). */
  prefix: string;
  /** Ownership tags. */
  tags: PlatformStackTags;
  /** VNet and subnets. */
  network: PlatformStackNetwork;
  /** Two or more regions (regional stamps behind one Front Door); absent: the stack's location only. */
  regions?: PlatformStackRegion[];
  /** The region Front Door prefers (origin priority 1); default the primary. */
  activeRegion?: string;
  /** AKS cluster and node pools. */
  cluster: PlatformStackCluster;
  /** Container registry. */
  registry: PlatformStackRegistry;
  /** PostgreSQL flexible server. */
  postgres: PlatformStackPostgres;
  /** Redis. */
  redis: PlatformStackRedis;
  /** Key Vault. */
  keyVault?: PlatformStackKeyVault;
  /** The three apps. */
  apps: PlatformStackApps;
  /** The public edge: gateway and Front Door. */
  edge?: PlatformStackEdge;
  /** Monitoring: managed Prometheus, Grafana, alerts (off when left out). */
  monitoring?: PlatformStackMonitoring;
  /** Protect the database, cache and vault from delete and replacement. */
  protectStatefulResources?: boolean;
  /** What `pulumi up` deploys: infrastructure (Azure only, the first phase) or full (default). */
  phase?: DeployPhase;
  /** Optional in-VNet GitHub Actions runner. */
  operationsRunner?: PlatformStackOperationsRunner;
  /** Who runs `pulumi up`: ServicePrincipal (CI, default) or User (a workstation). */
  deployerPrincipalType?: DeployerPrincipalType;
  /** Suffix that makes global names unique; default: derived from the consumer's organization/project/stack. */
  uniqueSuffix?: string;
  /** Directory holding `apps/` (the images' build context); default: this package's source checkout. */
  contextDirectory?: string;
}

/** The fields of {@link PlatformStackArgs} that are not stack configuration. */
export const CONTEXT_ARG_KEYS = ['uniqueSuffix', 'contextDirectory'] as const;
/** The stack-configuration part of {@link PlatformStackArgs}. */
export type PlatformStackConfigArgs = Omit<PlatformStackArgs, (typeof CONTEXT_ARG_KEYS)[number]>;

/** One app's Helm release, as an output. */
export interface PlatformStackRelease {
  /** Namespace the release lives in. */
  namespace: string;
  /** Helm release status, e.g. deployed. */
  status: string;
  /** Helm release revision. */
  revision: number;
}

/** The source checkout this package runs from (the repository root). */
const PACKAGE_ROOT = path.resolve(__dirname, '..');

/** Thrown (as a resource error) when the args break a schema rule; names every bad field. */
function argsError(name: string, err: ConfigValidationError): string {
  const count = err.problems.length;
  return (
    `Invalid PlatformStack "${name}" arguments (${count} problem${count === 1 ? '' : 's'}):\n` +
    err.problems.map((p) => `  - ${p.key.replace(/^aks-platform:/, '')}: ${p.message}`).join('\n')
  );
}

/**
 * The whole platform (network, registry, AKS, PostgreSQL, Redis, Key Vault,
 * the three images and Helm releases) from plain stack-configuration values.
 */
export class PlatformStack extends pulumi.ComponentResource {
  /** Environment name. */
  public readonly environment: pulumi.Output<string>;
  /** Azure region. */
  public readonly location: pulumi.Output<string>;
  /** Resource group holding the platform. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** VNet resource ID. */
  public readonly vnetId: pulumi.Output<string>;
  /** Container registry name. */
  public readonly registryName: pulumi.Output<string>;
  /** Container registry login server. */
  public readonly registryLoginServer: pulumi.Output<string>;
  /** AKS cluster name. */
  public readonly clusterName: pulumi.Output<string>;
  /** Private API server FQDN (private clusters). */
  public readonly clusterPrivateFqdn: pulumi.Output<string | undefined>;
  /** OIDC issuer URL for workload identity. */
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  /** AKS node resource group. */
  public readonly nodeResourceGroup: pulumi.Output<string>;
  /** Kubeconfig (kubelogin exec); a secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** PostgreSQL server FQDN. */
  public readonly postgresFqdn: pulumi.Output<string>;
  /** First application database. */
  public readonly postgresDatabase: pulumi.Output<string>;
  /** PostgreSQL Entra administrator (the migration identity; password authentication is off). */
  public readonly postgresEntraAdmin: pulumi.Output<string>;
  /** Redis host name. */
  public readonly redisHost: pulumi.Output<string>;
  /** Redis TLS port. */
  public readonly redisPort: pulumi.Output<number>;
  /** Key Vault URI. */
  public readonly keyVaultUri: pulumi.Output<string>;
  /** Key Vault name. */
  public readonly keyVaultName: pulumi.Output<string>;
  /** Client ID of each workload identity (api, agent, migrate). */
  public readonly appIdentityClientIds: pulumi.Output<{ [role: string]: string }>;
  /** Image tag of this deployment. */
  public readonly imageTag: pulumi.Output<string>;
  /** Digest-pinned image reference per app. */
  public readonly images: pulumi.Output<{ [app: string]: string }>;
  /** Helm release per app. */
  public readonly releases: pulumi.Output<{ [app: string]: PlatformStackRelease }>;
  /** The public URL (Front Door). */
  public readonly publicUrl: pulumi.Output<string | undefined>;
  /** Front Door's endpoint host (`*.azurefd.net`). */
  public readonly frontDoorEndpointHost: pulumi.Output<string | undefined>;
  /** Where the apps answer: `apps.host` when set, else the Front Door endpoint host. */
  public readonly ingressHost: pulumi.Output<string | undefined>;
  /** URL of Azure Managed Grafana (with `monitoring`). */
  public readonly grafanaEndpoint: pulumi.Output<string | undefined>;
  /** ARM ID of the Azure Monitor workspace (with `monitoring`). */
  public readonly monitorWorkspaceId: pulumi.Output<string | undefined>;

  constructor(name: string, args: PlatformStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:PlatformStack', name, {}, opts);

    const { uniqueSuffix, contextDirectory, ...values } = args;
    let cfg;
    try {
      // The same schema as the program's stack config: defaults, ranges, cross-field rules.
      cfg = parseStackConfig(values as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ConfigValidationError) throw new pulumi.ResourceError(argsError(name, err), this, true);
      throw err;
    }
    const sourceDir = contextDirectory ?? PACKAGE_ROOT;
    const git = readGitSource(sourceDir);
    let imageTag: string;
    try {
      imageTag = resolveImageTag({ configuredTag: cfg.apps.imageTag, git });
    } catch (err) {
      throw new pulumi.ResourceError(`PlatformStack "${name}": ${(err as Error).message}`, this, true);
    }

    const platform = new Platform(
      `${cfg.prefix}-${cfg.environment}`,
      platformArgsFromConfig(cfg, {
        uniqueSuffix: uniqueSuffix ?? uniqueSuffixFor(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`),
        imageTag,
        sourceDateEpoch: git?.commitTime,
        contextDirectory: sourceDir,
      }),
      { parent: this },
    );

    const out = stackOutputs(cfg, platform, imageTag);
    this.environment = pulumi.output(out.environment);
    this.location = pulumi.output(out.location);
    this.resourceGroupName = out.resourceGroupName;
    this.vnetId = out.vnetId;
    this.registryName = out.registryName;
    this.registryLoginServer = out.registryLoginServer;
    this.clusterName = out.clusterName;
    this.clusterPrivateFqdn = out.clusterPrivateFqdn;
    this.oidcIssuerUrl = out.oidcIssuerUrl;
    this.nodeResourceGroup = out.nodeResourceGroup;
    this.kubeconfig = out.kubeconfig;
    this.postgresFqdn = out.postgresFqdn;
    this.postgresDatabase = out.postgresDatabase;
    this.postgresEntraAdmin = out.postgresEntraAdmin;
    this.redisHost = out.redisHost;
    this.redisPort = out.redisPort;
    this.keyVaultUri = out.keyVaultUri;
    this.keyVaultName = out.keyVaultName;
    this.appIdentityClientIds = out.appIdentityClientIds.apply((ids) => ({ ...ids }) as { [role: string]: string });
    this.imageTag = pulumi.output(out.imageTag);
    this.images = pulumi.output(out.images);
    this.releases = pulumi.output(out.releases);
    this.publicUrl = pulumi.output(out.publicUrl);
    this.frontDoorEndpointHost = pulumi.output(out.frontDoorEndpointHost);
    this.ingressHost = pulumi.output(out.ingressHost);
    this.grafanaEndpoint = pulumi.output(out.grafanaEndpoint);
    this.monitorWorkspaceId = pulumi.output(out.monitorWorkspaceId);

    this.registerOutputs(out);
  }
}
