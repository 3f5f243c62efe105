import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as resources from '@pulumi/azure-native/resources';
import { AzureComponentArgs } from '../lib/component-args';
import { NameParts, regionShortName, resourceName } from '../lib/naming';
import { SubnetRole } from '../lib/network';
import { AppName, APP_NAMES } from '../lib/app-profiles';
import { AppEnvironment, AppSizingOverride, defaultAppNamespaces } from '../lib/app-values';
import { CanaryConfig, GatewaySizing, WafMode, canaryWeightProblem } from '../lib/edge';
import { DigestResolver, resolveImageDigest } from '../lib/registry-digest';
import { AZURE_POSTGRES_ROOTS_PATH, MIGRATING_APP, agentQueueLagQuery } from '../lib/app-identities';
import { AppAuthConfig, appRegistrationNames } from '../lib/app-auth';
import { AksCluster, AksClusterArgs } from './aks-cluster';
import { AppRegistrations } from './app-registrations';
import { poolTaints } from '../lib/aks';
import { AppImage } from './app-image';
import { ContainerRegistry, ContainerRegistryArgs } from './container-registry';
import { FrontDoor } from './front-door';
import { Gateway } from './gateway';
import { HelmApp } from './helm-app';
import { GrafanaRole } from '../lib/monitoring';
import { KeyVault, KeyVaultArgs } from './key-vault';
import { ManagedGrafana } from './managed-grafana';
import { ManagedPrometheus } from './managed-prometheus';
import { Network } from './network';
import { EgressFirewall } from './egress-firewall';
import { FirewallSku } from '../lib/egress';
import { PostgresDatabase, PostgresDatabaseArgs } from './postgres-database';
import { AlertEmailReceiver, AlertWebhookReceiver, PrometheusAlerts } from './prometheus-alerts';
import { RedisCache, RedisCacheArgs } from './redis-cache';
import { PlatformGuardrails } from './platform-guardrails';
import { PodSecurityEffect } from '../lib/guardrails';
import { OperationsRunner, OperationsRunnerArgs } from './operations-runner';
import { RegionalStamp } from './regional-stamp';
import { RegionRole, originPriority, redisSupportsGeoReplication, stampName } from '../lib/regions';

/** Arguments every child takes from the platform itself, so the sections below leave them out. */
type Wired = keyof AzureComponentArgs | 'tenantId' | 'privateEndpoint' | 'protect';

/** The taints of the pool an app is pinned to (empty when not pinned or the pool is unknown). */
export function taintsOfPool(cluster: Pick<AksClusterArgs, 'systemPool' | 'userPools'>, nodePool: string | undefined): string[] {
  if (nodePool === undefined) return [];
  if (nodePool === cluster.systemPool.name) return poolTaints(cluster.systemPool, 'System', cluster.systemPool.onlyCriticalAddons);
  const pool = (cluster.userPools ?? []).find((p) => p.name === nodePool);
  return pool ? poolTaints(pool, 'User') : [];
}

/** Builds and deploys the three apps onto the cluster. */
export interface PlatformAppsArgs {
  /** Sizing profile the apps start from (`dev`: single replica; `prod`: ≥ 3 replicas, HPA, PDB, zone spread). */
  environment: AppEnvironment;
  /** Image tag (e.g. the git commit). */
  imageTag: pulumi.Input<string>;
  /** Build timestamp for reproducible images (the commit time, seconds since the epoch). */
  sourceDateEpoch?: pulumi.Input<number>;
  /**
   * Per app, the digest of the image CI built, scanned and pushed to this platform's registry
   * (`aks-platform/<app>`): that app is not built, its release runs exactly that digest.
   */
  prebuiltDigests?: Partial<Record<AppName, string>>;
  /** Per-app sizing on top of the profile. */
  sizing?: Partial<Record<AppName, AppSizingOverride>>;
  /**
   * Canary releases by app (api, frontend): the current source is built as the canary
   * (tagged `imageTag`) and gets `weight` percent of the route's traffic; the stable
   * track keeps the registry's image tagged with the stable `imageTag` above.
   */
  canary?: Partial<Record<AppName, CanaryConfig>>;
  /** Reads a stable image's digest from the registry (default: the ACR API); injectable for tests. */
  resolveDigest?: DigestResolver;
  /** Repository root that holds `apps/` (the images' build context); default this package's root. */
  contextDirectory?: string;
  /**
   * Existing Entra app registrations for sign-in. Without them the platform creates an api
   * and a SPA registration (owned by the deploying principal). Sign-in cannot be turned off.
   */
  auth?: AppAuthConfig;
}

