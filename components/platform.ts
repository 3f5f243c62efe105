import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as resources from '@pulumi/azure-native/resources';
import { AzureComponentArgs } from '../lib/component-args';
import { NameParts, resourceName } from '../lib/naming';
import { SUBNET_ROLE_QUALIFIERS, SubnetRole } from '../lib/network';
import { AppName, APP_NAMES } from '../lib/app-profiles';
import { AppEnvironment, AppSizingOverride } from '../lib/app-values';
import { CanaryConfig, GatewaySizing, WafMode, canaryWeightProblem, edgeNames, privateLinkServiceId } from '../lib/edge';
import { DigestResolver, resolveImageDigest } from '../lib/registry-digest';
import { RedisKind } from '../lib/data-services';
import { APP_KEY_VAULT_SECRETS, AZURE_POSTGRES_ROOTS_PATH, AppIdentityRole, MIGRATING_APP, agentQueueLagQuery, appServiceAccounts } from '../lib/app-identities';
import { AppIdentities } from './app-identities';
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
import { FirewallSku, registryEgressFqdns } from '../lib/egress';
import { PostgresDatabase, PostgresDatabaseArgs } from './postgres-database';
import { AlertEmailReceiver, AlertWebhookReceiver, PrometheusAlerts } from './prometheus-alerts';
import { RedisCache, RedisCacheArgs } from './redis-cache';
import { PlatformGuardrails } from './platform-guardrails';
import { DIAGNOSTIC_LOGS, PodSecurityEffect, podSecurityAssignmentName } from '../lib/guardrails';
import { defaultAppNamespaces } from '../lib/app-values';
import { OperationsRunner, OperationsRunnerArgs } from './operations-runner';
import { RUNNER_TOKEN_SECRET } from '../lib/operations-runner';

/** Arguments every child takes from the platform itself, so the sections below leave them out. */
type Wired = keyof AzureComponentArgs | 'tenantId' | 'privateEndpoint' | 'protect';

/** The `privatelink.*` DNS zone of each private-link service. */
export const PRIVATE_DNS_ZONES = {
  registry: 'privatelink.azurecr.io',
  keyVault: 'privatelink.vaultcore.azure.net',
  postgres: 'privatelink.postgres.database.azure.com',
  redisManaged: 'privatelink.redis.azure.net',
  redisClassic: 'privatelink.redis.cache.windows.net',
} as const;

/** The private DNS zones a platform needs: one per service that has a private endpoint. */
export function privateDnsZonesFor(options: { registryPrivate: boolean; keyVaultPrivate: boolean; redisKind: RedisKind }): string[] {
  return [
    ...(options.registryPrivate ? [PRIVATE_DNS_ZONES.registry] : []),
    ...(options.keyVaultPrivate ? [PRIVATE_DNS_ZONES.keyVault] : []),
    PRIVATE_DNS_ZONES.postgres,
    options.redisKind === 'classic' ? PRIVATE_DNS_ZONES.redisClassic : PRIVATE_DNS_ZONES.redisManaged,
  ];
}

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
  /** Container registry; `privateEndpoint: true` makes it private (Premium). */
  registry: Omit<ContainerRegistryArgs, Wired> & { privateEndpoint?: boolean };
  /** AKS cluster and node pools (the node subnet, tenant and registry are wired in). */
  cluster: Omit<AksClusterArgs, Wired | 'nodeSubnetId' | 'registryId' | 'deployerObjectId' | 'deployerPrincipalType'>;
  /** PostgreSQL flexible server (always behind a private endpoint; Entra only, the migration identity its administrator). */
  postgres: Omit<PostgresDatabaseArgs, Wired | 'entraAdministrator'>;
  /** Redis (always behind a private endpoint; Entra only, the api and agent identities assigned). */
  redis: Omit<RedisCacheArgs, Wired | 'accessPolicyAssignments'>;
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
   * Its GitHub token is stored in the Key Vault (through ARM) and read by the
   * runner's managed identity. Leave out for no runner.
   */
  operationsRunner?: PlatformOperationsRunnerArgs;
}

/** Restricted egress of the nodes through an Azure Firewall (components/egress-firewall.ts). */
export interface PlatformEgressFirewallArgs {
  /** Address range of the `AzureFirewallSubnet`: a /26 or larger inside the VNet. */
  subnet: string;
  /** Firewall SKU tier: `Standard` (default) or `Premium`. */
  sku?: FirewallSku;
}

