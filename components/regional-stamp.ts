import * as pulumi from '@pulumi/pulumi';
import * as resources from '@pulumi/azure-native/resources';
import { NameParts, globalResourceName, resourceName } from '../lib/naming';
import { SUBNET_ROLE_QUALIFIERS, SubnetRole } from '../lib/network';
import { AppName } from '../lib/app-profiles';
import { AppEnvironment } from '../lib/app-values';
import { GatewaySizing, edgeNames, privateLinkServiceId } from '../lib/edge';
import { RedisKind } from '../lib/data-services';
import { APP_KEY_VAULT_SECRETS, appServiceAccounts } from '../lib/app-identities';
import { AppIdentities } from './app-identities';
import { FirewallSku, registryEgressFqdns } from '../lib/egress';
import { DIAGNOSTIC_LOGS, PodSecurityEffect, podSecurityAssignmentName } from '../lib/guardrails';
import { defaultAppNamespaces } from '../lib/app-values';
import { RUNNER_TOKEN_SECRET } from '../lib/operations-runner';
import { AksCluster, AksClusterArgs } from './aks-cluster';
import { EgressFirewall } from './egress-firewall';
import { Gateway } from './gateway';
import { KeyVault, KeyVaultArgs } from './key-vault';
import { ManagedPrometheus } from './managed-prometheus';
import { Network } from './network';
import { OperationsRunner, OperationsRunnerArgs } from './operations-runner';
import { PlatformGuardrails } from './platform-guardrails';
import { PostgresDatabase, PostgresDatabaseArgs } from './postgres-database';
import { PrivateLink } from './private-link';
import { AlertEmailReceiver, AlertWebhookReceiver, PrometheusAlerts } from './prometheus-alerts';
import { RedisCache, RedisCacheArgs } from './redis-cache';

/** The `privatelink.*` DNS zone of each private-link service. */
export const PRIVATE_DNS_ZONES = {
  registry: 'privatelink.azurecr.io',
  keyVault: 'privatelink.vaultcore.azure.net',
  postgres: 'privatelink.postgres.database.azure.com',
  redisManaged: 'privatelink.redis.azure.net',
  redisClassic: 'privatelink.redis.cache.windows.net',
} as const;

/** The private DNS zones a region needs: one per service that has a private endpoint. */
export function privateDnsZonesFor(options: { registryPrivate: boolean; keyVaultPrivate: boolean; redisKind: RedisKind }): string[] {
  return [
    ...(options.registryPrivate ? [PRIVATE_DNS_ZONES.registry] : []),
    ...(options.keyVaultPrivate ? [PRIVATE_DNS_ZONES.keyVault] : []),
    PRIVATE_DNS_ZONES.postgres,
    options.redisKind === 'classic' ? PRIVATE_DNS_ZONES.redisClassic : PRIVATE_DNS_ZONES.redisManaged,
  ];
}

/** Arguments every stamp child takes from the stamp itself, so the sections below leave them out. */
type Wired = 'naming' | 'resourceGroupName' | 'location' | 'tags' | 'tenantId' | 'privateEndpoint' | 'protect';

/** Restricted egress of one region's nodes through an Azure Firewall (components/egress-firewall.ts). */
export interface StampEgressFirewallArgs {
  /** Address range of the `AzureFirewallSubnet`: a /26 or larger inside the VNet. */
  subnet: string;
  /** Firewall SKU tier: `Standard` (default) or `Premium`. */
  sku?: FirewallSku;
}

/** One region's network: VNet address space, the subnets, and optionally the egress firewall. */
export interface StampNetworkArgs {
  /** VNet address space in CIDR notation; must not overlap another region's. */
  addressSpace: string;
  /** The subnets (nodes, private endpoints, operations), inside the address space. */
  subnets: Record<SubnetRole, string>;
  /** Route the nodes' egress through an Azure Firewall; leave out for none. */
  egressFirewall?: StampEgressFirewallArgs;
}

