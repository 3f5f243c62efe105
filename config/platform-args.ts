/**
 * Maps the validated stack configuration to the {@link PlatformArgs} of one
 * `new Platform(...)`. Pure: what a stack deploys is decided here and in the
 * stack's YAML, nowhere else.
 */
import type { PlatformArgs } from '../components/platform';
import type { LocalPlatformArgs } from '../components/local-platform';
import { appEnvironmentFor } from '../lib/app-values';
import { AppName } from '../lib/app-profiles';
import { CanaryConfig } from '../lib/edge';
import { NameParts } from '../lib/naming';
import { standardTags } from '../lib/tags';
import type { LocalStackConfig, StackConfig } from './schema';
import type { Clock } from '../lib/aks-versions';

/** What the program knows besides the config: the stack's identity and the source tree. */
export interface PlatformContext {
  /** Short suffix that makes global names unique (see lib/naming.ts `uniqueSuffixFor`). */
  uniqueSuffix: string;
  /** Image tag: `apps.imageTag` or the git commit. */
  imageTag: string;
  /** Commit time (seconds since the epoch) for reproducible image builds. */
  sourceDateEpoch?: number;
  /** Directory holding `apps/` (the images' build context). */
  contextDirectory: string;
  /** The clock the AKS version calendar is read with (default the system clock). */
  clock?: Clock;
}

/** One region's network block as the platform takes it. */
function networkArgsOf(network: StackConfig['network']): PlatformArgs['network'] {
  return {
    addressSpace: network.vnetCidr,
    subnets: network.subnets,
    // The schema requires the subnet when enabled.
    egressFirewall: network.egressFirewall.enabled ? { subnet: network.egressFirewall.subnet!, sku: network.egressFirewall.sku } : undefined,
  };
}

export function platformArgsFromConfig(cfg: StackConfig, context: PlatformContext): PlatformArgs {
  const naming: NameParts = { prefix: cfg.prefix, environment: cfg.environment, location: cfg.location, uniqueSuffix: context.uniqueSuffix };
  const c = cfg.cluster;
  return {
    naming,
    tags: standardTags({ environment: cfg.environment, team: cfg.tags.team, service: cfg.tags.service, costCenter: cfg.tags.costCenter, extra: cfg.tags.extra }),
    network: networkArgsOf(cfg.network),
    regions: cfg.regions?.map((r) => ({
      location: r.location,
      role: r.role,
      network: r.network ? networkArgsOf(r.network) : undefined,
      cluster: r.cluster,
    })),
    activeRegion: cfg.activeRegion,
    registry: {
      sku: cfg.registry.sku,
      privateEndpoint: cfg.registry.privateEndpoint,
      zoneRedundancy: cfg.registry.zoneRedundancy,
      untaggedRetentionDays: cfg.registry.untaggedRetentionDays > 0 ? cfg.registry.untaggedRetentionDays : undefined,
    },
    cluster: {
      kubernetesVersion: c.kubernetesVersion,
      tier: c.tier,
      supportPlan: c.supportPlan,
      clock: context.clock,
      systemPool: c.systemPool,
      userPools: c.userPools,
      allowSpot: c.allowSpot,
      network: { podCidr: c.podCidr, serviceCidr: c.serviceCidr, dnsServiceIp: c.dnsServiceIp, policy: c.networkPolicy },
      privateCluster: c.privateCluster,
      authorizedIpRanges: c.privateCluster ? undefined : c.authorizedIpRanges,
      adminGroupObjectIds: c.adminGroupObjectIds,
      disableLocalAccounts: c.disableLocalAccounts,
      upgrade: {
        channel: c.upgradeChannel,
        nodeOsChannel: c.nodeOsUpgradeChannel,
        window: c.maintenanceWindow,
      },
      logRetentionDays: c.logRetentionDays,
      kubeloginMode: c.kubeloginMode,
      defender: c.defender,
      imageCleanerIntervalHours: c.imageCleanerIntervalHours > 0 ? c.imageCleanerIntervalHours : undefined,
    },
    postgres: {
      version: cfg.postgres.version,
      skuName: cfg.postgres.skuName,
      skuTier: cfg.postgres.tier,
      storageSizeGb: cfg.postgres.storageSizeGb,
      backupRetentionDays: cfg.postgres.backupRetentionDays,
      geoRedundantBackup: cfg.postgres.geoRedundantBackup,
      highAvailability: cfg.postgres.highAvailability ? 'ZoneRedundant' : 'Disabled',
      databases: cfg.postgres.databases,
    },
    redis: { kind: cfg.redis.kind, sku: cfg.redis.sku, highAvailability: cfg.redis.highAvailability, persistence: cfg.redis.kind === 'managed' ? cfg.redis.persistence : undefined },
    keyVault: { sku: cfg.keyVault.sku, softDeleteRetentionDays: cfg.keyVault.softDeleteRetentionDays, privateEndpoint: cfg.keyVault.privateEndpoint },
    // The infrastructure phase deploys the Azure side only: no images, no Kubernetes resources.
    apps: cfg.phase === 'infrastructure' ? undefined : {
      environment: appEnvironmentFor(cfg.environment),
      imageTag: context.imageTag,
      sourceDateEpoch: context.sourceDateEpoch,
      prebuiltDigests: cfg.apps.imageDigests,
      sizing: { api: sizingOf(cfg.apps.api), agent: sizingOf(cfg.apps.agent), frontend: sizingOf(cfg.apps.frontend) },
      canary: canariesOf(cfg.apps),
      contextDirectory: context.contextDirectory,
      auth: cfg.apps.auth,
    },
    // The edge (gateway release, Private Link origin) is Kubernetes-side: it comes with the workload in the full phase.
    edge: cfg.phase === 'infrastructure' ? undefined : {
      gateway: cfg.edge.gateway,
      frontDoor: {
        wafMode: cfg.edge.frontDoor.wafMode,
        rateLimit: { requestsPerWindow: cfg.edge.frontDoor.rateLimit.requestsPerWindow, windowMinutes: cfg.edge.frontDoor.rateLimit.windowMinutes as 1 | 5 },
        customDomain: cfg.apps.host ? { hostName: cfg.apps.host } : undefined,
        originResponseTimeoutSeconds: cfg.edge.frontDoor.originResponseTimeoutSeconds,
      },
    },
    operationsRunner:
      cfg.operationsRunner?.enabled && cfg.operationsRunner.adminSshPublicKey !== undefined
        ? {
            githubRepository: cfg.operationsRunner.githubRepository,
            vmSize: cfg.operationsRunner.vmSize,
            instances: cfg.operationsRunner.instances,
            adminSshPublicKey: cfg.operationsRunner.adminSshPublicKey,
          }
        : undefined,
    monitoring: cfg.monitoring.enabled
      ? {
          platformTeamGroupObjectIds: cfg.monitoring.platformTeamGroupObjectIds,
          grafanaRole: cfg.monitoring.grafanaRole,
          grafanaZoneRedundancy: cfg.monitoring.grafanaZoneRedundancy,
          emailReceivers: cfg.monitoring.emailReceivers,
          webhookReceivers: cfg.monitoring.webhookReceivers,
          runbookBaseUrl: cfg.monitoring.runbookBaseUrl,
        }
      : undefined,
    protectStatefulResources: cfg.protectStatefulResources,
    podSecurityPolicyEffect: c.podSecurityPolicyEffect,
    deployerPrincipalType: cfg.deployerPrincipalType,
  };
}

