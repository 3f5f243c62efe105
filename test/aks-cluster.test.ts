import { parse } from 'yaml';
import { installMocks, isSecretValue, unwrapSecrets, MOCK_CLIENT_ID, MOCK_TENANT_ID, mockUuid, OfflineRecorder } from '../offline/mocks';
import type { ResolvedOutput } from '../offline/run-stack';
import type { AksClusterArgs } from '../components/aks-cluster';
import { registeredTypes, resourceErrorOf } from './support/components';
import { ADMINS, builds, DEPLOYER, NODES_SUBNET, prodArgs, REGISTRY_ID, RG, role, tags } from './support/builds/aks-cluster';
import { buildRuns } from './support/build-runs';

/** The runs of ./support/builds/aks-cluster.ts's builds, by name (./support/build-runs.ts). */
const build = buildRuns('prod', 'test/support/builds/aks-cluster.ts', builds);

describe('AksCluster (prod)', () => {
  let recorder: OfflineRecorder;
  /** The cluster's outputs, resolved. */
  let aks: Record<string, ResolvedOutput>;
  beforeAll(() => {
    ({ recorder, outputs: aks } = build('prod'));
  });
  const cluster = () => recorder.one('azure-native:containerservice:ManagedCluster');

  it('registers exactly the expected children', () => {
    const comp = recorder.one('aks-platform:index:AksCluster', 'aks');
    expect(recorder.childrenOf(comp.urn).map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        'azure-native:authorization:RoleAssignment aks-kubelet-acr-pull',
        'azure-native:authorization:RoleAssignment aks-subnet-network-contributor',
        'azure-native:containerservice:AgentPool aks-pool-cpu',
        'azure-native:containerservice:AgentPool aks-pool-mem',
        'azure-native:containerservice:MaintenanceConfiguration aks-nodeos-window',
        'azure-native:containerservice:MaintenanceConfiguration aks-upgrade-window',
        'azure-native:containerservice:ManagedCluster aks-aks',
        'azure-native:managedidentity:UserAssignedIdentity aks-id',
        'azure-native:monitor:DataCollectionRule aks-ci-dcr',
        'azure-native:monitor:DataCollectionRuleAssociation aks-ci-dcra',
        'azure-native:monitor:DiagnosticSetting aks-diagnostics',
        'azure-native:operationalinsights:Workspace aks-log',
        'pulumi:providers:kubernetes aks-k8s',
      ].sort(),
    );
  });

  it('configures identity, Entra RBAC, private API server, overlay networking and add-ons', () => {
    const c = cluster();
    const identity = recorder.one('azure-native:managedidentity:UserAssignedIdentity');
    const ws = recorder.one('azure-native:operationalinsights:Workspace');
    expect(identity.inputs).toMatchObject({ resourceName: 'id-aksplat-prod-weu-aks', tags });
    expect(ws.inputs).toMatchObject({ workspaceName: 'log-aksplat-prod-weu', retentionInDays: 90, sku: { name: 'PerGB2018' }, tags });
    const i = c.inputs;
    expect(i.resourceName).toBe('aks-aksplat-prod-weu');
    expect(i.kubernetesVersion).toBe('1.36');
    expect(i.sku).toEqual({ name: 'Base', tier: 'Standard' });
    expect(i.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: [identity.id] });
    expect(i.enableRBAC).toBe(true);
    expect(i.aadProfile).toEqual({ managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [ADMINS], tenantID: MOCK_TENANT_ID });
    expect(i.disableLocalAccounts).toBe(true);
    expect(i.apiServerAccessProfile).toEqual({ enablePrivateCluster: true, privateDNSZone: 'system', enablePrivateClusterPublicFQDN: false });
    expect(i.networkProfile).toEqual({
      networkPlugin: 'azure',
      networkPluginMode: 'overlay',
      networkPolicy: 'cilium',
      networkDataplane: 'cilium',
      podCidr: '192.168.0.0/16',
      serviceCidr: '172.16.0.0/16',
      dnsServiceIP: '172.16.0.10',
      loadBalancerSku: 'standard',
      outboundType: 'loadBalancer',
    });
    expect(i.oidcIssuerProfile).toEqual({ enabled: true });
    expect(i.securityProfile).toEqual({
      workloadIdentity: { enabled: true },
      imageCleaner: { enabled: true, intervalHours: 168 },
      defender: { logAnalyticsWorkspaceResourceId: ws.id, securityMonitoring: { enabled: true } },
    });
    expect(i.autoUpgradeProfile).toEqual({ upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' });
    expect(i.addonProfiles).toEqual({
      omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: ws.id, useAADAuth: 'true' } },
      azurepolicy: { enabled: true },
      azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: 'true', rotationPollInterval: '2m' } },
    });
    expect(i.ingressProfile).toEqual({ webAppRouting: { enabled: false } });
    expect(i.tags).toEqual(tags);
  });

  it('keeps only the system pool inline, tainted for critical add-ons, zonal, ephemeral, without public IPs', () => {
    expect(cluster().inputs.agentPoolProfiles).toEqual([
      {
        name: 'system',
        mode: 'System',
        type: 'VirtualMachineScaleSets',
        osType: 'Linux',
        osSKU: 'AzureLinux',
        vmSize: 'Standard_D4ds_v5',
        orchestratorVersion: '1.36',
        enableAutoScaling: true,
        count: 3,
        minCount: 3,
        maxCount: 5,
        availabilityZones: ['1', '2', '3'],
        osDiskType: 'Ephemeral',
        maxPods: 110,
        enableNodePublicIP: false,
        enableEncryptionAtHost: true,
        vnetSubnetID: NODES_SUBNET,
        nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'],
        upgradeSettings: { maxSurge: '33%' },
        tags,
      },
    ]);
  });

  it('ignores autoscaler counts but manages the minor version (channel patch: AKS reports patches in currentKubernetesVersion)', () => {
    expect(cluster().ignoreChanges.sort()).toEqual(['agentPoolProfiles[*].count']);
    expect(cluster().inputs.supportPlan).toBe('KubernetesOfficial');
    for (const pool of recorder.ofType('azure-native:containerservice:AgentPool')) {
      expect(pool.ignoreChanges.sort()).toEqual(['count']);
      expect(pool.deleteBeforeReplace).toBe(true);
    }
  });

  it('creates the user pools as AgentPool resources (memory E-series, CPU F-series)', () => {
    const c = cluster();
    const mem = recorder.one('azure-native:containerservice:AgentPool', 'aks-pool-mem');
    expect(mem.inputs).toEqual({
      agentPoolName: 'mem',
      resourceName: 'aks-aksplat-prod-weu',
      resourceGroupName: RG,
      mode: 'User',
      type: 'VirtualMachineScaleSets',
      osType: 'Linux',
      osSKU: 'AzureLinux',
      vmSize: 'Standard_E8ds_v5',
      orchestratorVersion: '1.36',
      enableAutoScaling: true,
      count: 2,
      minCount: 2,
      maxCount: 10,
      availabilityZones: ['1', '2', '3'],
      osDiskType: 'Ephemeral',
      maxPods: 110,
      enableNodePublicIP: false,
      enableEncryptionAtHost: true,
      vnetSubnetID: NODES_SUBNET,
      nodeTaints: ['workload=memory:NoSchedule'],
      nodeLabels: { workload: 'memory' },
      upgradeSettings: { maxSurge: '33%' },
      tags,
    });
    expect(mem.propertyDependencies.resourceName).toEqual([c.urn]);
    const cpu = recorder.one('azure-native:containerservice:AgentPool', 'aks-pool-cpu');
    expect(cpu.inputs).toMatchObject({ vmSize: 'Standard_F8s_v2', osDiskType: 'Ephemeral', osDiskSizeGB: 64, nodeTaints: [], nodeLabels: { workload: 'cpu' }, mode: 'User', osType: 'Linux', osSKU: 'AzureLinux' });
    expect(cpu.inputs.scaleSetPriority).toBeUndefined();
  });

  it('grants the control-plane identity Network Contributor on the nodes subnet before the cluster is created', () => {
    const ra = recorder.one('azure-native:authorization:RoleAssignment', 'aks-subnet-network-contributor');
    const identity = recorder.one('azure-native:managedidentity:UserAssignedIdentity');
    expect(ra.inputs).toEqual({
      principalId: mockUuid('id-aksplat-prod-weu-aks/principal'),
      principalType: 'ServicePrincipal',
      roleDefinitionId: role('4d97b98b-1d4f-4787-a291-c67834d212e7'),
      scope: NODES_SUBNET,
    });
    expect(ra.propertyDependencies.principalId).toEqual([identity.urn]);
    expect(cluster().dependencies).toContain(ra.urn);
  });

  it('grants AcrPull to the kubelet identity on the registry', () => {
    const ra = recorder.one('azure-native:authorization:RoleAssignment', 'aks-kubelet-acr-pull');
    expect(ra.inputs).toEqual({
      principalId: mockUuid('aks-aksplat-prod-weu/kubelet/object'),
      principalType: 'ServicePrincipal',
      roleDefinitionId: role('7f951dda-4ed3-4680-a7ca-43fe172d538d'),
      scope: REGISTRY_ID,
    });
    expect(ra.propertyDependencies.principalId).toEqual([cluster().urn]);
  });

  it('schedules cluster and node OS upgrades in the weekly window', () => {
    for (const [name, configName] of [['aks-upgrade-window', 'aksManagedAutoUpgradeSchedule'], ['aks-nodeos-window', 'aksManagedNodeOSUpgradeSchedule']]) {
      expect(recorder.one('azure-native:containerservice:MaintenanceConfiguration', name).inputs).toEqual({
        configName,
        resourceName: 'aks-aksplat-prod-weu',
        resourceGroupName: RG,
        maintenanceWindow: { schedule: { weekly: { dayOfWeek: 'Sunday', intervalWeeks: 1 } }, startTime: '02:00', durationHours: 4, utcOffset: '+00:00' },
      });
    }
  });

  it('sends audit, guard and autoscaler logs and Container Insights to the workspace', () => {
    const ws = recorder.one('azure-native:operationalinsights:Workspace');
    const c = cluster();
    expect(recorder.one('azure-native:monitor:DiagnosticSetting').inputs).toEqual({
      name: 'aks-to-log-analytics',
      resourceUri: c.id,
      workspaceId: ws.id,
      logAnalyticsDestinationType: 'Dedicated',
      logs: [
        { category: 'kube-audit-admin', enabled: true },
        { category: 'guard', enabled: true },
        { category: 'cluster-autoscaler', enabled: true },
      ],
    });
    const dcr = recorder.one('azure-native:monitor:DataCollectionRule');
    expect(dcr.inputs).toMatchObject({
      dataCollectionRuleName: 'MSCI-westeurope-aks-aksplat-prod-weu',
      destinations: { logAnalytics: [{ name: 'ciworkspace', workspaceResourceId: ws.id }] },
      dataFlows: [{ streams: ['Microsoft-ContainerInsights-Group-Default'], destinations: ['ciworkspace'] }],
      tags,
    });
    expect(recorder.one('azure-native:monitor:DataCollectionRuleAssociation').inputs).toEqual({
      associationName: 'ContainerInsightsExtension',
      resourceUri: c.id,
      dataCollectionRuleId: dcr.id,
    });
  });

  it('builds a secret kubeconfig whose users run kubelogin non-interactively', async () => {
    const { value, secret } = aks.kubeconfig;
    expect(secret).toBe(true);
    const doc = parse(String(value)) as { users: Array<{ user: { exec: Record<string, unknown> } }>; clusters: Array<{ cluster: { server: string } }> };
    expect(doc.clusters[0].cluster.server).toMatch(/^https:\/\/aks-aksplat-prod-weu-/);
    expect(doc.users).toHaveLength(1);
    expect(doc.users[0].user).toEqual({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: 'kubelogin',
        args: ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'],
        env: null,
        interactiveMode: 'Never',
        provideClusterInfo: false,
      },
    });
    expect(String(value)).not.toContain('devicecode');
    const call = recorder.calls.find((c) => c.token === 'azure-native:containerservice:listManagedClusterUserCredentials');
    expect(call?.inputs).toMatchObject({ resourceGroupName: RG, resourceName: 'aks-aksplat-prod-weu' });
    expect(recorder.calls.some((c) => c.token === 'azure-native:containerservice:listManagedClusterAdminCredentials')).toBe(false);
  });

  it('gives the Kubernetes provider the secret kubeconfig and a stable cluster identifier', () => {
    const provider = recorder.one('pulumi:providers:kubernetes', 'aks-k8s');
    expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
    expect(String(unwrapSecrets(provider.inputs.kubeconfig))).toContain('kubelogin');
    expect(provider.inputs.clusterIdentifier).toBe(cluster().id);
    expect(provider.inputs.enableServerSideApply).toBe('true');
    expect(provider.inputs.deleteUnreachable).toBe('false');
  });

  it('exposes the outputs the platform wires on', () => {
    const c = cluster();
    expect(aks.clusterName.value).toBe('aks-aksplat-prod-weu');
    expect(aks.clusterId.value).toBe(c.id);
    expect(aks.kubeletIdentityObjectId.value).toBe(mockUuid('aks-aksplat-prod-weu/kubelet/object'));
    expect(aks.oidcIssuerUrl.value).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
    expect(aks.nodeResourceGroup.value).toBe(`MC_${RG}_aks-aksplat-prod-weu_westeurope`);
    expect(aks.workspaceId.value).toBe(recorder.one('azure-native:operationalinsights:Workspace').id);
    expect(aks.privateFqdn.value).toMatch(/\.privatelink\.westeurope\.azmk8s\.io$/);
    expect(aks).toHaveProperty('fqdn');
    expect(aks.fqdn.value).toBeUndefined();
  });
});

