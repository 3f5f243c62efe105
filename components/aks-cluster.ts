import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as containerservice from '@pulumi/azure-native/containerservice';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as monitor from '@pulumi/azure-native/monitor';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
// Submodules, not the package root: its typings (every API group's) added ~580 files to the type-check.
import * as k8s from '@pulumi/kubernetes/provider';
import * as time from '@pulumiverse/time';
import { CLUSTER_RBAC_PROPAGATION } from '../lib/create-order';
import { resourceName } from '../lib/naming';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';
import { kubernetesMinorVersion } from '../lib/rules';
import {
  CLUSTER_TIERS,
  ClusterTier,
  KUBELOGIN_MODES,
  KubeloginMode,
  MaintenanceWindowSpec,
  NetworkPolicy,
  NodeOsUpgradeChannel,
  NodePoolSpec,
  ROLE_IDS,
  UpgradeChannel,
  UserNodePoolSpec,
  apiServerProblems,
  buildKubeconfig,
  clusterNetworkProblems,
  defaultDnsServiceIp,
  maintenanceWindowProblems,
  nodePoolProblems,
  nodePoolWarnings,
  poolNameClashes,
  poolProperties,
  upgradeProblems,
} from '../lib/aks';
import { roleDefinitionId } from '../lib/data-services';
import { Clock, SUPPORT_PLANS, SupportPlan, checkKubernetesVersion, supportPlanProblem, systemClock } from '../lib/aks-versions';
import { AzureComponentArgs } from '../lib/component-args';

/** The system pool (inline in the cluster; runs only critical add-ons by default). */
export interface SystemNodePoolArgs extends NodePoolSpec {
  /**
   * Taint the pool `CriticalAddonsOnly=true:NoSchedule` so application pods
   * run on the user pools (CKV_AZURE_232). Default true; a dev cluster with no
   * user pools sets false.
   */
  onlyCriticalAddons?: boolean;
}

/** Overlay networking of the cluster. */
export interface AksNetworkArgs {
  /** Pod CIDR (overlay; not VNet addresses), e.g. `192.168.0.0/16`. */
  podCidr: string;
  /** Kubernetes service CIDR, e.g. `172.16.0.0/16`; must not overlap the VNet or pod CIDR. */
  serviceCidr: string;
  /** Cluster DNS service IP inside `serviceCidr`; default its 10th address. */
  dnsServiceIp?: string;
  /** Network policy engine: `cilium` (with the Cilium dataplane), `azure` or `calico`. */
  policy: NetworkPolicy;
  /** VNet address spaces, checked for overlap with the pod and service CIDRs. */
  vnetAddressSpaces?: string[];
}

/** Automatic upgrades and their weekly maintenance window. */
export interface AksUpgradeArgs {
  /** Kubernetes upgrade channel: `patch`, `stable`, `rapid` or `node-image`. */
  channel: UpgradeChannel;
  /** Node OS upgrade channel: `NodeImage` or `SecurityPatch`. */
  nodeOsChannel: NodeOsUpgradeChannel;
  /** Weekly window for both the cluster and the node OS upgrades. */
  window: MaintenanceWindowSpec;
}