/** Monitoring: managed Prometheus, Azure Managed Grafana with the dashboards, and the alerts. */
export interface PlatformMonitoringArgs {
  /** Entra groups of the platform team; they get {@link grafanaRole} on Grafana. */
  platformTeamGroupObjectIds: string[];
  /** Grafana role of the platform team: `Admin`, `Editor` (default) or `Viewer`. */
  grafanaRole?: GrafanaRole;
  /** Zone-redundant Grafana (production). */
  grafanaZoneRedundancy?: boolean;
  /** Who the alerts reach by e-mail. */
  emailReceivers?: AlertEmailReceiver[];
  /** Webhooks the alerts are posted to. */
  webhookReceivers?: AlertWebhookReceiver[];
  /** URL of docs/runbooks.md that the alerts' `runbook_url` annotations point into. */
  runbookBaseUrl: string;
}

/** The public edge: the gateway in the cluster and Azure Front Door Premium in front of it. */
export interface PlatformEdgeArgs {
  /** Gateway sizing on top of the environment's preset (lib/edge.ts GATEWAY_SIZING). */
  gateway?: Partial<GatewaySizing> & { nodePool?: string };
  /** Front Door: WAF mode (Prevention in prod), rate limit, optional custom domain, origin timeout. */
  frontDoor: {
    wafMode: WafMode;
    rateLimit?: { requestsPerWindow: number; windowMinutes: 1 | 5 };
    customDomain?: { hostName: string };
    originResponseTimeoutSeconds?: number;
  };
}

/** Arguments of {@link Platform}: one environment, from one object. */
export interface PlatformArgs {
  /** Naming parts for every resource (prefix, environment, region, unique suffix). */
  naming: NameParts;
  /** Tags for every resource (the five required tags, see lib/tags.ts `standardTags`). */
  tags: Record<string, string>;
  /** VNet address space and the subnets (nodes, private endpoints, operations). */
  network: { addressSpace: string; subnets: Record<SubnetRole, string>; egressFirewall?: PlatformEgressFirewallArgs };
  /**
   * Two or more regions, each a {@link RegionalStamp} behind the one Front Door. The region at
   * `naming.location` (the home region) uses `network` and `cluster` above and shares the global
   * layer's resource group; the others bring their own network. Leave out for one region.
   */
  regions?: PlatformRegionArgs[];
  /** The region Front Door prefers (origin priority 1, the others 2); default the primary. */
  activeRegion?: string;
  /** Container registry; `privateEndpoint: true` makes it private (Premium). */
  registry: Omit<ContainerRegistryArgs, Wired> & { privateEndpoint?: boolean };
  /** AKS cluster and node pools (the node subnet, tenant and registry are wired in). */
  cluster: Omit<AksClusterArgs, Wired | 'nodeSubnetId' | 'registryId' | 'deployerObjectId' | 'deployerPrincipalType'>;
  /** PostgreSQL flexible server (always behind a private endpoint; Entra only, the migration identity its administrator). */
  postgres: Omit<PostgresDatabaseArgs, Wired | 'replicaOf' | 'entraAdministrator'>;
  /** Redis (always behind a private endpoint; Entra only, the api and agent identities assigned); with two regions and a SKU that has it, an active geo-replication group. */
  redis: Omit<RedisCacheArgs, Wired | 'geoReplication' | 'accessPolicyAssignments'>;
  /** Key Vault for the remaining secrets (per-secret reader roles); `privateEndpoint: true` makes it private. */
  keyVault: Omit<KeyVaultArgs, Wired | 'secrets' | 'secretReaders' | 'deployerObjectId' | 'deployerPrincipalType'> & { privateEndpoint?: boolean };
  /** The apps: images and Helm releases. Leave out to stand up the platform only. */
  apps?: PlatformAppsArgs;
  /** The public edge (gateway + Front Door); needs `apps`. */
  edge?: PlatformEdgeArgs;
  /** Monitoring (managed Prometheus, Grafana, alerts); leave out for none. */
  monitoring?: PlatformMonitoringArgs;
  /** Protect the stateful resources (database, cache, vault) from deletion and replacement. */
  protectStatefulResources?: boolean;
  /**
   * Effect of the restricted pod-security initiative assigned to the cluster (app namespaces):
   * `Audit` (default) reports, `Deny` blocks at admission.
   */
  podSecurityPolicyEffect?: PodSecurityEffect;
  /**
   * Kind of the principal that runs `pulumi up` (it gets cluster-admin and Key
   * Vault Secrets Officer): `ServicePrincipal` for CI (default), `User` on a workstation.
   */
  deployerPrincipalType?: 'User' | 'ServicePrincipal';
  /**
   * An in-VNet GitHub Actions runner in the `operations` subnet (with a NAT
   * gateway for its outbound traffic), labelled `aks-platform-<environment>`.
   * Its GitHub token is written into the Key Vault out of band (docs/setup.md)
   * and read by the runner's managed identity. Leave out for no runner.
   */
  operationsRunner?: PlatformOperationsRunnerArgs;
}