describe('AksCluster (dev variants)', () => {
  it('public API server limited to authorized ranges, Free tier, system pool without the taint, azure policy engine', async () => {
    const { recorder } = build('dev');
    const c = recorder.one('azure-native:containerservice:ManagedCluster');
    expect(c.inputs.sku).toEqual({ name: 'Base', tier: 'Free' });
    expect(c.inputs.apiServerAccessProfile).toEqual({ enablePrivateCluster: false, authorizedIPRanges: ['20.61.12.0/24'] });
    expect(c.inputs.networkProfile).toMatchObject({ networkPolicy: 'azure', networkDataplane: 'azure', dnsServiceIP: '172.16.0.53' });
    const system = (c.inputs.agentPoolProfiles as Array<Record<string, unknown>>)[0];
    expect(system.nodeTaints).toEqual([]);
    // Standard_D4s_v5 has no local disk: managed OS disk by default.
    expect(system.osDiskType).toBe('Managed');
    expect(system.availabilityZones).toBeUndefined();
    expect(system.enableEncryptionAtHost).toBe(false);
    expect(c.inputs.securityProfile).toEqual({ workloadIdentity: { enabled: true } });
    expect(c.inputs.autoUpgradeProfile).toEqual({ upgradeChannel: 'stable', nodeOSUpgradeChannel: 'SecurityPatch' });
    expect(recorder.one('azure-native:containerservice:MaintenanceConfiguration', 'dev-upgrade-window').inputs.maintenanceWindow).toEqual({
      schedule: { weekly: { dayOfWeek: 'Saturday', intervalWeeks: 1 } },
      startTime: '22:00',
      durationHours: 6,
      utcOffset: '+01:00',
    });
    expect(recorder.one('azure-native:operationalinsights:Workspace').inputs.retentionInDays).toBe(30);
  });

  it('spot pools: Spot priority, Delete eviction, on-demand price cap, the AKS spot taint and label, no surge', async () => {
    const { recorder } = build('dev');
    const pool = recorder.one('azure-native:containerservice:AgentPool', 'dev-pool-spot');
    expect(pool.inputs).toMatchObject({
      scaleSetPriority: 'Spot',
      scaleSetEvictionPolicy: 'Delete',
      spotMaxPrice: -1,
      nodeTaints: ['kubernetes.azure.com/scalesetpriority=spot:NoSchedule'],
      nodeLabels: { 'kubernetes.azure.com/scalesetpriority': 'spot' },
      minCount: 0,
      enableNodePublicIP: false,
    });
    expect(pool.inputs.upgradeSettings).toBeUndefined();
  });

  it('workloadidentity login mode passes the tenant and the client id and still never prompts', async () => {
    const { outputs } = build('dev');
    const exec = (parse(String(outputs.kubeconfig.value)) as { users: Array<{ user: { exec: { args: string[]; interactiveMode: string } } }> }).users[0].user.exec;
    // kubelogin reads the client id only from --client-id or the environment: the deploying principal's is named.
    expect(exec.args).toEqual(['get-token', '--login', 'workloadidentity', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', '--tenant-id', MOCK_TENANT_ID, '--client-id', MOCK_CLIENT_ID]);
    expect(exec.interactiveMode).toBe('Never');
  });

  it('Windows user pools run Windows Server 2022', async () => {
    // userPools: [{ name: 'win', vmSize: 'Standard_D4ds_v5', minCount: 1, maxCount: 2, osType: 'Windows' }]
    const { recorder } = build('win');
    expect(recorder.one('azure-native:containerservice:AgentPool').inputs).toMatchObject({ agentPoolName: 'win', osType: 'Windows', osSKU: 'Windows2022' });
  });

  it('creates no AcrPull assignment without a registry', async () => {
    // registryId: undefined
    const { recorder } = build('noacr');
    expect(recorder.ofType('azure-native:authorization:RoleAssignment').map((r) => r.name)).toEqual(['noacr-subnet-network-contributor']);
  });
});

describe('AksCluster validation', () => {
  const cases: Array<[string, (a: AksClusterArgs) => void, string]> = [
    ['tier', (a) => { a.tier = 'Gold' as never; }, 'args.tier: "Gold" is not allowed; allowed: Free, Standard, Premium'],
    ['version past end of life', (a) => { a.kubernetesVersion = '1.33'; }, 'args.kubernetesVersion: "1.33" reached AKS end of life on 2026-07-31; it stays available until 2027-06-30 only with long-term support (tier: Premium and supportPlan: AKSLongTermSupport); supported on 2026-12-01: 1.35, 1.36, 1.37'],
    ['LTS without Premium', (a) => { a.supportPlan = 'AKSLongTermSupport'; }, 'args.supportPlan: "AKSLongTermSupport" needs tier Premium (tier is Standard)'],
    ['ephemeral OS disk too large for the cache', (a) => { a.userPools![1].osDiskSizeGb = undefined; }, "args.userPools[1].osDiskSizeGb: not set, so AKS uses its default of 256 GiB for 8 vCPUs, which does not fit an ephemeral OS disk: Standard_F8s_v2 holds at most 128 GiB (cache 128, temp 64); allowed: 30–128 GiB, or osDiskType Managed"],
    ['version', (a) => { a.kubernetesVersion = 'latest'; }, 'args.kubernetesVersion: "latest" is not a Kubernetes version such as 1.33 or 1.33.2'],
    ['upgrade channel', (a) => { a.upgrade.channel = 'none' as never; }, 'args.upgrade.channel: "none" is not allowed; allowed: patch, stable, rapid, node-image'],
    ['node OS channel', (a) => { a.upgrade.nodeOsChannel = 'Unmanaged' as never; }, 'args.upgrade.nodeOsChannel: "Unmanaged" is not allowed; allowed: NodeImage, SecurityPatch'],
    ['node-image + SecurityPatch', (a) => { a.upgrade.channel = 'node-image'; a.upgrade.nodeOsChannel = 'SecurityPatch'; }, 'args.upgrade.nodeOsChannel: "SecurityPatch" cannot be combined with upgrade channel node-image'],
    ['window too short', (a) => { a.upgrade.window.durationHours = 2; }, 'args.upgrade.window.durationHours: 2 is not allowed; AKS needs a whole number of hours from 4 to 24'],
    ['window day', (a) => { a.upgrade.window.day = 'Sun' as never; }, 'args.upgrade.window.day: "Sun" is not allowed; allowed: Monday, Tuesday'],
    ['window hour', (a) => { a.upgrade.window.startHour = 24; }, 'args.upgrade.window.startHour: 24 is not allowed; use a whole hour from 0 to 23'],
    ['pool name', (a) => { a.userPools![0].name = 'Mem-Pool'; }, 'args.userPools[0].name: "Mem-Pool" is not a valid node pool name'],
    ['pool name length', (a) => { a.userPools![0].name = 'memoryoptimized'; }, 'args.userPools[0].name: "memoryoptimized" is 15 characters; Linux node pool names are at most 12'],
    ['duplicate pool', (a) => { a.userPools![1].name = 'mem'; }, 'args.userPools[1].name: "mem" is already used by userPools[0]; pool names must be unique'],
    ['system pool name reused', (a) => { a.userPools![1].name = 'system'; }, 'args.userPools[1].name: "system" is already used by systemPool'],
    ['vm size', (a) => { a.userPools![1].vmSize = 'F8s_v2'; }, 'args.userPools[1].vmSize: "F8s_v2" is not an Azure VM size such as Standard_D4ds_v5'],
    ['bounds', (a) => { a.userPools![0].minCount = 5; a.userPools![0].maxCount = 2; }, 'args.userPools[0].minCount: minCount (5) is greater than maxCount (2)'],
    ['system min', (a) => { a.systemPool.minCount = 0; }, 'args.systemPool.minCount: minCount is 0; a system pool needs at least 1 node'],
    ['zones', (a) => { a.systemPool.zones = ['1', '4']; }, 'args.systemPool.zones: zones ["4"] are not allowed; allowed zones are "1", "2" and "3"'],
    ['max pods', (a) => { a.systemPool.maxPods = 500; }, 'args.systemPool.maxPods: 500 is not allowed; use a whole number from 30 to 250'],
    ['ephemeral without local disk', (a) => { a.userPools![1].vmSize = 'Standard_F8as_v6'; a.userPools![1].osDiskType = 'Ephemeral'; }, 'args.userPools[1].osDiskType: "Ephemeral" needs a VM size with a local disk; Standard_F8as_v6 has none'],
    ['taint', (a) => { a.userPools![0].taints = ['workload=memory']; }, 'args.userPools[0].taints[0]: "workload=memory" is not a taint such as dedicated=memory:NoSchedule'],
    ['reserved label', (a) => { a.userPools![0].labels = { 'kubernetes.azure.com/mode': 'x' }; }, 'args.userPools[0].labels.kubernetes.azure.com/mode: "kubernetes.azure.com/mode" uses the prefix kubernetes.azure.com/, which AKS reserves'],
    ['max surge', (a) => { a.systemPool.maxSurge = '150%'; }, 'args.systemPool.maxSurge: "150%" is not allowed; use a node count such as 1 or a percentage such as 33%'],
    ['Windows pool name', (a) => { a.userPools![0].osType = 'Windows'; a.userPools![0].name = 'winpool1'; }, 'args.userPools[0].name: "winpool1" is 8 characters; Windows node pool names are at most 6'],
    ['Windows system pool', (a) => { (a.systemPool as { osType?: string }).osType = 'Windows'; }, 'args.systemPool.osType: a system pool runs Linux'],
    ['OS disk size', (a) => { a.userPools![0].osDiskSizeGb = 10; }, 'args.userPools[0].osDiskSizeGb: 10 is not allowed; use a whole number of GiB from 30 to 2048'],
    ['spot not allowed', (a) => { a.userPools![1].spot = true; }, 'args.userPools[1].spot: spot pools are not allowed here; set allowSpot: true on the cluster'],
    ['spot system pool', (a) => { (a.systemPool as { spot?: boolean }).spot = true; a.allowSpot = true; }, 'args.systemPool.spot: a system pool cannot run on spot VMs'],
    ['pod CIDR overlaps VNet', (a) => { a.network.podCidr = '10.40.0.0/16'; }, 'args.network.podCidr: "10.40.0.0/16" overlaps the VNet address space 10.40.0.0/16'],
    ['service CIDR overlaps pods', (a) => { a.network.serviceCidr = '192.168.128.0/20'; }, 'args.network.serviceCidr: "192.168.128.0/20" overlaps network.podCidr (192.168.0.0/16)'],
    ['bad service CIDR', (a) => { a.network.serviceCidr = '172.16.0.1/16'; }, 'args.network.serviceCidr: "172.16.0.1/16" has host bits set'],
    ['DNS IP outside', (a) => { a.network.dnsServiceIp = '10.0.0.10'; }, 'args.network.dnsServiceIp: "10.0.0.10" must be an address inside network.serviceCidr (172.16.0.0/16) other than its first, e.g. 172.16.0.10'],
    ['DNS IP first', (a) => { a.network.dnsServiceIp = '172.16.0.0'; }, 'args.network.dnsServiceIp: "172.16.0.0" must be an address inside'],
    ['policy', (a) => { a.network.policy = 'none' as never; }, 'args.network.policy: "none" is not allowed; allowed: cilium, azure, calico'],
    ['no API server choice', (a) => { a.privateCluster = undefined; }, 'args.privateCluster: set privateCluster: true, or a public API server with authorizedIpRanges'],
    ['public without ranges', (a) => { a.privateCluster = false; a.authorizedIpRanges = []; }, 'args.authorizedIpRanges: a public API server needs at least one authorized IP range'],
    ['open to the internet', (a) => { a.privateCluster = false; a.authorizedIpRanges = ['0.0.0.0/0']; }, 'args.authorizedIpRanges[0]: "0.0.0.0/0" opens the API server to the whole internet'],
    ['private with ranges', (a) => { a.authorizedIpRanges = ['20.61.12.0/24']; }, 'args.authorizedIpRanges: authorized IP ranges apply to a public API server only'],
    ['log retention', (a) => { a.logRetentionDays = 7; }, 'args.logRetentionDays: 7 is not allowed; use a whole number of days from 30 to 730'],
    ['image cleaner', (a) => { a.imageCleanerIntervalHours = 1; }, 'args.imageCleanerIntervalHours: 1 is not allowed; use a whole number of hours from 24 to 2160'],
    ['interactive login', (a) => { a.kubeloginMode = 'devicecode' as never; }, 'args.kubeloginMode: "devicecode" is not allowed (it would wait for a browser or is unknown); allowed: azurecli, workloadidentity, spn, msi, azurepipelines'],
    ['no admins', (a) => { a.adminGroupObjectIds = []; }, 'args.adminGroupObjectIds: is empty while local accounts are disabled'],
  ];
  it.each(cases)('rejects %s with a ResourceError naming the arg, creating nothing', async (_label, mutate, message) => {
    const recorder = installMocks();
    const { AksCluster } = await import('../components/aks-cluster');
    const args = prodArgs();
    mutate(args);
    const error = resourceErrorOf(() => new AksCluster('bad', args));
    expect(error.message).toContain('AksCluster "bad" has invalid arguments');
    expect(error.message).toContain(message);
    expect(await registeredTypes(recorder)).toEqual(['aks-platform:index:AksCluster']);
    expect(recorder.calls).toEqual([]);
  });
});

describe('AksCluster deployer access', () => {
  it('gives the deploying principal AKS RBAC Cluster Admin on the cluster, and the provider waits for it to propagate', async () => {
    // adminGroupObjectIds: [], deployerObjectId: DEPLOYER
    const { recorder } = build('deployer');
    const grant = recorder.one('azure-native:authorization:RoleAssignment', 'aks-deployer-cluster-admin');
    expect(unwrapSecrets(grant.inputs)).toEqual({
      principalId: DEPLOYER,
      principalType: 'ServicePrincipal',
      roleDefinitionId: role('b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'),
      scope: recorder.one('azure-native:containerservice:ManagedCluster').id,
    });
    // The provider waits for a 5-minute Sleep that starts once the assignment exists (lib/create-order.ts).
    const sleep = recorder.one('time:index/sleep:Sleep', 'aks-deployer-cluster-admin-propagation');
    expect(unwrapSecrets(sleep.inputs)).toEqual({ createDuration: '5m', triggers: { roleAssignmentId: grant.id } });
    expect(sleep.propertyDependencies.triggers).toEqual([grant.urn]);
    expect(recorder.one('pulumi:providers:kubernetes').dependencies).toContain(sleep.urn);
    expect(grant.id).toBe(`${recorder.one('azure-native:containerservice:ManagedCluster').id}/providers/Microsoft.Authorization/roleAssignments/${grant.state.name}`);
  });

  it('needs neither admin groups nor a deployer to be valid with local accounts on', async () => {
    // adminGroupObjectIds: [], disableLocalAccounts: false
    const { recorder } = build('localAccounts');
    expect(recorder.ofType('azure-native:authorization:RoleAssignment').map((r) => r.name)).not.toContain('aks-deployer-cluster-admin');
  });
});