/** The shared registry as a region sees it (the registry itself is global; see {@link Platform}). */
export interface StampRegistryArgs {
  /** ARM ID of the registry (scope of the kubelet's AcrPull). */
  registryId: pulumi.Input<string>;
  /** Login server, e.g. `craksplatprodweuabc123.azurecr.io`. */
  loginServer: pulumi.Input<string>;
  /** Azure name of the registry. */
  name: pulumi.Input<string>;
  /** The registry is private: this region gets its own private endpoint to it (in the region's VNet). */
  private: boolean;
  /** Send the registry's logs to this region's Log Analytics workspace (one region does; default false). */
  diagnostics?: boolean;
  /**
   * The registry component, when this region's endpoint to it used to be its child (the stack's
   * first region, before stamps): the endpoint keeps its URN through an alias.
   */
  legacyEndpointParent?: pulumi.Resource;
}

/** The region's gateway: Traefik behind an internal load balancer and a Private Link Service for Front Door. */
export interface StampGatewayArgs {
  /** Sizing profile the gateway starts from. */
  environment: AppEnvironment;
  /** Gateway sizing on top of the environment's preset (lib/edge.ts GATEWAY_SIZING). */
  sizing?: Partial<GatewaySizing>;
  /** Node pool the gateway's pods are pinned to; default any. */
  nodePool?: string;
}

/** The region's part of monitoring: managed Prometheus for its cluster and the alerts on it. */
export interface StampMonitoringArgs {
  /** Who the alerts reach by e-mail. */
  emailReceivers?: AlertEmailReceiver[];
  /** Webhooks the alerts are posted to. */
  webhookReceivers?: AlertWebhookReceiver[];
  /** URL of docs/runbooks.md that the alerts' `runbook_url` annotations point into. */
  runbookBaseUrl: string;
}

/**
 * The in-VNet GitHub Actions runner of a region. Its GitHub token is not an
 * argument: an operator writes it into the region's vault as
 * `github-runner-token`, out of band (docs/setup.md step 6).
 */
export interface StampOperationsRunnerArgs extends Pick<OperationsRunnerArgs, 'githubRepository' | 'vmSize' | 'instances' | 'adminSshPublicKey'> {
  /** Runner labels, e.g. `aks-platform-prod`. */
  labels: string[];
}

/** Arguments of {@link RegionalStamp}: everything one region runs. */
export interface RegionalStampArgs {
  /** Naming parts; `location` is the stamp's region. */
  naming: NameParts;
  /** Tags for every resource (the five required tags, see lib/tags.ts `standardTags`). */
  tags: Record<string, string>;
  /**
   * Resource group to deploy into (the stack's first region shares the global layer's
   * group); leave out and the stamp creates its own in its region.
   */
  resourceGroupName?: pulumi.Input<string>;
  /** Entra tenant of the subscription. */
  tenantId: pulumi.Input<string>;
  /** Subscription id (the Private Link Service id is built from it). */
  subscriptionId: pulumi.Input<string>;
  /** Object id of the principal that runs `pulumi up` (cluster-admin, Key Vault Secrets Officer). */
  deployerObjectId: pulumi.Input<string>;
  /** Kind of that principal: `ServicePrincipal` (CI, default) or `User`. */
  deployerPrincipalType?: 'User' | 'ServicePrincipal';
  /** The region's VNet, subnets and optional egress firewall. */
  network: StampNetworkArgs;
  /** The shared container registry. */
  registry: StampRegistryArgs;
  /** The region's AKS cluster and node pools (subnet, tenant and registry are wired in). */
  cluster: Omit<AksClusterArgs, Wired | 'nodeSubnetId' | 'registryId' | 'deployerObjectId' | 'deployerPrincipalType'>;
  /** The region's PostgreSQL flexible server (behind a private endpoint; Entra only, the region's migration identity its administrator). */
  postgres: Omit<PostgresDatabaseArgs, Wired | 'entraAdministrator'>;
  /**
   * The region's Redis (behind a private endpoint; Entra only, the region's api and agent identities assigned);
   * `geoReplication` joins the caches of these regions in one active group.
   */
  redis: Omit<RedisCacheArgs, Wired | 'geoReplication' | 'accessPolicyAssignments'> & { geoReplication?: { groupNickname: string; locations: string[] } };
  /** The region's Key Vault (same secret names in every region; per-secret reader roles); `privateEndpoint: true` makes it private. */
  keyVault: Omit<KeyVaultArgs, Wired | 'secrets' | 'secretReaders' | 'deployerObjectId' | 'deployerPrincipalType'> & { privateEndpoint?: boolean };
  /** The gateway and its Private Link Service (the region's Front Door origin); leave out for none. */
  gateway?: StampGatewayArgs;
  /** Managed Prometheus and alerts for the region's cluster; leave out for none. */
  monitoring?: StampMonitoringArgs;
  /** An in-VNet runner in the region's `operations` subnet; leave out for none. */
  operationsRunner?: StampOperationsRunnerArgs;
  /** Protect the stateful resources (database, cache, vault) from deletion and replacement. */
  protectStatefulResources?: boolean;
  /** Effect of the restricted pod-security initiative on the cluster: `Audit` (default) or `Deny`. */
  podSecurityPolicyEffect?: PodSecurityEffect;
  /**
   * The component the stamp's children were parented to before stamps existed (the
   * `Platform`): given for the stack's first region, each child keeps its URN through
   * an alias, so an existing stack updates in place. Leave out for a new region.
   */
  legacyParent?: pulumi.Resource;
}