/** An app's sizing override: its settings without the canary block. */
function sizingOf(settings: StackConfig['apps']['api']) {
  const { canary: _canary, ...sizing } = settings;
  return sizing;
}

/** The canary blocks by app (`apps.<app>.canary`). */
function canariesOf(apps: StackConfig['apps']): Partial<Record<AppName, CanaryConfig>> | undefined {
  const entries = (['api', 'agent', 'frontend'] as const).flatMap((app) => (apps[app].canary ? [[app, apps[app].canary!] as const] : []));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * Maps a validated `local` stack configuration to the {@link LocalPlatformArgs} of one
 * `new LocalPlatform(...)`: the apps on the dev profile, the ownership tags as labels.
 */
export function localPlatformArgsFromConfig(cfg: LocalStackConfig, context: Omit<PlatformContext, 'uniqueSuffix'>): LocalPlatformArgs {
  const tags = standardTags({ environment: cfg.environment, team: cfg.tags.team, service: cfg.tags.service, costCenter: cfg.tags.costCenter, extra: cfg.tags.extra });
  // Tags whose value is not a valid Kubernetes label value stay off the labels (they are Azure tags).
  const labels = Object.fromEntries(Object.entries(tags).filter(([, v]) => /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) && v.length <= 63));
  return {
    kubeContext: cfg.local.kubeContext,
    registry: cfg.local.registry,
    labels: { ...labels, 'app.kubernetes.io/part-of': 'aks-platform' },
    postgres: cfg.local.postgres,
    redis: cfg.local.redis,
    gateway: cfg.local.gateway,
    apps: {
      imageTag: context.imageTag,
      sourceDateEpoch: context.sourceDateEpoch,
      sizing: { api: sizingOf(cfg.apps.api), agent: sizingOf(cfg.apps.agent), frontend: sizingOf(cfg.apps.frontend) },
      contextDirectory: context.contextDirectory,
    },
  };
}