/** Arguments of {@link AksCluster}. */
export interface AksClusterArgs extends AzureComponentArgs {
  /** Kubernetes version; only MAJOR.MINOR is sent (`1.33.2` → `1.33`), auto-upgrade applies patches. */
  kubernetesVersion: string;
  /** Control-plane tier: `Free`, `Standard` (uptime SLA, production) or `Premium` (Standard plus long-term support). */
  tier: ClusterTier;
  /**
   * Support plan: `KubernetesOfficial` (default, community support) or
   * `AKSLongTermSupport` (needs tier `Premium`; keeps a version two years from GA).
   */
  supportPlan?: SupportPlan;
  /**
   * The clock the version calendar is read with (lib/aks-versions.ts): a
   * version past AKS end of life is refused, under 90 days left is a warning.
   * Default the system clock; tests inject a fixed date.
   */
  clock?: Clock;
  /** ID of the nodes subnet (all pools join it). */
  nodeSubnetId: pulumi.Input<string>;
  /**
   * Every subnet of the node subnet's VNet (e.g. `Network.subnets`). The cluster waits for all of
   * them: AKS sets ownership on the VNet and fails (`VirtualNetworkNotInSucceededState`) while a
   * sibling subnet is still being written. See lib/create-order.ts.
   */
  vnetSubnets?: pulumi.Resource[];
  /** The system pool. */
  systemPool: SystemNodePoolArgs;
  /** User pools, each a separate AgentPool resource (e.g. memory-optimized E-series, CPU-optimized F-series). */
  userPools?: UserNodePoolSpec[];
  /** Whether user pools may run on spot VMs. Default false. */
  allowSpot?: boolean;
  /** Overlay networking and policy engine. */
  network: AksNetworkArgs;
  /** Private API server (reached from the VNet only). One of privateCluster / authorizedIpRanges is required. */
  privateCluster?: boolean;
  /** Public API server restricted to these IPv4 ranges (never 0.0.0.0/0). */
  authorizedIpRanges?: string[];
  /** Entra tenant of the cluster's Entra ID integration. */
  tenantId: pulumi.Input<string>;
  /** Entra groups that get cluster-admin through Azure RBAC. */
  adminGroupObjectIds: pulumi.Input<string>[];
  /**
   * Object ID of the principal that runs `pulumi up`. It gets *Azure Kubernetes
   * Service RBAC Cluster Admin* on the cluster, so the Kubernetes provider can
   * deploy with Entra ID (local accounts are off). Resources on {@link AksCluster.provider}
   * wait for that role assignment and for its propagation (5 minutes, lib/create-order.ts).
   */
  deployerObjectId?: pulumi.Input<string>;
  /** Kind of the deploying principal: `ServicePrincipal` in CI, `User` on a workstation (ARM rejects a mismatch). Default `ServicePrincipal`. */
  deployerPrincipalType?: pulumi.Input<'User' | 'ServicePrincipal' | 'Group'>;
  /** Disable local (certificate) accounts so every login goes through Entra ID (CKV_AZURE_141). Default true. */
  disableLocalAccounts?: boolean;
  /** Automatic upgrades and maintenance window. */
  upgrade: AksUpgradeArgs;
  /** Log Analytics retention in days (30–730). Default 30. */
  logRetentionDays?: number;
  /** Registry the kubelet identity may pull from (AcrPull). */
  registryId?: pulumi.Input<string>;
  /** Image Cleaner: remove unused images every N hours (24–2160). Default: off. */
  imageCleanerIntervalHours?: number;
  /**
   * Encryption at host for every pool (CKV_AZURE_227): temp disks and OS/data disk
   * caches encrypted on the host. Needs `Microsoft.Compute/EncryptionAtHost`
   * registered on the subscription. Default false.
   */
  encryptionAtHost?: boolean;
  /** Microsoft Defender for Containers security monitoring, reporting to the workspace. Default false. */
  defender?: boolean;
  /**
   * The nodes subnet's default route through an egress firewall (`EgressFirewall.defaultRoute`).
   * With it the cluster uses `outboundType: userDefinedRouting` and is created
   * after the route (AKS checks the subnet's route when it creates the cluster);
   * without it, `loadBalancer` (AKS-managed outbound public IP).
   */
  egressRoute?: pulumi.Resource;
  /**
   * Managed Prometheus metrics add-on (`azureMonitorProfile.metrics`): kube-state-metrics,
   * node exporter, kubelet and cAdvisor targets and the apps' PodMonitors, sent to
   * an Azure Monitor workspace through a data collection rule association
   * (components/managed-prometheus.ts). Default false.
   */
  managedPrometheus?: boolean;
  /**
   * The AKS KEDA add-on (`workloadAutoScalerProfile.keda.enabled`): event-driven autoscaling, here
   * the agent on its queue lag (lib/app-identities.ts DATA_ACCESS_FACTS.kedaAddon). Default true.
   */
  keda?: boolean;
  /**
   * kubelogin login mode of the kubeconfig and the Kubernetes provider.
   * Default `azurecli`. See {@link AksCluster} for what each mode needs.
   */
  kubeloginMode?: KubeloginMode;
  /**
   * Client id kubelogin logs in with (`--client-id`) in the `workloadidentity`,
   * `spn` and `msi` modes. Default: the client id of the principal running
   * Pulumi (the CI identity), which is the one that gets cluster-admin.
   */
  kubeloginClientId?: pulumi.Input<string>;
}