/** One region of a multi-region platform. */
export interface PlatformRegionArgs {
  /** Azure region. */
  location: string;
  /** `primary`: the writable PostgreSQL server; `standby`: a cross-region read replica of it, the apps read-only. */
  role: RegionRole;
  /** The region's VNet (not for the home region, which uses the platform's `network`). */
  network?: PlatformArgs['network'];
  /** The region's node pools, when they differ from the platform's `cluster`. */
  cluster?: Partial<Pick<PlatformArgs['cluster'], 'systemPool' | 'userPools'>>;
}

/** Restricted egress of the nodes through an Azure Firewall (components/egress-firewall.ts). */
export interface PlatformEgressFirewallArgs {
  /** Address range of the `AzureFirewallSubnet`: a /26 or larger inside the VNet. */
  subnet: string;
  /** Firewall SKU tier: `Standard` (default) or `Premium`. */
  sku?: FirewallSku;
}

/**
 * The operations runner of a platform. Its GitHub token is not an argument: an
 * operator writes it into the platform's vault as `github-runner-token`, out of
 * band (docs/setup.md step 6), so it is never in the stack config or the state.
 */
export type PlatformOperationsRunnerArgs = Pick<OperationsRunnerArgs, 'githubRepository' | 'vmSize' | 'instances' | 'adminSshPublicKey'>;

/**
 * A complete environment: the global layer (resource group, registry, app
 * registrations, Grafana, Front Door and its WAF, the images) and one
 * {@link RegionalStamp} per region (network, cluster, gateway, data services,
 * vault, the region's monitoring) with the apps' Helm releases on its cluster.
 *
 * Each child waits only for what it uses: the registry, data services and
 * image builds proceed in parallel with the cluster; only the releases wait
 * for it.
 */