/**
 * Everything one region runs: its resource group (or the shared one), VNet and
 * private DNS, optional egress firewall, the AKS cluster and pools, the
 * gateway and its Private Link Service, the region's workload identities (api,
 * agent, migration Job, KEDA operator; federated with this cluster's issuer), its
 * PostgreSQL and Redis (Entra only) and Key Vault, managed Prometheus and the alerts
 * on the cluster, the data services' diagnostics and the pod-security policy,
 * and the optional operations runner. Every region is the same stamp with its
 * own parameters; what spans regions (Front Door, the registry, the app
 * registrations, Grafana, the images) is the {@link Platform}'s global layer.
 */
export class RegionalStamp extends pulumi.ComponentResource {
  /** The stamp's region. */
  public readonly location: string;
  /** The stamp's resource group name. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** The resource group the stamp created (not when it shares the global layer's). */
  public readonly resourceGroup?: resources.ResourceGroup;
  /** The VNet, subnets, NSGs and private DNS zones. */
  public readonly network: Network;
  /** The nodes' egress firewall (with `network.egressFirewall`). */
  public readonly egressFirewall?: EgressFirewall;
  /** The region's private endpoint to the registry (with a private registry). */
  public readonly registryEndpoint?: PrivateLink;
  /** The AKS cluster (and its Kubernetes provider). */
  public readonly cluster: AksCluster;
  /** The PostgreSQL flexible server. */
  public readonly postgres: PostgresDatabase;
  /** Redis. */
  public readonly redis: RedisCache;
  /** Key Vault (the operations runner's token; the data services hold no password or key). */
  public readonly keyVault: KeyVault;
  /** The region's workload identities: api, agent, the migration Job and (with monitoring) the KEDA operator. */
  public readonly identities: AppIdentities;
  /** Client id of each workload identity in this region (api, agent, migrate). */
  public readonly appIdentityClientIds: pulumi.Output<Record<'api' | 'agent' | 'migrate', string>>;
  /** Managed Prometheus for the cluster (with `monitoring`). */
  public readonly prometheus?: ManagedPrometheus;
  /** The action group and the Prometheus rule groups (with `monitoring`). */
  public readonly alerts?: PrometheusAlerts;
  /** Diagnostic settings of the data services and the pod-security policy assignment. */
  public readonly guardrails: PlatformGuardrails;
  /** The in-VNet runner (with `operationsRunner`). */
  public readonly operationsRunner?: OperationsRunner;
  /** The gateway (with `gateway`). */
  public readonly gateway?: Gateway;
  /** ARM id of the gateway's Private Link Service, known once the gateway is up (with `gateway`). */
  public readonly privateLinkServiceId?: pulumi.Output<string>;