/** Log categories sent to the workspace (audit of admin actions, Entra auth, autoscaler decisions). */
export const AKS_DIAGNOSTIC_LOG_CATEGORIES = ['kube-audit-admin', 'guard', 'cluster-autoscaler'] as const;

/**
 * A production AKS cluster after the AKS baseline: Entra ID with Azure RBAC
 * and no local accounts, a user-assigned control-plane identity, Azure CNI
 * overlay with a network policy engine, a private (or IP-restricted) API
 * server, workload identity, automatic upgrades in a weekly window, Container
 * Insights, Azure Policy and the Key Vault CSI driver with rotation. The
 * application-routing add-on is off (its NGINX is retired, lib/edge.ts
 * INGRESS_FACTS): ingress is the Gateway component's job.
 *
 * The `provider` talks to the cluster without an interactive login: its
 * kubeconfig runs `kubelogin get-token --login <kubeloginMode> --server-id
 * 6dae42f8-4368-4678-94ff-3960e28e3630`. What the machine running Pulumi needs:
 * - `kubelogin` on PATH (e.g. `azure/setup-kubelogin` in GitHub Actions) and
 *   network access to the API server (for a private cluster: run in the VNet,
 *   e.g. the runner in the operations subnet);
 * - `azurecli` (default): a logged-in `az` (e.g. after `azure/login`);
 * - `workloadidentity`: AZURE_CLIENT_ID, AZURE_TENANT_ID and
 *   AZURE_FEDERATED_TOKEN_FILE (a file with a fresh OIDC token for the
 *   `api://AzureADTokenExchange` audience), optional AZURE_AUTHORITY_HOST;
 * - `spn`: AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or
 *   AZURE_CLIENT_CERTIFICATE_PATH); the tenant is passed as `--tenant-id`;
 * - `msi`: a managed identity on the runner VM (AZURE_CLIENT_ID for a user-assigned one);
 * - `azurepipelines`: the Azure DevOps service connection variables.
 * The identity needs an Azure Kubernetes Service RBAC role on the cluster
 * (e.g. membership of an `adminGroupObjectIds` group).
 */
export class AksCluster extends pulumi.ComponentResource {
  /** The managed cluster. */
  public readonly cluster: containerservice.ManagedCluster;
  /** Azure name of the cluster. */
  public readonly clusterName: pulumi.Output<string>;
  /** ARM ID of the cluster. */
  public readonly clusterId: pulumi.Output<string>;
  /** Kubeconfig (secret) whose users run kubelogin non-interactively. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Kubernetes provider for this cluster. */
  public readonly provider: k8s.Provider;
  /** Object ID of the kubelet identity (the identity that pulls images). */
  public readonly kubeletIdentityObjectId: pulumi.Output<string>;
  /** Client ID of the kubelet identity. */
  public readonly kubeletIdentityClientId: pulumi.Output<string>;
  /** OIDC issuer URL, for workload identity federated credentials. */
  public readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Resource group AKS manages for the nodes. */
  public readonly nodeResourceGroup: pulumi.Output<string>;
  /** ARM ID of the Log Analytics workspace. */
  public readonly workspaceId: pulumi.Output<string>;
  /** ARM ID of the control-plane identity. */
  public readonly controlPlaneIdentityId: pulumi.Output<string>;
  /** Private FQDN of the API server (private cluster), else undefined. */
  public readonly privateFqdn: pulumi.Output<string | undefined>;
  /** Public FQDN of the API server (public cluster), else undefined. */
  public readonly fqdn: pulumi.Output<string | undefined>;
  /** The user pools by name. */
  public readonly userPools: Record<string, containerservice.AgentPool>;
  /**
   * Every node pool by name, as the resource that creates it: the system pool is
   * inline in the cluster, so it maps to {@link cluster}. Workloads pinned to a pool wait for it.
   */
  public readonly nodePools: Record<string, pulumi.Resource>;
  /** The kubelet identity's AcrPull assignment on the registry (when `registryId` was given). */
  public readonly acrPullAssignment?: authorization.RoleAssignment;
  /** The deployer's cluster-admin role assignment (when `deployerObjectId` was given). */
  public readonly deployerAccess?: authorization.RoleAssignment;
  /**
   * The wait for that assignment to propagate (a `@pulumiverse/time` Sleep of
   * {@link CLUSTER_RBAC_PROPAGATION}); the Kubernetes provider depends on it.
   */
  public readonly deployerAccessReady?: pulumi.Resource;
  /**
   * What any workload on this cluster must wait for besides its own node pool: the
   * cluster, the kubelet's AcrPull and the deployer's propagated cluster-admin.
   */
  public readonly readyForWorkloads: pulumi.Resource[];

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:AksCluster', name, {}, opts);