export class Platform extends pulumi.ComponentResource {
  /** The resource group of the global layer and of the first region's stamp. */
  public readonly resourceGroup: resources.ResourceGroup;
  /** The regional stamps, the first region's first. */
  public readonly stamps: RegionalStamp[];
  /** The first region's stamp (the stack's `location`). */
  public readonly home: RegionalStamp;
  /** The first region's VNet, subnets, NSGs and private DNS zones. */
  public readonly network: Network;
  /** The first region's egress firewall (only with `network.egressFirewall`). */
  public readonly egressFirewall?: EgressFirewall;
  /** The container registry. */
  public readonly registry: ContainerRegistry;
  /** The first region's AKS cluster (and its Kubernetes provider). */
  public readonly cluster: AksCluster;
  /** The first region's PostgreSQL flexible server. */
  public readonly postgres: PostgresDatabase;
  /** The first region's Redis. */
  public readonly redis: RedisCache;
  /** The first region's Key Vault (the operations runner's token; the data services hold no password or key). */
  public readonly keyVault: KeyVault;
  /** The app images, by app. */
  public readonly images: Partial<Record<AppName, AppImage>> = {};
  /** The first region's app releases, by app. */
  public readonly releases: Partial<Record<AppName, HelmApp>> = {};
  /** Every region's app releases, by location, then app. */
  public readonly regionReleases: Record<string, Partial<Record<AppName, HelmApp>>> = {};
  /** Client id of each workload identity (api, agent, migrate) in the first region. */
  public readonly appIdentityClientIds: pulumi.Output<Record<'api' | 'agent' | 'migrate', string>>;
  /** The first region's Gateway API implementation (with `edge`). */
  public readonly gateway?: Gateway;
  /** Azure Front Door, the only public entry (with `edge`). */
  public readonly frontDoor?: FrontDoor;
  /** The public URL of the apps (with `edge`): `https://<Front Door host or custom domain>`. */
  public readonly publicUrl?: pulumi.Output<string>;
  /** The first region's diagnostic settings of the data services and pod-security policy assignment. */
  public readonly guardrails: PlatformGuardrails;
  /** The app registrations the platform created (with `apps` and without `apps.auth`). */
  public appRegistrations?: AppRegistrations;
  /** The first region's in-VNet GitHub Actions runner (with `operationsRunner`). */
  public readonly operationsRunner?: OperationsRunner;
  /** The first region's managed Prometheus (with `monitoring`). */
  public readonly prometheus?: ManagedPrometheus;
  /** Azure Managed Grafana and the dashboards (with `monitoring`). */
  public readonly grafana?: ManagedGrafana;
  /** The first region's action group and Prometheus rule groups (with `monitoring`). */
  public readonly alerts?: PrometheusAlerts;

  private readonly naming: NameParts;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:Platform', name, {}, opts);
    const parent = { parent: this };
    const { naming, tags } = args;
    this.naming = naming;
    const location = naming.location;
    const client = authorization.getClientConfigOutput(parent);