  constructor(name: string, args: RegionalStampArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:RegionalStamp', name, {}, opts);
    const { naming, tags } = args;
    const location = naming.location;
    this.location = location;
    const protect = args.protectStatefulResources ?? false;
    const deployerPrincipalType = args.deployerPrincipalType ?? 'ServicePrincipal';
    // The first region's children were the Platform's: an alias keeps each one's URN. The alias
    // names the old parent by its URN, not the resource: the SDK scans an alias's value for
    // unknowns, and a Resource there is the whole object graph reachable from it (every resource
    // of the stack) per child, most of an offline run's CPU.
    const child = (legacyParent = args.legacyParent): pulumi.CustomResourceOptions => ({
      parent: this,
      ...(legacyParent ? { aliases: [{ parent: legacyParent.urn }] } : {}),
    });

    if (args.resourceGroupName === undefined) {
      this.resourceGroup = new resources.ResourceGroup(
        `${name}-rg`,
        { resourceGroupName: resourceName(naming, 'resourceGroup'), location, tags },
        child(),
      );
    }
    this.resourceGroupName = this.resourceGroup ? this.resourceGroup.name : pulumi.output(args.resourceGroupName!);
    const common = { naming, resourceGroupName: this.resourceGroupName, location, tags };

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
          registryPrivate: args.registry.private,
          keyVaultPrivate: args.keyVault.privateEndpoint === true,
          redisKind: args.redis.kind ?? 'managed',
        }),
      },
      child(),
    );
    const placement = (zone: string) => ({
      subnetId: this.network.subnetIds.privateEndpoints,
      privateDnsZoneId: this.network.privateDnsZoneIds[zone],
    });

    if (args.registry.private) {
      this.registryEndpoint = new PrivateLink(
        `${name}-registry-pl`,
        {
          resourceGroupName: this.resourceGroupName,
          location,
          ...placement(PRIVATE_DNS_ZONES.registry),
          targetResourceId: args.registry.registryId,
          groupId: 'registry',
          endpointName: resourceName(naming, 'privateEndpoint', 'acr'),
          tags,
        },
        child(args.registry.legacyEndpointParent),
      );
    }

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
          extraFqdns: args.registry.private
            ? []
            : pulumi.all([args.registry.loginServer, args.registry.name]).apply(([login, registryName]) => registryEgressFqdns(login, registryName, location)),
        },
        child(),
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
        tenantId: args.tenantId,
        deployerObjectId: args.deployerObjectId,
        deployerPrincipalType,
        registryId: args.registry.registryId,
        managedPrometheus: args.monitoring !== undefined || args.cluster.managedPrometheus,
        egressRoute: this.egressFirewall?.defaultRoute,
      },
      child(),
    );

    if (args.monitoring) {
      const m = args.monitoring;
      const cluster = { clusterId: this.cluster.clusterId, clusterName: this.cluster.clusterName };
      this.prometheus = new ManagedPrometheus(`${name}-prometheus`, { ...common, ...cluster }, child());
      this.alerts = new PrometheusAlerts(
        `${name}-alerts`,
        { ...common, ...cluster, workspaceId: this.prometheus.workspaceId, emailReceivers: m.emailReceivers, webhookReceivers: m.webhookReceivers, runbookBaseUrl: m.runbookBaseUrl },
        child(),
      );
    }

    // One identity per workload, each federated with its own service account on this cluster (lib/app-identities.ts).
    this.identities = new AppIdentities(
      `${name}-identities`,
      {
        ...common,
        oidcIssuerUrl: this.cluster.oidcIssuerUrl,
        serviceAccounts: appServiceAccounts(defaultAppNamespaces()),
        keda: this.prometheus ? { monitorWorkspaceId: this.prometheus.workspaceId } : undefined,
      },
      child(),
    );
    const ids = this.identities.identities;

    this.postgres = new PostgresDatabase(
      `${name}-postgres`,
      {
        ...common,
        ...args.postgres,
        tenantId: args.tenantId,
        // The schema owner: the migration Job's identity (it creates the apps' Entra login roles).
        entraAdministrator: { objectId: ids.migrate.principalId, principalName: ids.migrate.identityName, principalType: 'ServicePrincipal' },
        privateEndpoint: placement(PRIVATE_DNS_ZONES.postgres),
        protect,
      },
      child(),
    );

    const redisZone = (args.redis.kind ?? 'managed') === 'classic' ? PRIVATE_DNS_ZONES.redisClassic : PRIVATE_DNS_ZONES.redisManaged;
    const { geoReplication: geo, ...redis } = args.redis;
    this.redis = new RedisCache(
      `${name}-redis`,
      {
        ...common,
        ...redis,
        accessPolicyAssignments: [
          { name: 'api', objectId: ids.api.principalId },
          { name: 'agent', objectId: ids.agent.principalId },
        ],
        // Every region's database of the group, by the ARM id its names give (no cycle between the regions).
        geoReplication: geo
          ? {
              groupNickname: geo.groupNickname,
              linkedDatabaseIds: geo.locations.map((loc) => {
                const at = { ...naming, location: loc };
                return pulumi.interpolate`/subscriptions/${args.subscriptionId}/resourceGroups/${resourceName(at, 'resourceGroup')}/providers/Microsoft.Cache/redisEnterprise/${globalResourceName(at, 'redis')}/databases/default`;
              }),
            }
          : undefined,
        privateEndpoint: placement(redisZone),
        protect,
      },
      child(),
    );

    const { privateEndpoint: vaultPrivate, ...vault } = args.keyVault;
    this.keyVault = new KeyVault(
      `${name}-kv`,
      {
        ...common,
        ...vault,
        tenantId: args.tenantId,
        privateEndpoint: vaultPrivate ? placement(PRIVATE_DNS_ZONES.keyVault) : undefined,
        // No secret today: PostgreSQL and Redis use Entra, the runner keeps no token (a workload would read its region's vault).
        secrets: [],
        deployerObjectId: args.deployerObjectId,
        deployerPrincipalType,
        // Each app reads only the secrets it mounts, each through its own assignment (none today: Entra for both data services).
        secretReaders: (['api', 'agent'] as const).map((app) => ({ name: app, principalId: ids[app].principalId, secrets: [...APP_KEY_VAULT_SECRETS[app]] })),
        protect,
      },
      child(),
    );

    // Data-service and firewall logs to the region's Log Analytics, and the restricted pod-security initiative on the cluster.
    this.guardrails = new PlatformGuardrails(
      `${name}-guardrails`,
      {
        workspaceId: this.cluster.workspaceId,
        diagnostics: [
          { name: 'kv', resourceId: this.keyVault.vaultId, logs: DIAGNOSTIC_LOGS.keyVault },
          ...(args.registry.diagnostics ? [{ name: 'acr', resourceId: args.registry.registryId, logs: DIAGNOSTIC_LOGS.registry }] : []),
          { name: 'postgres', resourceId: this.postgres.serverId, logs: DIAGNOSTIC_LOGS.postgres },
          {
            name: 'redis',
            // Azure Managed Redis logs on its database; classic Redis on the cache.
            resourceId: (args.redis.kind ?? 'managed') === 'managed' ? pulumi.interpolate`${this.redis.id}/databases/default` : this.redis.id,
            logs: DIAGNOSTIC_LOGS.redis,
          },
          // Every egress decision of the nodes (with network.egressFirewall).
          ...(this.egressFirewall ? [{ name: 'firewall', resourceId: this.egressFirewall.firewall.id, logs: DIAGNOSTIC_LOGS.firewall }] : []),
        ],
        clusterId: this.cluster.clusterId,
        podSecurityNamespaces: Object.values(defaultAppNamespaces()),
        podSecurityEffect: args.podSecurityPolicyEffect ?? 'Audit',
        policyAssignmentName: podSecurityAssignmentName(resourceName(naming, 'kubernetesCluster')),
      },
      child(),
    );

    this.appIdentityClientIds = this.identities.clientIds;

    if (args.operationsRunner) {
      this.operationsRunner = new OperationsRunner(
        `${name}-runner`,
        {
          ...common,
          ...args.operationsRunner,
          subnetId: this.network.subnetIds.operations,
          keyVaultId: this.keyVault.vaultId,
          keyVaultName: this.keyVault.vaultName,
          tokenSecretName: RUNNER_TOKEN_SECRET,
        },
        // The vault (and its private endpoint) before the runner's role on the token secret.
        { ...child(), dependsOn: [this.keyVault] },
      );
    }

    if (args.gateway) {
      // The gateway (Traefik, internal load balancer + Private Link Service). The Private Link
      // Service is created by the AKS cloud controller for the gateway's Service, under a name
      // the program chooses, so its id is known before it exists; Front Door's origin waits
      // for the gateway release (which waits for the load balancer).
      const names = edgeNames(naming);
      this.gateway = new Gateway(
        `${name}-gateway`,
        {
          provider: this.cluster.provider,
          environment: args.gateway.environment,
          sizing: args.gateway.sizing ?? {},
          azure: {
            internalLoadBalancer: true,
            privateLinkService: { name: names.privateLinkService, subnetName: resourceName(naming, 'subnet', SUBNET_ROLE_QUALIFIERS.nodes) },
          },
          nodeSelector: args.gateway.nodePool ? { 'kubernetes.azure.com/agentpool': args.gateway.nodePool } : undefined,
          trustedForwarderCidrs: [args.network.subnets.nodes],
        },
        child(),
      );
      this.privateLinkServiceId = pulumi
        .all([args.subscriptionId, this.cluster.nodeResourceGroup, this.gateway.status])
        .apply(([sub, nodeRg]) => privateLinkServiceId(sub, nodeRg, names.privateLinkService));
    }

    this.registerOutputs({
      location,
      resourceGroupName: this.resourceGroupName,
      clusterName: this.cluster.clusterName,
      postgresFqdn: this.postgres.fqdn,
      redisHost: this.redis.hostName,
      keyVaultUri: this.keyVault.vaultUri,
      appIdentityClientIds: this.appIdentityClientIds,
      privateLinkServiceId: this.privateLinkServiceId,
      monitorWorkspaceId: this.prometheus?.workspaceId,
    });
  }

  /** What pulls from the registry in this region wait for: its private endpoint's DNS record and the zone's VNet link. */
  public registryReady(): pulumi.Resource[] {
    return [...(this.registryEndpoint?.ready ?? []), ...this.dnsLinksFor(this.registryEndpoint ? [PRIVATE_DNS_ZONES.registry] : [])];
  }

  /**
   * What one app's release in this region waits for, besides its image: everything any
   * workload on the cluster needs (cluster, kubelet AcrPull, the deployer's propagated
   * cluster-admin), the node pool(s) its pods may run on, the registry's private DNS, and
   * for the api and agent the data services' private DNS, the vault's secrets, DNS and
   * per-secret roles, the workload identities' federated credentials, PostgreSQL's Entra
   * administrator and Redis's access policy assignments.
   */
  public releaseWaits(app: AppName, nodePool: string | undefined): pulumi.Resource[] {
    const pools = nodePool === undefined ? Object.values(this.cluster.nodePools) : [this.cluster.nodePools[nodePool]];
    if (pools.some((p) => p === undefined)) {
      throw new pulumi.ResourceError(`apps.${app}.nodePool: "${nodePool}" is not a node pool of the cluster; pools: ${Object.keys(this.cluster.nodePools).join(', ')}`, this);
    }
    const base = [...this.cluster.readyForWorkloads, ...pools, ...this.registryReady()];
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
}