    const problems = aksClusterArgProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('AksCluster', name, problems), this);
    for (const warning of aksClusterArgWarnings(args)) pulumi.log.warn(`AksCluster "${name}": args.${warning}`, this);

    const location = args.location ?? args.naming.location;
    const clusterName = resourceName(args.naming, 'kubernetesCluster');
    const version = kubernetesMinorVersion(args.kubernetesVersion);
    const loginMode = args.kubeloginMode ?? 'azurecli';
    const clientConfig = authorization.getClientConfigOutput({ parent: this });
    const subscriptionId = clientConfig.subscriptionId;
    // kubelogin reads the client id only from --client-id, AZURE_CLIENT_ID or KUBELOGIN_CLIENT_ID
    // (Azure/kubelogin pkg/internal/token/options.go): name it in the kubeconfig for the non-CLI modes.
    const kubeloginClientId = loginMode === 'azurecli' || loginMode === 'azurepipelines' ? undefined : (args.kubeloginClientId ?? clientConfig.clientId);

    const workspace = new operationalinsights.Workspace(
      `${name}-log`,
      {
        workspaceName: resourceName(args.naming, 'logAnalytics'),
        resourceGroupName: args.resourceGroupName,
        location,
        sku: { name: 'PerGB2018' },
        retentionInDays: args.logRetentionDays ?? 30,
        tags: args.tags,
      },
      { parent: this },
    );

    const controlPlaneIdentity = new managedidentity.UserAssignedIdentity(
      `${name}-id`,
      { resourceName: resourceName(args.naming, 'managedIdentity', 'aks'), resourceGroupName: args.resourceGroupName, location, tags: args.tags },
      { parent: this },
    );

    // The control plane joins the load balancer and nodes to the BYO subnet.
    const subnetRole = new authorization.RoleAssignment(
      `${name}-subnet-network-contributor`,
      {
        principalId: controlPlaneIdentity.principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionId: subscriptionId.apply((sub) => roleDefinitionId(sub, ROLE_IDS.networkContributor)),
        scope: args.nodeSubnetId,
      },
      { parent: this },
    );

    const system = args.systemPool;
    const clusterTier = args.tier;
    const poolOptions = { version, subnetId: args.nodeSubnetId, tags: args.tags, encryptionAtHost: args.encryptionAtHost ?? false };

    this.cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceName: clusterName,
        resourceGroupName: args.resourceGroupName,
        location,
        dnsPrefix: clusterName,
        kubernetesVersion: version,
        sku: { name: 'Base', tier: clusterTier },
        supportPlan: args.supportPlan ?? 'KubernetesOfficial',
        identity: { type: containerservice.ResourceIdentityType.UserAssigned, userAssignedIdentities: [controlPlaneIdentity.id] },
        enableRBAC: true,
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds, tenantID: args.tenantId },
        disableLocalAccounts: args.disableLocalAccounts ?? true,
        apiServerAccessProfile: args.privateCluster
          ? { enablePrivateCluster: true, privateDNSZone: 'system', enablePrivateClusterPublicFQDN: false }
          : { enablePrivateCluster: false, authorizedIPRanges: args.authorizedIpRanges },
        agentPoolProfiles: [{ name: system.name, ...poolProperties(system, 'System', { ...poolOptions, onlyCriticalAddons: system.onlyCriticalAddons }) }],
        networkProfile: {
          networkPlugin: 'azure',
          networkPluginMode: 'overlay',
          networkPolicy: args.network.policy,
          networkDataplane: args.network.policy === 'cilium' ? 'cilium' : 'azure',
          podCidr: args.network.podCidr,
          serviceCidr: args.network.serviceCidr,
          dnsServiceIP: args.network.dnsServiceIp ?? defaultDnsServiceIp(args.network.serviceCidr),
          loadBalancerSku: 'standard',
          outboundType: args.egressRoute ? 'userDefinedRouting' : 'loadBalancer',
        },
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          ...(args.imageCleanerIntervalHours !== undefined ? { imageCleaner: { enabled: true, intervalHours: args.imageCleanerIntervalHours } } : {}),
          ...(args.defender ? { defender: { logAnalyticsWorkspaceResourceId: workspace.id, securityMonitoring: { enabled: true } } } : {}),
        },
        autoUpgradeProfile: { upgradeChannel: args.upgrade.channel, nodeOSUpgradeChannel: args.upgrade.nodeOsChannel },
        workloadAutoScalerProfile: { keda: { enabled: args.keda ?? true } },
        addonProfiles: {
          omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspace.id, useAADAuth: 'true' } },
          azurepolicy: { enabled: true },
          azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'true', rotationPollInterval: '2m' } },
        },
        // Explicitly off, so a cluster that had the retired app-routing NGINX loses it.
        ingressProfile: { webAppRouting: { enabled: false } },
        ...(args.managedPrometheus
          ? { azureMonitorProfile: { metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: '', metricAnnotationsAllowList: '' } } } }
          : {}),
        tags: args.tags,
      },
      {
        parent: this,
        // Every subnet of the VNet, not only the node subnet (lib/create-order.ts clusterAfterEverySubnet),
        // and the nodes' default route through the egress firewall.
        dependsOn: [subnetRole, ...(args.vnetSubnets ?? []), ...(args.egressRoute ? [args.egressRoute] : [])],
        // The autoscaler moves node counts: never fight it. Versions: see versionIgnoreChanges.
        ignoreChanges: [...versionIgnoreChanges(args.upgrade.channel).map((p) => (p === 'orchestratorVersion' ? 'agentPoolProfiles[*].orchestratorVersion' : p)), 'agentPoolProfiles[*].count'],
      },
    );
    const clusterResourceName = this.cluster.name;

    // One pool at a time: concurrent pool creates on one VNet fail with
    // VirtualNetworkNotInSucceededState (Azure/AKS#4522, lib/create-order.ts).
    this.userPools = {};
    let previousPool: containerservice.AgentPool | undefined;
    for (const pool of args.userPools ?? []) {
      const agentPool: containerservice.AgentPool = new containerservice.AgentPool(
        `${name}-pool-${pool.name}`,
        {
          agentPoolName: pool.name,
          resourceName: clusterResourceName,
          resourceGroupName: args.resourceGroupName,
          ...poolProperties(pool, 'User', poolOptions),
        },
        {
          parent: this,
          ignoreChanges: [...versionIgnoreChanges(args.upgrade.channel).filter((p) => p === 'orchestratorVersion'), 'count'],
          // A new VM size / zones / disk type replaces the pool; Azure refuses a second pool with the same name.
          deleteBeforeReplace: true,
          dependsOn: previousPool ? [previousPool] : [],
        },
      );
      this.userPools[pool.name] = agentPool;
      previousPool = agentPool;
    }
    this.nodePools = { [system.name]: this.cluster, ...this.userPools };

    // Maintenance windows for the cluster (Kubernetes) and node OS upgrades.
    const window = args.upgrade.window;
    const maintenanceWindow = {
      schedule: { weekly: { dayOfWeek: window.day, intervalWeeks: 1 } },
      startTime: `${String(window.startHour).padStart(2, '0')}:00`,
      durationHours: window.durationHours,
      utcOffset: window.utcOffset ?? '+00:00',
    };
    for (const [suffix, configName] of [
      ['upgrade-window', 'aksManagedAutoUpgradeSchedule'],
      ['nodeos-window', 'aksManagedNodeOSUpgradeSchedule'],
    ] as const) {
      new containerservice.MaintenanceConfiguration(
        `${name}-${suffix}`,
        { configName, resourceName: clusterResourceName, resourceGroupName: args.resourceGroupName, maintenanceWindow },
        { parent: this },
      );
    }

    // Container Insights with managed-identity auth sends data through a data collection rule.
    const dcr = new monitor.DataCollectionRule(
      `${name}-ci-dcr`,
      {
        dataCollectionRuleName: pulumi.interpolate`MSCI-${location}-${clusterName}`,
        resourceGroupName: args.resourceGroupName,
        location,
        kind: 'Linux',
        description: 'Container Insights for the AKS cluster',
        dataSources: {
          extensions: [
            {
              name: 'ContainerInsightsExtension',
              extensionName: 'ContainerInsights',
              streams: ['Microsoft-ContainerInsights-Group-Default'],
              extensionSettings: { dataCollectionSettings: { interval: '1m', namespaceFilteringMode: 'Off', enableContainerLogV2: true } },
            },
          ],
        },
        destinations: { logAnalytics: [{ name: 'ciworkspace', workspaceResourceId: workspace.id }] },
        dataFlows: [{ streams: ['Microsoft-ContainerInsights-Group-Default'], destinations: ['ciworkspace'] }],
        tags: args.tags,
      },
      { parent: this },
    );
    new monitor.DataCollectionRuleAssociation(
      `${name}-ci-dcra`,
      { associationName: 'ContainerInsightsExtension', resourceUri: this.cluster.id, dataCollectionRuleId: dcr.id },
      { parent: this },
    );

    new monitor.DiagnosticSetting(
      `${name}-diagnostics`,
      {
        name: 'aks-to-log-analytics',
        resourceUri: this.cluster.id,
        workspaceId: workspace.id,
        logAnalyticsDestinationType: 'Dedicated',
        logs: AKS_DIAGNOSTIC_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
      },
      { parent: this },
    );

    this.kubeletIdentityObjectId = this.cluster.identityProfile.apply((p) => requireIdentity(p?.kubeletidentity?.objectId, 'objectId'));
    this.kubeletIdentityClientId = this.cluster.identityProfile.apply((p) => requireIdentity(p?.kubeletidentity?.clientId, 'clientId'));

    if (args.registryId !== undefined) {
      this.acrPullAssignment = new authorization.RoleAssignment(
        `${name}-kubelet-acr-pull`,
        {
          principalId: this.kubeletIdentityObjectId,
          principalType: 'ServicePrincipal',
          roleDefinitionId: subscriptionId.apply((sub) => roleDefinitionId(sub, ROLE_IDS.acrPull)),
          scope: args.registryId,
        },
        { parent: this },
      );
    }

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: args.resourceGroupName, resourceName: clusterResourceName, format: 'exec' },
      { parent: this },
    );
    this.kubeconfig = pulumi.secret(
      pulumi.all([credentials.kubeconfigs, args.tenantId, kubeloginClientId]).apply(([configs, tenantId, clientId]) => {
        const raw = configs?.[0]?.value;
        if (!raw) throw new Error(`AKS returned no user kubeconfig for cluster ${clusterName}`);
        return buildKubeconfig(Buffer.from(raw, 'base64').toString('utf8'), { loginMode, tenantId, clientId });
      }),
    );

    if (args.deployerObjectId !== undefined) {
      this.deployerAccess = new authorization.RoleAssignment(
        `${name}-deployer-cluster-admin`,
        {
          principalId: args.deployerObjectId,
          principalType: args.deployerPrincipalType ?? 'ServicePrincipal',
          roleDefinitionId: subscriptionId.apply((sub) => roleDefinitionId(sub, ROLE_IDS.rbacClusterAdmin)),
          scope: this.cluster.id,
        },
        { parent: this },
      );
      // Created is not yet honoured: the API server sees a new assignment within 5 minutes.
      // A new assignment (new id) runs the wait again.
      this.deployerAccessReady = new time.Sleep(
        `${name}-deployer-cluster-admin-propagation`,
        { createDuration: CLUSTER_RBAC_PROPAGATION.duration, triggers: { roleAssignmentId: this.deployerAccess.id } },
        { parent: this },
      );
    }

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // Replace the provider (and so every Kubernetes resource) only when the cluster itself changes.
        clusterIdentifier: this.cluster.id,
        enableServerSideApply: true,
        // Never drop resources from state because the (private) API server is out of reach.
        deleteUnreachable: false,
      },
      { parent: this, dependsOn: this.deployerAccessReady ? [this.deployerAccessReady] : [] },
    );
    this.readyForWorkloads = [
      this.cluster,
      ...(this.acrPullAssignment ? [this.acrPullAssignment] : []),
      ...(this.deployerAccessReady ? [this.deployerAccessReady] : []),
    ];

    this.clusterName = this.cluster.name;
    this.clusterId = this.cluster.id;
    this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((p) => {
      if (!p?.issuerURL) throw new Error(`cluster ${clusterName} has no OIDC issuer URL`);
      return p.issuerURL;
    });
    this.nodeResourceGroup = this.cluster.nodeResourceGroup.apply((g) => g ?? '');
    this.workspaceId = workspace.id;
    this.controlPlaneIdentityId = controlPlaneIdentity.id;
    this.privateFqdn = this.cluster.privateFQDN.apply((f) => f || undefined);
    this.fqdn = this.cluster.fqdn.apply((f) => f || undefined);

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      kubeconfig: this.kubeconfig,
      kubeletIdentityObjectId: this.kubeletIdentityObjectId,
      kubeletIdentityClientId: this.kubeletIdentityClientId,
      oidcIssuerUrl: this.oidcIssuerUrl,
      nodeResourceGroup: this.nodeResourceGroup,
      workspaceId: this.workspaceId,
      privateFqdn: this.privateFqdn,
      fqdn: this.fqdn,
    });
  }
}