/** The operations runner of a platform. */
export interface PlatformOperationsRunnerArgs extends Pick<OperationsRunnerArgs, 'githubRepository' | 'vmSize' | 'instances'> {
  /** GitHub token that may create runner registration tokens (kept secret; stored as the Key Vault secret `github-runner-token`). */
  githubToken: pulumi.Input<string>;
}

/**
 * A complete environment: resource group, network, registry, AKS, PostgreSQL,
 * Redis, Key Vault with the apps' secrets and workload identity, and (with
 * `apps`) the three images and their Helm releases.
 *
 * Each child waits only for what it uses: the registry, data services and
 * image builds proceed in parallel with the cluster; only the releases wait
 * for it.
 */
export class Platform extends pulumi.ComponentResource {
  /** The resource group. */
  public readonly resourceGroup: resources.ResourceGroup;
  /** The VNet, subnets, NSGs and private DNS zones. */
  public readonly network: Network;
  /** The nodes' egress firewall (only with `network.egressFirewall`). */
  public readonly egressFirewall?: EgressFirewall;
  /** The container registry. */
  public readonly registry: ContainerRegistry;
  /** The AKS cluster (and its Kubernetes provider). */
  public readonly cluster: AksCluster;
  /** The PostgreSQL flexible server. */
  public readonly postgres: PostgresDatabase;
  /** Redis. */
  public readonly redis: RedisCache;
  /** Key Vault (the operations runner's token; the data services hold no password or key). */
  public readonly keyVault: KeyVault;
  /** The workload identities: api, agent, the migration Job and (with monitoring) the KEDA operator. */
  public readonly identities: AppIdentities;
  /** The app images, by app. */
  public readonly images: Partial<Record<AppName, AppImage>> = {};
  /** The app releases, by app. */
  public readonly releases: Partial<Record<AppName, HelmApp>> = {};
  /** Client id of each workload identity (api, agent, migrate). */
  public readonly appIdentityClientIds: pulumi.Output<Record<AppIdentityRole, string>>;
  /** The Gateway API implementation (with `edge`). */
  public readonly gateway?: Gateway;
  /** Azure Front Door, the only public entry (with `edge`). */
  public readonly frontDoor?: FrontDoor;
  /** The public URL of the apps (with `edge`): `https://<Front Door host or custom domain>`. */
  public readonly publicUrl?: pulumi.Output<string>;
  /** Diagnostic settings of the data services and the pod-security policy assignment. */
  public readonly guardrails: PlatformGuardrails;
  /** The app registrations the platform created (with `apps` and without `apps.auth`). */
  public appRegistrations?: AppRegistrations;
  /** The in-VNet GitHub Actions runner (with `operationsRunner`). */
  public readonly operationsRunner?: OperationsRunner;
  /** Managed Prometheus: the Azure Monitor workspace and its data collection (with `monitoring`). */
  public readonly prometheus?: ManagedPrometheus;
  /** Azure Managed Grafana and the dashboards (with `monitoring`). */
  public readonly grafana?: ManagedGrafana;
  /** The action group and the Prometheus rule groups (with `monitoring`). */
  public readonly alerts?: PrometheusAlerts;

  private readonly naming: NameParts;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:Platform', name, {}, opts);
    const parent = { parent: this };
    const { naming, tags } = args;
    this.naming = naming;
    const location = naming.location;
    const protect = args.protectStatefulResources ?? false;
    const client = authorization.getClientConfigOutput(parent);