    // The global layer's resource group; the first region's stamp shares it.
    this.resourceGroup = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: resourceName(naming, 'resourceGroup'), location, tags },
      parent,
    );
    const resourceGroupName = this.resourceGroup.name;
    const common = { naming, resourceGroupName, location, tags };

    const { privateEndpoint: registryPrivate, ...registry } = args.registry;
    const regionList: PlatformRegionArgs[] = args.regions ?? [{ location, role: 'primary' }];
    // One registry, replicated to every other region.
    const replicaLocations = regionList.map((r) => r.location).filter((l) => l !== location);
    this.registry = new ContainerRegistry(
      `${name}-registry`,
      { ...common, ...registry, privateNetworkOnly: registryPrivate === true, ...(replicaLocations.length > 0 ? { replicaLocations } : {}) },
      parent,
    );

    if (args.edge && !args.apps) throw new pulumi.ResourceError('edge needs apps: the gateway and Front Door serve the apps', this);
    const { nodePool: gatewayNodePool, ...gatewaySizing } = args.edge?.gateway ?? {};
    const primaryRegion = regionList.find((r) => r.role === 'primary');
    if (!primaryRegion || regionList.filter((r) => r.role === 'primary').length !== 1) {
      throw new pulumi.ResourceError(`regions: exactly one region has role primary; got ${regionList.map((r) => `${r.location} (${r.role})`).join(', ')}`, this);
    }
    if (!regionList.some((r) => r.location === location)) {
      throw new pulumi.ResourceError(`regions: the platform's location "${location}" must be one of the regions (it holds the global layer)`, this);
    }
    const redisGeo = regionList.length > 1 && redisSupportsGeoReplication(args.redis.kind ?? 'managed', String(args.redis.sku ?? ''));
    // The primary's stamp first: a standby's database replicates from it.
    const ordered = [primaryRegion, ...regionList.filter((r) => r !== primaryRegion)];
    const built = new Map<string, StampRegion>();
    for (const region of ordered) {
      const isHome = region.location === location;
      const network = isHome ? args.network : region.network;
      if (!network) throw new pulumi.ResourceError(`regions: "${region.location}" needs its own network`, this);
      const cluster = { ...args.cluster, ...(region.cluster ?? {}) };
      const primaryStamp = built.get(primaryRegion.location)?.stamp;
      const stampNameOf = stampName(name, region.location, location);
      const stamp = new RegionalStamp(
        stampNameOf,
        {
          naming: { ...naming, location: region.location },
          tags,
          // The home region shares the global layer's group; the others get their own.
          resourceGroupName: isHome ? resourceGroupName : undefined,
          tenantId: client.tenantId,
          subscriptionId: client.subscriptionId,
          deployerObjectId: client.objectId,
          deployerPrincipalType: args.deployerPrincipalType,
          network,
          registry: {
            registryId: this.registry.registryId,
            loginServer: this.registry.loginServer,
            name: this.registry.name,
            private: registryPrivate === true,
            diagnostics: isHome,
            legacyEndpointParent: isHome ? this.registry : undefined,
          },
          cluster,
          postgres:
            region.role === 'standby' && primaryStamp
              ? {
                  ...args.postgres,
                  // A replica has no zone-redundant HA nor backups of its own (it is promoted to get them).
                  highAvailability: 'Disabled',
                  geoRedundantBackup: false,
                  replicaOf: { sourceServerId: primaryStamp.postgres.serverId },
                }
              : args.postgres,
          redis: redisGeo ? { ...args.redis, geoReplication: { groupNickname: `${naming.prefix}-${naming.environment}`, locations: regionList.map((r) => r.location) } } : args.redis,
          keyVault: args.keyVault,
          gateway: args.apps && args.edge ? { environment: args.apps.environment, sizing: gatewaySizing, nodePool: gatewayNodePool } : undefined,
          monitoring: args.monitoring
            ? { emailReceivers: args.monitoring.emailReceivers, webhookReceivers: args.monitoring.webhookReceivers, runbookBaseUrl: args.monitoring.runbookBaseUrl }
            : undefined,
          operationsRunner: args.operationsRunner
            ? { ...args.operationsRunner, labels: [isHome ? `aks-platform-${naming.environment}` : `aks-platform-${naming.environment}-${region.location}`] }
            : undefined,
          protectStatefulResources: args.protectStatefulResources,
          podSecurityPolicyEffect: args.podSecurityPolicyEffect,
          legacyParent: isHome ? this : undefined,
        },
        parent,
      );
      built.set(region.location, { stamp, name: stampNameOf, role: region.role, network, cluster });
    }
    // Home first, then the configured order.
    const regions = [location, ...regionList.map((r) => r.location).filter((l) => l !== location)].map((l) => built.get(l)!);
    const home = regions[0].stamp;
    this.home = home;
    this.stamps = regions.map((r) => r.stamp);
    this.network = home.network;
    this.egressFirewall = home.egressFirewall;
    this.cluster = home.cluster;
    this.postgres = home.postgres;
    this.redis = home.redis;
    this.keyVault = home.keyVault;
    this.guardrails = home.guardrails;
    this.operationsRunner = home.operationsRunner;
    this.prometheus = home.prometheus;
    this.alerts = home.alerts;
    this.appIdentityClientIds = home.appIdentityClientIds;
    this.gateway = home.gateway;

    if (args.monitoring && home.prometheus) {
      const m = args.monitoring;
      this.grafana = new ManagedGrafana(
        `${name}-grafana`,
        {
          ...common,
          workspaceId: home.prometheus.workspaceId,
          platformTeamGroupObjectIds: m.platformTeamGroupObjectIds,
          platformTeamRole: m.grafanaRole,
          zoneRedundancy: m.grafanaZoneRedundancy,
          deployerObjectId: client.objectId,
          deployerPrincipalType: args.deployerPrincipalType ?? 'ServicePrincipal',
        },
        parent,
      );
    }

    if (args.apps && args.edge) {
      this.frontDoor = this.deployFrontDoor(name, args, regions, args.activeRegion ?? primaryRegion.location);
      this.publicUrl = this.frontDoor.publicUrl;
    }
    if (args.apps) this.deployApps(name, args.apps, regions, client.tenantId, client.objectId);

    this.registerOutputs({
      resourceGroupName,
      registryLoginServer: this.registry.loginServer,
      clusterName: this.cluster.clusterName,
      postgresFqdn: this.postgres.fqdn,
      redisHost: this.redis.hostName,
      keyVaultUri: this.keyVault.vaultUri,
      appIdentityClientIds: this.appIdentityClientIds,
      publicUrl: this.publicUrl,
      grafanaEndpoint: this.grafana?.endpoint,
      monitorWorkspaceId: this.prometheus?.workspaceId,
    });
  }

  /**
   * Front Door in front of the regions' gateways, reached over their Private Link Services: one
   * origin group, one origin per region, priority 1 for the active region and 2 for the others
   * (Front Door sends to the lowest priority among the healthy origins).
   */
  private deployFrontDoor(name: string, args: PlatformArgs, regions: StampRegion[], activeRegion: string): FrontDoor {
    const edge = args.edge!;
    const [home, ...others] = regions;
    const origin = (r: StampRegion) => ({
      privateLinkServiceId: r.stamp.privateLinkServiceId!,
      privateLinkLocation: r.stamp.location,
      priority: originPriority(r.stamp.location, activeRegion),
    });
    return new FrontDoor(
      `${name}-edge`,
      {
        naming: args.naming,
        resourceGroupName: this.resourceGroup.name,
        tags: args.tags,
        wafMode: edge.frontDoor.wafMode,
        rateLimit: edge.frontDoor.rateLimit,
        customDomain: edge.frontDoor.customDomain,
        originResponseTimeoutSeconds: edge.frontDoor.originResponseTimeoutSeconds,
        origin: origin(home),
        regionOrigins: others.map((r) => ({ ...origin(r), key: regionShortName(r.stamp.location) })),
      },
      { parent: this, dependsOn: regions.map((r) => r.stamp.gateway!) },
    );
  }

  /**
   * What the image pushes wait for: the registry and, when it is private, the first
   * region's private endpoint to it (DNS record and the zone's VNet link): the deploy
   * runs in that region's VNet (lib/create-order.ts).
   */
  public imagePushWaits(): pulumi.Resource[] {
    return [...this.registry.readyForClients, ...this.home.registryReady()];
  }

  /** The api and SPA registrations, redirecting to the public origin of the apps. */
  private createAppRegistrations(name: string, tenantId: pulumi.Output<string>, deployerObjectId: pulumi.Output<string>, publicOrigin?: pulumi.Output<string>) {
    this.appRegistrations = new AppRegistrations(
      `${name}-auth`,
      {
        displayNames: appRegistrationNames(this.naming.prefix, this.naming.environment),
        // The SPA signs in on its public origin: Front Door's URL (or the custom domain).
        spaOrigins: publicOrigin ? [publicOrigin] : [],
        owners: [deployerObjectId],
      },
      { parent: this },
    );
    const registrations = this.appRegistrations;
    return pulumi.all([tenantId, registrations.apiClientId, registrations.spaClientId]).apply(([t, apiClientId, spaClientId]) => ({
      tenantId: t,
      apiClientId,
      spaClientId,
      scope: registrations.scope,
    }));
  }

  /** Images (global: one registry) and, per region, the releases (its cluster, data services, vault; with an edge, its gateway). */
  private deployApps(
    name: string,
    apps: PlatformAppsArgs,
    regions: StampRegion[],
    tenantId: pulumi.Output<string>,
    deployerObjectId: pulumi.Output<string>,
  ): void {
    const edge = this.frontDoor;
    const auth = apps.auth ? pulumi.output({ tenantId, ...apps.auth }) : this.createAppRegistrations(name, tenantId, deployerObjectId, edge?.publicUrl);
    const canaryImageRefs: Partial<Record<AppName, pulumi.Output<string>>> = {};
    const stableImageRefs: Partial<Record<AppName, pulumi.Output<string>>> = {};
    for (const app of APP_NAMES) {
      const canary = apps.canary?.[app];
      if (canary) {
        const problems = [canaryWeightProblem(canary.weight, `apps.canary.${app}.weight`)];
        if (app === 'agent') problems.push('apps.canary.agent: the agent has no route to split; canary releases apply to the api and the frontend');
        if (canary.imageTag === knownTag(apps.imageTag)) problems.push(`apps.canary.${app}.imageTag: "${canary.imageTag}" is the stable tag; a canary runs another image`);
        if (!edge) problems.push(`apps.canary.${app}: a canary splits the gateway's routes; it needs edge`);
        const found = problems.filter((p): p is string => p !== undefined);
        if (found.length > 0) throw new pulumi.ResourceError(`invalid canary:\n  - ${found.join('\n  - ')}`, this);
      }
      this.images[app] = new AppImage(
        `${name}-${app}-image`,
        {
          app,
          registryLoginServer: this.registry.loginServer,
          // With a canary, this source tree is the canary.
          tag: canary ? canary.imageTag : apps.imageTag,
          sourceDateEpoch: apps.sourceDateEpoch,
          prebuiltDigest: apps.prebuiltDigests?.[app],
          tenantId,
          contextDirectory: apps.contextDirectory,
        },
        // A push to a private registry needs its private DNS record first.
        { parent: this, dependsOn: this.imagePushWaits() },
      );
      if (canary) {
        const image = this.images[app]!;
        const token = image.registryRefreshToken;
        if (!token) throw new pulumi.ResourceError(`apps.canary.${app}: the canary is the source the program builds; remove apps.imageDigests.${app} (a prebuilt digest) for a canary release`, this);
        const resolve = apps.resolveDigest ?? resolveImageDigest;
        canaryImageRefs[app] = image.imageRef;
        stableImageRefs[app] = pulumi
          .all([this.registry.loginServer, image.repository, apps.imageTag, token])
          .apply(async ([loginServer, repository, tag, refreshToken]) => `${loginServer}/${repository}@${await resolve({ loginServer, repository, tag, refreshToken })}`);
      }
    }
    // The primary goes first: a standby's replica has no Entra administrator and runs no migration
    // Job; its login roles replicate from the primary, whose api release's Job creates them.
    let primaryApi: HelmApp | undefined;
    for (const region of [...regions].sort((a, b) => Number(a.role === 'standby') - Number(b.role === 'standby'))) {
      const { stamp } = region;
      const releases: Partial<Record<AppName, HelmApp>> = {};
      const database = stamp.postgres.databaseNames.apply((names) => names[0]);
      const ids = stamp.identities.identities;
      // Every region's api and agent log in to the primary's server or its replica (which has the
      // primary's roles): the primary's migration Job creates all their login roles.
      const login = (role: 'api' | 'agent') =>
        pulumi
          .all(regions.map((r) => pulumi.all([r.stamp.identities.identities[role].identityName, r.stamp.identities.identities[role].principalId])))
          .apply((pairs) => pairs.map(([n, objectId]) => ({ name: n, objectId })));
      const migrations = pulumi
        .all([ids.migrate.identityName, ids.migrate.clientId, login('api'), login('agent')])
        .apply(([user, identityClientId, apiLogins, agentLogins]) => ({ user, identityClientId, apiLogins, agentLogins }));
      const kedaIdentity = stamp.identities.keda;
      const queueScaling =
        stamp.prometheus && kedaIdentity
          ? pulumi
              .all([stamp.prometheus.queryEndpoint, kedaIdentity.clientId, stamp.cluster.clusterName])
              .apply(([serverAddress, identityClientId, clusterName]) => ({ serverAddress, identityClientId, query: agentQueueLagQuery(clusterName, defaultAppNamespaces().api) }))
          : undefined;
      // The frontend's nginx resolves the api's Service when it starts, and the api's
      // migration Job creates the agent's database role, so the api release goes first.
      const order: AppName[] = ['api', 'agent', 'frontend'];
      for (const app of order) {
        const gateway = edge ? stamp.gateway : undefined;
        releases[app] = new HelmApp(
          `${region.name}-${app}`,
          {
            app,
            environment: apps.environment,
            sizing: apps.sizing?.[app],
            provider: stamp.cluster.provider,
            imageRef: stableImageRefs[app] ?? this.images[app]!.imageRef,
            canary: canaryImageRefs[app] ? { imageRef: canaryImageRefs[app]!, weight: apps.canary![app]!.weight } : undefined,
            registryLoginServer: this.registry.loginServer,
            tenantId,
            // The region's own identities, vault and data services: Entra only, the app's own principal,
            // its token as the password, the server verified against the Azure roots.
            identityClientId: app === 'frontend' ? undefined : ids[app].clientId,
            keyVaultName: stamp.keyVault.vaultName,
            postgres:
              app === 'frontend'
                ? undefined
                : { host: stamp.postgres.fqdn, port: stamp.postgres.port, database, user: ids[app].identityName, sslMode: 'verify-full', auth: 'entra', sslRootCert: AZURE_POSTGRES_ROOTS_PATH },
            redis: app === 'frontend' ? undefined : { host: stamp.redis.hostName, port: stamp.redis.port, auth: 'entra', username: ids[app].principalId },
            // The primary's Job creates every region's login roles; a standby's replica has them (and runs no Job).
            migrations: app === MIGRATING_APP && region.role !== 'standby' ? migrations : undefined,
            queueScaling: app === 'agent' ? queueScaling : undefined,
            dataSubnetCidr: region.network.subnets.privateEndpoints,
            gateway: gateway?.appGateway,
            publicOrigin: edge?.publicUrl,
            auth: app === 'agent' ? undefined : auth,
            nodePoolTaints: taintsOfPool(region.cluster, apps.sizing?.[app]?.nodePool),
            podMonitor: stamp.prometheus !== undefined,
            // A standby region's apps are read-only until its database is promoted.
            readOnly: region.role === 'standby' ? true : undefined,
          },
          {
            parent: this,
            dependsOn: [
              ...this.registry.readyForClients,
              ...stamp.releaseWaits(app, apps.sizing?.[app]?.nodePool),
              ...(app !== 'api' && releases.api ? [releases.api] : []),
              ...(region.role === 'standby' && app !== 'frontend' && primaryApi ? [primaryApi] : []),
              ...(gateway && app !== 'agent' ? [gateway] : []),
            ],
          },
        );
      }
      if (region.role !== 'standby') primaryApi ??= releases.api;
      this.regionReleases[stamp.location] = releases;
    }
    Object.assign(this.releases, this.regionReleases[this.home.location]);
  }
}

/** One region as the platform deploys it: its stamp, the Pulumi name prefix of its releases, and its settings. */
interface StampRegion {
  stamp: RegionalStamp;
  name: string;
  role: RegionRole;
  network: PlatformArgs['network'];
  cluster: PlatformArgs['cluster'];
}

/** A tag when it is a plain string now (an Output is compared later by the registry lookup). */
function knownTag(tag: pulumi.Input<string>): string | undefined {
  return typeof tag === 'string' ? tag : undefined;
}