function requireIdentity(value: string | undefined, field: string): string {
  if (!value) throw new Error(`the cluster reports no kubelet identity ${field}`);
  return value;
}

/** Every problem with {@link AksClusterArgs} (plain values only). */
export function aksClusterArgProblems(args: AksClusterArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!(CLUSTER_TIERS as readonly string[]).includes(args.tier)) {
    problems.push({ path: 'tier', problem: `"${args.tier}" is not allowed; allowed: ${CLUSTER_TIERS.join(', ')}` });
  }
  problems.push(...upgradeProblems(args.kubernetesVersion, args.upgrade?.channel, args.upgrade?.nodeOsChannel));
  if (args.supportPlan !== undefined && !(SUPPORT_PLANS as readonly string[]).includes(args.supportPlan)) {
    problems.push({ path: 'supportPlan', problem: `"${args.supportPlan}" is not allowed; allowed: ${SUPPORT_PLANS.join(', ')}` });
  }
  const planProblem = supportPlanProblem(args.tier, args.supportPlan);
  if (planProblem) problems.push({ path: 'supportPlan', problem: planProblem.replace('cluster.tier', 'tier') });
  if (!problems.some((p) => p.path === 'kubernetesVersion' || p.path === 'supportPlan')) {
    const version = checkKubernetesVersion(args.kubernetesVersion, { tier: args.tier, supportPlan: args.supportPlan, clock: args.clock ?? systemClock });
    if (version.problem) problems.push({ path: 'kubernetesVersion', problem: version.problem.replace(/cluster\.(tier|supportPlan)/g, '$1') });
  }
  if (args.upgrade?.window) problems.push(...maintenanceWindowProblems('upgrade.window', args.upgrade.window));
  else problems.push({ path: 'upgrade.window', problem: 'is required: { day, startHour, durationHours }' });
  problems.push(...nodePoolProblems('systemPool', args.systemPool, 'System', false));
  const allowSpot = args.allowSpot ?? false;
  (args.userPools ?? []).forEach((pool, i) => problems.push(...nodePoolProblems(`userPools[${i}]`, pool, 'User', allowSpot)));
  problems.push(...poolNameClashes([['systemPool', args.systemPool.name], ...(args.userPools ?? []).map((p, i) => [`userPools[${i}]`, p.name] as const)]));
  problems.push(
    ...clusterNetworkProblems({
      podCidr: args.network.podCidr,
      serviceCidr: args.network.serviceCidr,
      dnsServiceIp: args.network.dnsServiceIp,
      vnetAddressSpaces: args.network.vnetAddressSpaces,
      networkPolicy: args.network.policy,
    }),
  );
  if (args.privateCluster === undefined && args.authorizedIpRanges === undefined) {
    problems.push({ path: 'privateCluster', problem: 'set privateCluster: true, or a public API server with authorizedIpRanges' });
  }
  problems.push(...apiServerProblems(args.privateCluster, args.authorizedIpRanges));
  const retention = args.logRetentionDays;
  if (retention !== undefined && (!Number.isInteger(retention) || retention < 30 || retention > 730)) {
    problems.push({ path: 'logRetentionDays', problem: `${retention} is not allowed; use a whole number of days from 30 to 730` });
  }
  const cleaner = args.imageCleanerIntervalHours;
  if (cleaner !== undefined && (!Number.isInteger(cleaner) || cleaner < 24 || cleaner > 2160)) {
    problems.push({ path: 'imageCleanerIntervalHours', problem: `${cleaner} is not allowed; use a whole number of hours from 24 to 2160` });
  }
  const mode = args.kubeloginMode;
  if (mode !== undefined && !(KUBELOGIN_MODES as readonly string[]).includes(mode)) {
    problems.push({ path: 'kubeloginMode', problem: `"${mode}" is not allowed (it would wait for a browser or is unknown); allowed: ${KUBELOGIN_MODES.join(', ')}` });
  }
  if (knownValue(args.adminGroupObjectIds)?.length === 0 && args.deployerObjectId === undefined && (args.disableLocalAccounts ?? true)) {
    problems.push({ path: 'adminGroupObjectIds', problem: 'is empty while local accounts are disabled and no deployerObjectId is given; list at least one Entra group, or nobody can administer the cluster' });
  }
  return problems;
}