    this.resourceGroup = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: resourceName(naming, 'resourceGroup'), location, tags },
      parent,
    );
    const resourceGroupName = this.resourceGroup.name;
    const common = { naming, resourceGroupName, location, tags };

    this.network = new Network(
      `${name}-network`,
      {
        ...common,
        addressSpace: args.network.addressSpace,
        subnets: {
          nodes: { addressPrefix: args.network.subnets.nodes },
          privateEndpoints: { addressPrefix: args.network.subnets.privateEndpoints },
          operations: { addressPrefix: args.network.subnets.operations },
        },
        clusterPodCidr: args.cluster.network.podCidr,
        operationsNatGateway: args.operationsRunner !== undefined,
        firewallSubnetPrefix: args.network.egressFirewall?.subnet,
        privateDnsZones: privateDnsZonesFor({
          registryPrivate: args.registry.privateEndpoint === true,
          keyVaultPrivate: args.keyVault.privateEndpoint === true,
          redisKind: args.redis.kind ?? 'managed',
        }),
      },
      parent,
    );
    const placement = (zone: string) => ({
      subnetId: this.network.subnetIds.privateEndpoints,
      privateDnsZoneId: this.network.privateDnsZoneIds[zone],
    });

    const { privateEndpoint: registryPrivate, ...registry } = args.registry;
    this.registry = new ContainerRegistry(
      `${name}-registry`,
      { ...common, ...registry, privateEndpoint: registryPrivate ? placement(PRIVATE_DNS_ZONES.registry) : undefined },
      parent,
    );

    const egress = args.network.egressFirewall;
    if (egress) {
      this.egressFirewall = new EgressFirewall(
        `${name}-egress`,
        {
          ...common,
          firewallSubnetId: this.network.firewallSubnetId!,
          nodesRouteTableName: this.network.nodesRouteTable!.name,
          sourceAddresses: [args.network.subnets.nodes],
          sku: egress.sku,
          // A public registry is reached over the Internet: allow its endpoints (a private one resolves to its private endpoint).
          extraFqdns: registryPrivate
            ? []
            : pulumi.all([this.registry.loginServer, this.registry.name]).apply(([login, registryName]) => registryEgressFqdns(login, registryName, location)),
        },
        parent,
      );
    }

    this.cluster = new AksCluster(
      `${name}-aks`,
      {
        ...common,
        ...args.cluster,
        network: { ...args.cluster.network, vnetAddressSpaces: [args.network.addressSpace] },
        nodeSubnetId: this.network.subnetIds.nodes,
        vnetSubnets: [...Object.values(this.network.subnets), ...(this.network.firewallSubnet ? [this.network.firewallSubnet] : [])],
        tenantId: client.tenantId,
        deployerObjectId: client.objectId,
        deployerPrincipalType: args.deployerPrincipalType ?? 'ServicePrincipal',
        registryId: this.registry.registryId,
        managedPrometheus: args.monitoring !== undefined || args.cluster.managedPrometheus,
        egressRoute: this.egressFirewall?.defaultRoute,
      },
      parent,
    );

    if (args.monitoring) {
      const m = args.monitoring;
      const cluster = { clusterId: this.cluster.clusterId, clusterName: this.cluster.clusterName };
      this.prometheus = new ManagedPrometheus(`${name}-prometheus`, { ...common, ...cluster }, parent);
      this.grafana = new ManagedGrafana(
        `${name}-grafana`,
        {
          ...common,
          workspaceId: this.prometheus.workspaceId,
          platformTeamGroupObjectIds: m.platformTeamGroupObjectIds,
          platformTeamRole: m.grafanaRole,
          zoneRedundancy: m.grafanaZoneRedundancy,
          deployerObjectId: client.objectId,
          deployerPrincipalType: args.deployerPrincipalType ?? 'ServicePrincipal',
        },
        parent,
      );
      this.alerts = new PrometheusAlerts(
        `${name}-alerts`,
        { ...common, ...cluster, workspaceId: this.prometheus.workspaceId, emailReceivers: m.emailReceivers, webhookReceivers: m.webhookReceivers, runbookBaseUrl: m.runbookBaseUrl },
        parent,
      );
    }

    // One identity per workload, each federated with its own service account (lib/app-identities.ts).
    this.identities = new AppIdentities(
      `${name}-identities`,
      {
        ...common,
        oidcIssuerUrl: this.cluster.oidcIssuerUrl,
        serviceAccounts: appServiceAccounts(defaultAppNamespaces()),
        keda: this.prometheus ? { monitorWorkspaceId: this.prometheus.workspaceId } : undefined,
      },
      parent,
    );
    const ids = this.identities.identities;

    this.postgres = new PostgresDatabase(
      `${name}-postgres`,
      {
        ...common,
        ...args.postgres,
        tenantId: client.tenantId,
        // The schema owner: the migration Job's identity (it creates the apps' Entra login roles).
        entraAdministrator: { objectId: ids.migrate.principalId, principalName: ids.migrate.identityName, principalType: 'ServicePrincipal' },
        privateEndpoint: placement(PRIVATE_DNS_ZONES.postgres),
        protect,
      },
      parent,
    );

    const redisZone = (args.redis.kind ?? 'managed') === 'classic' ? PRIVATE_DNS_ZONES.redisClassic : PRIVATE_DNS_ZONES.redisManaged;
    this.redis = new RedisCache(
      `${name}-redis`,
      {
        ...common,
        ...args.redis,
        accessPolicyAssignments: [
          { name: 'api', objectId: ids.api.principalId },
          { name: 'agent', objectId: ids.agent.principalId },
        ],
        privateEndpoint: placement(redisZone),
        protect,
      },
      parent,
    );

    const { privateEndpoint: vaultPrivate, ...vault } = args.keyVault;
    this.keyVault = new KeyVault(
      `${name}-kv`,
      {
        ...common,
        ...vault,
        tenantId: client.tenantId,
        privateEndpoint: vaultPrivate ? placement(PRIVATE_DNS_ZONES.keyVault) : undefined,
        secrets: [...(args.operationsRunner ? [{ name: RUNNER_TOKEN_SECRET, value: pulumi.secret(args.operationsRunner.githubToken) }] : [])],
        deployerObjectId: client.objectId,
        deployerPrincipalType: args.deployerPrincipalType ?? 'ServicePrincipal',
        // Each app reads only the secrets it mounts, each through its own assignment (none today: Entra for both data services).
        secretReaders: (['api', 'agent'] as const).map((app) => ({ name: app, principalId: ids[app].principalId, secrets: [...APP_KEY_VAULT_SECRETS[app]] })),
        protect,
      },
      parent,
    );
    // Data-service logs to Log Analytics, and the restricted pod-security initiative on the cluster.
    this.guardrails = new PlatformGuardrails(
      `${name}-guardrails`,
      {
        workspaceId: this.cluster.workspaceId,
        diagnostics: [
          { name: 'kv', resourceId: this.keyVault.vaultId, logs: DIAGNOSTIC_LOGS.keyVault },
          { name: 'acr', resourceId: this.registry.registryId, logs: DIAGNOSTIC_LOGS.registry },
          { name: 'postgres', resourceId: this.postgres.serverId, logs: DIAGNOSTIC_LOGS.postgres },
          {
            name: 'redis',
            // Azure Managed Redis logs on its database; classic Redis on the cache.
            resourceId: (args.redis.kind ?? 'managed') === 'managed' ? pulumi.interpolate`${this.redis.id}/databases/default` : this.redis.id,
            logs: DIAGNOSTIC_LOGS.redis,
          },
        ],
        clusterId: this.cluster.clusterId,
        podSecurityNamespaces: Object.values(defaultAppNamespaces()),
        podSecurityEffect: args.podSecurityPolicyEffect ?? 'Audit',
        policyAssignmentName: podSecurityAssignmentName(resourceName(naming, 'kubernetesCluster')),
      },
      parent,
    );

    this.appIdentityClientIds = this.identities.clientIds;

    if (args.operationsRunner) {
      const { githubToken: _token, ...runner } = args.operationsRunner;
      this.operationsRunner = new OperationsRunner(
        `${name}-runner`,
        {
          ...common,
          ...runner,
          subnetId: this.network.subnetIds.operations,
          labels: [`aks-platform-${naming.environment}`],
          keyVaultId: this.keyVault.vaultId,
          keyVaultName: this.keyVault.vaultName,
          tokenSecretName: RUNNER_TOKEN_SECRET,
        },
        // The token secret must exist before an instance boots and reads it.
        { parent: this, dependsOn: [this.keyVault] },
      );
    }

    if (args.edge && !args.apps) throw new pulumi.ResourceError('edge needs apps: the gateway and Front Door serve the apps', this);
    if (args.apps && args.edge) {
      const edge = this.deployEdge(name, args, client.subscriptionId);
      this.gateway = edge.gateway;
      this.frontDoor = edge.frontDoor;
      this.publicUrl = edge.frontDoor.publicUrl;
      this.deployApps(name, args.apps, args.network.subnets.privateEndpoints, client.tenantId, args.cluster, client.objectId, edge);
    } else if (args.apps) {
      this.deployApps(name, args.apps, args.network.subnets.privateEndpoints, client.tenantId, args.cluster, client.objectId);
    }

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
   * The gateway (Traefik, internal load balancer + Private Link Service) and Front
   * Door in front of it. The Private Link Service is created by the AKS cloud
   * controller for the gateway's Service, under a name the program chooses, so its
   * id is known before it exists; Front Door's origin waits for the gateway release
   * (which waits for the load balancer), and the program approves the connection.
   */
  private deployEdge(name: string, args: PlatformArgs, subscriptionId: pulumi.Output<string>): { gateway: Gateway; frontDoor: FrontDoor } {
    const edge = args.edge!;
    const names = edgeNames(args.naming);
    const { nodePool, ...gatewaySizing } = edge.gateway ?? {};
    const gateway = new Gateway(
      `${name}-gateway`,
      {
        provider: this.cluster.provider,
        environment: args.apps!.environment,
        sizing: gatewaySizing,
        azure: {
          internalLoadBalancer: true,
          privateLinkService: { name: names.privateLinkService, subnetName: resourceName(args.naming, 'subnet', SUBNET_ROLE_QUALIFIERS.nodes) },
        },
        nodeSelector: nodePool ? { 'kubernetes.azure.com/agentpool': nodePool } : undefined,
        trustedForwarderCidrs: [args.network.subnets.nodes],
      },
      { parent: this },
    );
    const plsId = pulumi
      .all([subscriptionId, this.cluster.nodeResourceGroup, gateway.status])
      .apply(([sub, nodeRg]) => privateLinkServiceId(sub, nodeRg, names.privateLinkService));
    const frontDoor = new FrontDoor(
      `${name}-edge`,
      {
        naming: args.naming,
        resourceGroupName: this.resourceGroup.name,
        tags: args.tags,
        wafMode: edge.frontDoor.wafMode,
        rateLimit: edge.frontDoor.rateLimit,
        customDomain: edge.frontDoor.customDomain,
        originResponseTimeoutSeconds: edge.frontDoor.originResponseTimeoutSeconds,
        origin: { privateLinkServiceId: plsId, privateLinkLocation: args.naming.location },
      },
      { parent: this, dependsOn: [gateway] },
    );
    return { gateway, frontDoor };
  }

  /**
   * What the image pushes wait for: the registry and, when it is private, its
   * private endpoint's DNS record and the zone's VNet link (lib/create-order.ts).
   */
  public imagePushWaits(): pulumi.Resource[] {
    return [...this.registry.readyForClients, ...this.dnsLinksFor(this.registry.privateLink ? [PRIVATE_DNS_ZONES.registry] : [])];
  }

  /**
   * What one app's release waits for, besides its image: everything any workload on
   * the cluster needs (cluster, kubelet AcrPull, the deployer's propagated
   * cluster-admin), the node pool(s) its pods may run on, the registry's private
   * DNS, and for the api and agent the data services' private DNS, the vault's
   * secrets, DNS and per-secret roles, the workload identities' federated
   * credentials, PostgreSQL's Entra administrator and Redis's access policy
   * assignments.
   */
  public releaseWaits(app: AppName, nodePool: string | undefined): pulumi.Resource[] {
    const pools = nodePool === undefined ? Object.values(this.cluster.nodePools) : [this.cluster.nodePools[nodePool]];
    if (pools.some((p) => p === undefined)) {
      throw new pulumi.ResourceError(`apps.${app}.nodePool: "${nodePool}" is not a node pool of the cluster; pools: ${Object.keys(this.cluster.nodePools).join(', ')}`, this);
    }
    const base = [...this.cluster.readyForWorkloads, ...pools, ...this.imagePushWaits()];
    if (app === 'frontend') return base;
    const zones = Object.keys(this.network.privateDnsZoneLinks);
    return [
      ...base,
      ...this.keyVault.readyForWorkloads,
      ...this.identities.federatedCredentials,
      ...this.postgres.readyForClients,
      ...this.redis.readyForClients,
      ...this.dnsLinksFor(zones),
    ];
  }

  private dnsLinksFor(zones: string[]): pulumi.Resource[] {
    return zones.map((zone) => this.network.privateDnsZoneLinks[zone]).filter((link): link is NonNullable<typeof link> => link !== undefined);
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

  /** Images (registry only) and releases (cluster, data services, vault; with an edge, the gateway). */
  private deployApps(
    name: string,
    apps: PlatformAppsArgs,
    dataSubnetCidr: string,
    tenantId: pulumi.Output<string>,
    cluster: PlatformArgs['cluster'],
    deployerObjectId: pulumi.Output<string>,
    edge?: { gateway: Gateway; frontDoor: FrontDoor },
  ): void {
    const auth = apps.auth
      ? pulumi.output({ tenantId, ...apps.auth })
      : this.createAppRegistrations(name, tenantId, deployerObjectId, edge?.frontDoor.publicUrl);
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
    const database = this.postgres.databaseNames.apply((names) => names[0]);
    const ids = this.identities.identities;
    const login = (role: 'api' | 'agent') => pulumi.all([ids[role].identityName, ids[role].principalId]).apply(([n, objectId]) => [{ name: n, objectId }]);
    const migrations = pulumi
      .all([ids.migrate.identityName, ids.migrate.clientId, login('api'), login('agent')])
      .apply(([user, identityClientId, apiLogins, agentLogins]) => ({ user, identityClientId, apiLogins, agentLogins }));
    const kedaIdentity = this.identities.keda;
    const queueScaling =
      this.prometheus && kedaIdentity
        ? pulumi
            .all([this.prometheus.queryEndpoint, kedaIdentity.clientId, this.cluster.clusterName])
            .apply(([serverAddress, identityClientId, clusterName]) => ({ serverAddress, identityClientId, query: agentQueueLagQuery(clusterName, defaultAppNamespaces().api) }))
        : undefined;
    // The frontend's nginx resolves the api's Service when it starts, and the api's
    // migration Job creates the agent's database role, so the api release goes first.
    const order: AppName[] = ['api', 'agent', 'frontend'];
    for (const app of order) {
      this.releases[app] = new HelmApp(
        `${name}-${app}`,
        {
          app,
          environment: apps.environment,
          sizing: apps.sizing?.[app],
          provider: this.cluster.provider,
          imageRef: stableImageRefs[app] ?? this.images[app]!.imageRef,
          canary: canaryImageRefs[app] ? { imageRef: canaryImageRefs[app]!, weight: apps.canary![app]!.weight } : undefined,
          registryLoginServer: this.registry.loginServer,
          tenantId,
          identityClientId: app === 'frontend' ? undefined : ids[app].clientId,
          keyVaultName: this.keyVault.vaultName,
          // Entra only: the app's own principal, its token as the password, the server verified against the Azure roots.
          postgres: app === 'frontend' ? undefined : {
            host: this.postgres.fqdn,
            port: this.postgres.port,
            database,
            user: ids[app].identityName,
            sslMode: 'verify-full',
            auth: 'entra',
            sslRootCert: AZURE_POSTGRES_ROOTS_PATH,
          },
          redis: app === 'frontend' ? undefined : { host: this.redis.hostName, port: this.redis.port, auth: 'entra', username: ids[app].principalId },
          migrations: app === MIGRATING_APP ? migrations : undefined,
          queueScaling: app === 'agent' ? queueScaling : undefined,
          dataSubnetCidr,
          gateway: edge?.gateway.appGateway,
          publicOrigin: edge?.frontDoor.publicUrl,
          auth: app === 'agent' ? undefined : auth,
          nodePoolTaints: taintsOfPool(cluster, apps.sizing?.[app]?.nodePool),
          podMonitor: this.prometheus !== undefined,
        },
        {
          parent: this,
          // The api's release runs the migrations, which create the agent's login role: the agent goes after it.
          dependsOn: [...this.releaseWaits(app, apps.sizing?.[app]?.nodePool), ...(app !== 'api' && this.releases.api ? [this.releases.api] : []), ...(edge && app !== 'agent' ? [edge.gateway] : [])],
        },
      );
    }
  }
}

/** A tag when it is a plain string now (an Output is compared later by the registry lookup). */
function knownTag(tag: pulumi.Input<string>): string | undefined {
  return typeof tag === 'string' ? tag : undefined;
}