/** Warnings about {@link AksClusterArgs}: little support left on the version, pool sizes the VM table does not know. */
export function aksClusterArgWarnings(args: AksClusterArgs): string[] {
  const version = checkKubernetesVersion(args.kubernetesVersion, { tier: args.tier, supportPlan: args.supportPlan, clock: args.clock ?? systemClock });
  return [
    ...version.warnings.map((w) => `kubernetesVersion: ${w}`),
    ...nodePoolWarnings('systemPool', args.systemPool),
    ...(args.userPools ?? []).flatMap((pool, i) => nodePoolWarnings(`userPools[${i}]`, pool)),
  ];
}

/**
 * The version fields Pulumi must not manage, by upgrade channel.
 *
 * The cluster and its pools are sent `MAJOR.MINOR` only. AKS keeps that value
 * in `kubernetesVersion` / `orchestratorVersion` and reports the running patch
 * in `currentKubernetesVersion` / `currentOrchestratorVersion`, so patch
 * upgrades (channel `patch`, `node-image`) never show as drift and a minor bump
 * in config is sent and applied. Only `stable` and `rapid` move the minor
 * themselves; there the config's version is only the starting point and the
 * version fields are ignored (a minor bump in config then does nothing, and
 * the README says so).
 */
export function versionIgnoreChanges(channel: UpgradeChannel): Array<'kubernetesVersion' | 'orchestratorVersion'> {
  return channel === 'stable' || channel === 'rapid' ? ['kubernetesVersion', 'orchestratorVersion'] : [];
}
