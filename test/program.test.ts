/**
 * The whole program per stack, with the real Pulumi.<stack>.yaml, under the
 * offline mocks: what each environment registers and exports.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { TEST_CLOCK } from './support/clock';
import { apiVersionsOf, isPreview } from './support/api-versions';
import { AZURE_NATIVE_BASE, PINNED_API_VERSIONS, PREVIEW_ONLY_TYPES, canonicalType, decodeParameterValue, parameterValue, pinnedTypeToken, sdkVersion } from '../lib/azure-api-versions';
import { isSecretValue, MOCK_SECRET_MARKER, unwrapSecrets, RecordedResource } from '../offline/recorded';
import { REQUIRED_TAG_KEYS } from '../lib/tags';
import { isTaggable } from '../policy/evaluate';
import { allAlerts, ruleGroups } from '../lib/alert-rules';
import { DASHBOARDS } from '../lib/dashboards';
import { MONITORING_ROLE_IDS } from '../lib/monitoring';
import { readGitSource, resolveImageTag } from '../lib/image-source';
import { REPO_ROOT } from '../offline/stack-config';

function counts(run: StackRun): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const r of run.recorder.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  return byType;
}

function plain(resource: RecordedResource): Record<string, any> {
  return unwrapSecrets(resource.inputs) as Record<string, any>;
}

describe.each(['dev', 'prod'])('the %s stack', (stack) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stack, { clock: TEST_CLOCK });
  }, 60_000);

  it('registers the platform: network, registry, cluster, data services, vault, images and releases', () => {
    const byType = counts(run);
    expect(byType).toMatchObject({
      'aks-platform:index:Platform': 1,
      'azure-native:resources:ResourceGroup': 1,
      'azure-native:network:VirtualNetwork': 1,
      // prod adds the AzureFirewallSubnet of the egress firewall.
      'azure-native:network:Subnet': stack === 'prod' ? 4 : 3,
      'azure-native:network:NetworkSecurityGroup': 3,
      'azure-native:containerregistry:Registry': 1,
      'azure-native:containerservice:ManagedCluster': 1,
      'azure-native:containerservice:AgentPool': 2,
      'azure-native:dbforpostgresql:Server': 1,
      'azure-native:redisenterprise:RedisEnterprise': 1,
      'azure-native:keyvault:Vault': 1,
      'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra': 1,
      'azure-native:redisenterprise:AccessPolicyAssignment': 2,
      'docker-build:index:Image': 3,
      // the three apps and the gateway (Traefik)
      'kubernetes:helm.sh/v3:Release': 4,
      'aks-platform:index:Gateway': 1,
      'aks-platform:index:FrontDoor': 1,
    });
  });

  it("tags and stamps the images with this checkout's commit (the git facts runStack read once for the run's key)", () => {
    const git = readGitSource(REPO_ROOT);
    expect(git).toBeDefined();
    const tag = resolveImageTag({ git });
    expect(run.outputs.imageTag.value).toBe(tag);
    const images = run.recorder.ofType('docker-build:index:Image').map(plain);
    expect(images).toHaveLength(3);
    for (const image of images) {
      expect(image.tags).toEqual([expect.stringMatching(new RegExp(`:${tag}$`))]);
      expect(image.buildArgs).toMatchObject({ SOURCE_DATE_EPOCH: String(git?.commitTime) });
    }
  });

  it('holds no data-service password or key: no Key Vault secret, no RandomPassword, no key listing', () => {
    expect(run.recorder.ofType('azure-native:keyvault:Secret')).toEqual([]);
    expect(run.recorder.ofType('random:index/randomPassword:RandomPassword')).toEqual([]);
    expect(run.recorder.calls.map((c) => c.token).filter((t) => /list.*Keys/i.test(t))).toEqual([]);
    expect(run.recorder.one('azure-native:dbforpostgresql:Server').inputs.authConfig).toMatchObject({ activeDirectoryAuth: 'Enabled', passwordAuth: 'Disabled' });
    expect(run.recorder.one('azure-native:redisenterprise:Database').inputs.accessKeysAuthentication).toBe('Disabled');
    expect(run.recorder.one('azure-native:containerservice:ManagedCluster').inputs.workloadAutoScalerProfile).toEqual({ keda: { enabled: true } });
  });

  it('gives each workload its own identity, federated with exactly its service account', () => {
    const subjects = run.recorder
      .ofType('azure-native:managedidentity:FederatedIdentityCredential')
      .map((f) => [f.name.replace(/^aksplat-[a-z]+-/, ''), f.inputs.resourceName, f.inputs.subject])
      .sort();
    expect(subjects).toEqual([
      ['identities-agent-fic-agent-agent', `id-aksplat-${stack}-weu-agent`, 'system:serviceaccount:agent:agent'],
      ['identities-api-fic-api-api', `id-aksplat-${stack}-weu-api`, 'system:serviceaccount:api:api'],
      ['identities-keda-fic-kube-system-keda-operator', `id-aksplat-${stack}-weu-keda`, 'system:serviceaccount:kube-system:keda-operator'],
      ['identities-migrate-fic-api-api-migrate', `id-aksplat-${stack}-weu-migrate`, 'system:serviceaccount:api:api-migrate'],
    ]);
  });

  it('creates no Azure resource on a preview API version, except types that have no stable version at all', () => {
    const tokens = [...new Set(run.recorder.resources.filter((r) => r.custom).map((r) => r.token))].sort();
    const versions = tokens.flatMap((token) => {
      const info = apiVersionsOf(token);
      return info ? [{ token, type: canonicalType(token), ...info }] : [];
    });
    expect(versions.length).toBeGreaterThan(20);
    // No exception list: a preview version fails unless Azure has no stable version of the type at all.
    const preview = versions.filter((v) => isPreview(v.used) && !PREVIEW_ONLY_TYPES[v.type]).map((v) => `${v.token} ${v.used}`);
    expect(preview).toEqual([]);
    // Each preview-only entry is used at its recorded version, and the provider still lists no stable one.
    for (const v of versions.filter((x) => PREVIEW_ONLY_TYPES[x.type])) {
      expect({ type: v.type, used: v.used, stable: v.others.filter((o) => !isPreview(o)) }).toEqual({ type: v.type, used: PREVIEW_ONLY_TYPES[v.type].apiVersion, stable: [] });
    }
    // The pinned types register through their parameterized package, on the pinned stable version.
    for (const [type, pin] of Object.entries(PINNED_API_VERSIONS)) {
      for (const r of run.recorder.ofType(type)) {
        expect({ type, token: r.token, used: apiVersionsOf(r.token)!.used }).toEqual({ type, token: pinnedTypeToken(type), used: pin.apiVersion });
        const pkg = run.recorder.packages.find((p) => p.ref === r.packageRef);
        expect(pkg).toEqual({
          baseProviderName: 'azure-native',
          baseProviderVersion: AZURE_NATIVE_BASE.version,
          name: `azure-native_${pin.module}_${sdkVersion(pin.apiVersion)}`,
          version: AZURE_NATIVE_BASE.version,
          value: parameterValue(pin.module, pin.apiVersion),
          ref: r.packageRef,
        });
        expect(decodeParameterValue(pkg!.value)).toEqual({ module: pin.module, version: sdkVersion(pin.apiVersion) });
      }
    }
    expect(run.recorder.one('azure-native:containerregistry:Registry').token).toBe('azure-native_containerregistry_v20251101:containerregistry:Registry');
  });

  it('signs users in: creates the api and SPA registrations and passes them to the api and the frontend', () => {
    const regs = run.recorder.resources.filter((r) => r.type === 'azuread:index/applicationRegistration:ApplicationRegistration');
    expect(regs.map(plain).map((r) => [r.displayName, r.signInAudience, r.requestedAccessTokenVersion]).sort()).toEqual([
      [`aksplat-${stack}-api`, 'AzureADMyOrg', 2],
      [`aksplat-${stack}-spa`, 'AzureADMyOrg', undefined],
    ]);
    const scope = plain(run.recorder.one('azuread:index/applicationPermissionScope:ApplicationPermissionScope'));
    expect([scope.value, scope.type]).toEqual(['Jobs.ReadWrite', 'User']);
    const apiClientId = regs.find((r) => plain(r).displayName === `aksplat-${stack}-api`)!.state as Record<string, string>;
    const env = (app: string) => (plain(run.recorder.resources.find((r) => r.type === 'kubernetes:helm.sh/v3:Release' && r.name.endsWith(`-${app}-release`))!).values as { env: Record<string, string> }).env;
    expect(env('api')).toMatchObject({
      AUTH_MODE: 'entra',
      AUTH_ISSUER: expect.stringMatching(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0$/),
      AUTH_AUDIENCE: `${apiClientId.clientId},api://${apiClientId.clientId}`,
      AUTH_REQUIRED_SCOPE: 'Jobs.ReadWrite',
    });
    expect(env('frontend')).toMatchObject({ AUTH_CLIENT_ID: expect.stringMatching(/^[0-9a-f-]{36}$/), AUTH_SCOPE: `api://${apiClientId.clientId}/Jobs.ReadWrite`, AUTH_PROTOCOL: 'entra' });
    expect(Object.keys(env('agent')).filter((k) => k.startsWith('AUTH_'))).toEqual([]);
  });

  it('tags every taggable Azure resource with the five required tags', () => {
    // Taggable = the azure-native type has a `tags` input (policy/taggable-types.json, generated from the SDK).
    expect(run.recorder.resources.filter((r) => isTaggable(r.type)).length).toBeGreaterThan(20);
    const untagged = run.recorder.resources
      .filter((r) => r.custom && isTaggable(r.type))
      .filter((r) => {
        const tags = plain(r).tags as Record<string, string> | undefined;
        return REQUIRED_TAG_KEYS.some((key) => !tags?.[key]);
      })
      .map((r) => `${r.type} ${r.name}`);
    expect(untagged).toEqual([]);
    const rg = plain(run.recorder.one('azure-native:resources:ResourceGroup'));
    expect(rg.tags).toEqual({ environment: stack, team: 'platform', service: 'aks-platform', 'cost-center': 'cc-4100', 'managed-by': 'pulumi' });
  });

  it('keeps the security defaults in every environment', () => {
    const acr = plain(run.recorder.one('azure-native:containerregistry:Registry'));
    expect(acr).toMatchObject({ adminUserEnabled: false, anonymousPullEnabled: false });
    const aks = plain(run.recorder.one('azure-native:containerservice:ManagedCluster'));
    expect(aks.apiServerAccessProfile).toMatchObject({ enablePrivateCluster: true });
    expect(aks.disableLocalAccounts).toBe(true);
    expect(aks.aadProfile).toMatchObject({ managed: true, enableAzureRBAC: true });
    expect(aks.oidcIssuerProfile).toEqual({ enabled: true });
    expect(aks.securityProfile.workloadIdentity).toEqual({ enabled: true });
    expect(aks.networkProfile).toMatchObject({ networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium' });
    const pg = plain(run.recorder.one('azure-native:dbforpostgresql:Server'));
    expect(pg.network).toMatchObject({ publicNetworkAccess: 'Disabled' });
    const vault = plain(run.recorder.one('azure-native:keyvault:Vault'));
    expect(vault.properties).toMatchObject({ enableRbacAuthorization: true, enablePurgeProtection: true, publicNetworkAccess: 'Disabled' });
    const acrPull = run.recorder
      .ofType('azure-native:authorization:RoleAssignment')
      .map(plain)
      .find((ra) => String(ra.roleDefinitionId).endsWith('7f951dda-4ed3-4680-a7ca-43fe172d538d'));
    expect(acrPull).toMatchObject({ principalType: 'ServicePrincipal' });
    expect(String(acrPull?.scope)).toContain('Microsoft.ContainerRegistry/registries/');
  });

  it('deploys every release with a digest-pinned image, atomically, in its own namespace', () => {
    const all = run.recorder.ofType('kubernetes:helm.sh/v3:Release').map(plain);
    expect(all.map((r) => r.namespace).sort()).toEqual(['agent', 'api', 'frontend', 'gateway']);
    const releases = all.filter((r) => r.namespace !== 'gateway');
    for (const release of all) expect(release).toMatchObject({ atomic: true, cleanupOnFail: true });
    for (const release of releases) {
      expect(release).toMatchObject({ atomic: true, cleanupOnFail: true });
      expect(String(release.values.image.ref ?? release.values.image)).toMatch(/\.azurecr\.io\/.+@sha256:[0-9a-f]{64}$/);
    }
  });

  it('registers the monitoring stack: managed Prometheus, Grafana with the dashboards, the alerts', () => {
    const byType = counts(run);
    expect(byType).toMatchObject({
      'aks-platform:index:ManagedPrometheus': 1,
      'aks-platform:index:ManagedGrafana': 1,
      'aks-platform:index:PrometheusAlerts': 1,
      'azure-native:monitor:AzureMonitorWorkspace': 1,
      'azure-native:monitor:DataCollectionEndpoint': 1,
      'azure-native:dashboard:Grafana': 1,
      'azure-native:monitor:ActionGroup': 1,
      'azure-native:alertsmanagement:PrometheusRuleGroup': ruleGroups().length,
      'grafana:oss/dashboard:Dashboard': Object.keys(DASHBOARDS).length,
    });
    const cluster = plain(run.recorder.one('azure-native:containerservice:ManagedCluster'));
    expect(cluster.azureMonitorProfile).toEqual({ metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: '', metricAnnotationsAllowList: '' } } });

    const workspace = run.recorder.one('azure-native:monitor:AzureMonitorWorkspace');
    expect(plain(workspace).azureMonitorWorkspaceName).toBe(`amw-aksplat-${stack}-weu`);
    const workspaceId = workspace.id;
    const dcr = run.recorder.ofType('azure-native:monitor:DataCollectionRule').map(plain).find((r) => String(r.dataCollectionRuleName).startsWith('MSProm-'));
    expect(dcr).toMatchObject({
      dataCollectionRuleName: `MSProm-westeurope-aks-aksplat-${stack}-weu`,
      kind: 'Linux',
      dataSources: { prometheusForwarder: [{ name: 'PrometheusDataSource', streams: ['Microsoft-PrometheusMetrics'] }] },
      destinations: { monitoringAccounts: [{ name: 'MonitoringAccount1', accountResourceId: workspaceId }] },
      dataFlows: [{ streams: ['Microsoft-PrometheusMetrics'], destinations: ['MonitoringAccount1'] }],
    });
    expect(String(dcr!.dataCollectionEndpointId)).toContain('/dataCollectionEndpoints/MSProm-westeurope-aks-aksplat');
    const dcra = run.recorder.ofType('azure-native:monitor:DataCollectionRuleAssociation').map(plain).find((r) => String(r.associationName).startsWith('MSProm-'));
    expect(String(dcra!.resourceUri)).toMatch(/managedClusters\/aks-aksplat-/);
    expect(String(dcra!.dataCollectionRuleId)).toContain('/dataCollectionRules/MSProm-');

    const grafana = plain(run.recorder.one('azure-native:dashboard:Grafana'));
    expect(grafana).toMatchObject({
      sku: { name: 'Standard' },
      identity: { type: 'SystemAssigned' },
      properties: { apiKey: 'Disabled', zoneRedundancy: stack === 'prod' ? 'Enabled' : 'Disabled', grafanaIntegrations: { azureMonitorWorkspaceIntegrations: [{ azureMonitorWorkspaceResourceId: workspaceId }] } },
    });
    const roles = run.recorder.ofType('azure-native:authorization:RoleAssignment').map(plain);
    const reader = roles.find((r) => String(r.roleDefinitionId).endsWith(MONITORING_ROLE_IDS.monitoringDataReader));
    expect(reader).toMatchObject({ scope: workspaceId, principalType: 'ServicePrincipal' });
    expect(roles.filter((r) => String(r.roleDefinitionId).endsWith(MONITORING_ROLE_IDS.grafanaAdmin)).map((r) => r.principalType)).toEqual(['ServicePrincipal']);
    for (const d of run.recorder.ofType('grafana:oss/dashboard:Dashboard').map(plain)) {
      const model = JSON.parse(String(d.configJson));
      expect(model).toEqual(Object.values(DASHBOARDS).find((m) => m.uid === model.uid));
    }

    const actionGroup = run.recorder.one('azure-native:monitor:ActionGroup');
    expect(plain(actionGroup)).toMatchObject({ location: 'global', groupShortName: `aksplat${stack}`, emailReceivers: [{ name: 'platform-oncall', emailAddress: 'platform-oncall@example.com', useCommonAlertSchema: true }] });
    const clusterId = run.recorder.one('azure-native:containerservice:ManagedCluster').id;
    const groups = run.recorder.ofType('azure-native:alertsmanagement:PrometheusRuleGroup').map(plain);
    expect(groups.map((g) => g.ruleGroupName).sort()).toEqual(ruleGroups().map((g) => `aksplat-${stack}-${g.name}`).sort());
    const alerts = groups.flatMap((g) => g.rules.filter((r: any) => r.alert));
    expect(alerts.map((a: any) => a.alert).sort()).toEqual(allAlerts().map((a) => a.alert).sort());
    for (const g of groups) expect({ name: g.ruleGroupName, scopes: g.scopes, interval: g.interval, clusterName: g.clusterName }).toEqual({ name: g.ruleGroupName, scopes: [workspaceId, clusterId], interval: 'PT1M', clusterName: `aks-aksplat-${stack}-weu` });
    for (const a of alerts) {
      expect(a.actions).toEqual([{ actionGroupId: actionGroup.id }]);
      expect(a.annotations.runbook_url).toMatch(/^docs\/runbooks\.md#[a-z0-9-]+$/);
    }

    // The api and agent are scraped through a managed-Prometheus PodMonitor, and the collector may reach them.
    const releases = run.recorder.ofType('kubernetes:helm.sh/v3:Release').map(plain).filter((r) => r.chart !== 'traefik');
    for (const release of releases) {
      const scraped = release.namespace !== 'frontend';
      expect({ app: release.namespace, podMonitor: release.values.metrics.podMonitor.enabled }).toEqual({ app: release.namespace, podMonitor: scraped });
      const collector = release.values.networkPolicy.ingressFrom.some((p: any) => p.namespace === 'kube-system' && p.podLabels?.rsName === 'ama-metrics');
      expect({ app: release.namespace, collector }).toEqual({ app: release.namespace, collector: scraped });
    }
  });

  it('exports what an operator needs next, with the kubeconfig as a secret', () => {
    const o = run.outputs;
    expect(o.resourceGroupName.value).toBe(`rg-aksplat-${stack}-weu`);
    expect(String(o.registryLoginServer.value)).toMatch(/^craksplat.*\.azurecr\.io$/);
    expect(o.clusterName.value).toBe(`aks-aksplat-${stack}-weu`);
    expect(String(o.postgresFqdn.value)).toMatch(/\.postgres\.database\.azure\.com$/);
    expect(o.redisPort.value).toBe(10000);
    expect(String(o.keyVaultUri.value)).toMatch(/^https:\/\/kv-aksplat-.*\.vault\.azure\.net\/$/);
    expect(o.kubeconfig.secret).toBe(true);
    expect(String(o.kubeconfig.value)).toContain('kubelogin');
    // Nothing secret in a plain output.
    for (const [key, output] of Object.entries(o)) {
      if (!output.secret) expect({ key, leaked: JSON.stringify(output.value ?? null).includes(MOCK_SECRET_MARKER) }).toEqual({ key, leaked: false });
    }
    // The database password and the Redis key reach the vault as secrets only.
    for (const secret of run.recorder.ofType('azure-native:keyvault:Secret')) {
      expect(isSecretValue(secret.inputs.properties)).toBe(true);
    }
  });
});

describe('dev against prod', () => {
  let dev: StackRun;
  let prod: StackRun;
  beforeAll(async () => {
    dev = await runStack('dev', { clock: TEST_CLOCK });
    prod = await runStack('prod', { clock: TEST_CLOCK });
  }, 60_000);

  const cluster = (run: StackRun) => plain(run.recorder.one('azure-native:containerservice:ManagedCluster'));

  it('runs prod on a Standard-tier, zone-redundant cluster whose system pool only hosts critical add-ons', () => {
    expect(cluster(prod).sku).toEqual({ name: 'Base', tier: 'Standard' });
    expect(cluster(dev).sku).toEqual({ name: 'Base', tier: 'Free' });
    const prodSystem = cluster(prod).agentPoolProfiles[0];
    expect(prodSystem).toMatchObject({ mode: 'System', availabilityZones: ['1', '2', '3'], nodeTaints: ['CriticalAddonsOnly=true:NoSchedule'] });
    const devSystem = cluster(dev).agentPoolProfiles[0];
    expect(devSystem.availabilityZones ?? []).toEqual([]);
    expect(devSystem.nodeTaints ?? []).toEqual([]);
    expect(devSystem.maxCount).toBeLessThan(prodSystem.maxCount);
  });

  it('sends prod nodes\' egress through an Azure Firewall with an FQDN allow-list; dev egresses through the AKS load balancer', () => {
    const of = (run: StackRun, type: string) => run.recorder.ofType(`azure-native:network:${type}`);
    // The firewall subnet: exactly AzureFirewallSubnet, the configured /26, no NSG.
    const fwSubnet = prod.recorder.one('azure-native:network:Subnet', 'aksplat-prod-network-snet-firewall');
    expect(plain(fwSubnet)).toMatchObject({ subnetName: 'AzureFirewallSubnet', virtualNetworkName: 'vnet-aksplat-prod-weu', resourceGroupName: 'rg-aksplat-prod-weu', addressPrefix: '10.20.6.0/26' });
    expect([plain(fwSubnet).networkSecurityGroup, plain(fwSubnet).routeTable]).toEqual([undefined, undefined]);
    // Firewall: Standard tier, the policy, a Standard static public IP in the firewall subnet.
    const fw = plain(prod.recorder.one('azure-native:network:AzureFirewall'));
    expect(fw).toMatchObject({ azureFirewallName: 'afw-aksplat-prod-weu', sku: { name: 'AZFW_VNet', tier: 'Standard' } });
    expect(fw.ipConfigurations).toHaveLength(1);
    expect(fw.ipConfigurations[0].subnet.id).toMatch(/\/virtualNetworks\/vnet-aksplat-prod-weu\/subnets\/AzureFirewallSubnet$/);
    expect(plain(prod.recorder.one('azure-native:network:PublicIPAddress', 'aksplat-prod-egress-pip'))).toMatchObject({ sku: { name: 'Standard', tier: 'Regional' }, publicIPAllocationMethod: 'Static' });
    expect(plain(prod.recorder.one('azure-native:network:FirewallPolicy'))).toMatchObject({ sku: { tier: 'Standard' }, threatIntelMode: 'Deny', dnsSettings: { enableProxy: true } });
    // Rules: NTP over UDP 123 from the nodes subnet; the AKS FQDN tag and the platform's FQDNs on HTTPS.
    const groups = Object.fromEntries(of(prod, 'FirewallPolicyRuleCollectionGroup').map((g) => [plain(g).ruleCollectionGroupName, plain(g)]));
    expect(Object.keys(groups).sort()).toEqual(['aks-application', 'aks-network']);
    expect(groups['aks-network'].ruleCollections[0]).toMatchObject({ action: { type: 'Allow' }, rules: [{ ruleType: 'NetworkRule', ipProtocols: ['UDP'], destinationPorts: ['123'], sourceAddresses: ['10.20.0.0/22'] }] });
    const [tagRule, fqdnRule] = groups['aks-application'].ruleCollections[0].rules;
    expect(tagRule).toMatchObject({ fqdnTags: ['AzureKubernetesService'], sourceAddresses: ['10.20.0.0/22'] });
    expect(fqdnRule.protocols).toEqual([{ protocolType: 'Https', port: 443 }]);
    expect(fqdnRule.targetFqdns).toEqual(expect.arrayContaining(['mcr.microsoft.com', '*.data.mcr.microsoft.com', 'management.azure.com', 'login.microsoftonline.com', 'packages.microsoft.com', 'acs-mirror.azureedge.net', '*.ods.opinsights.azure.com', '*.ingest.monitor.azure.com']));
    // prod's registry is private: its endpoints are not on the allow-list.
    expect(fqdnRule.targetFqdns.some((f: string) => f.includes('azurecr.io'))).toBe(false);
    // Route table on the nodes subnet; 0.0.0.0/0 to the firewall's private IP; the cluster waits for the route.
    const rt = prod.recorder.one('azure-native:network:RouteTable');
    expect(plain(rt)).toMatchObject({ routeTableName: 'rt-aksplat-prod-weu-nodes', disableBgpRoutePropagation: true });
    const nodes = plain(prod.recorder.one('azure-native:network:Subnet', 'aksplat-prod-network-snet-nodes'));
    expect(nodes.routeTable.id).toMatch(/\/routeTables\/rt-aksplat-prod-weu-nodes$/);
    const route = prod.recorder.one('azure-native:network:Route');
    expect(plain(route)).toMatchObject({ routeTableName: 'rt-aksplat-prod-weu-nodes', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '192.0.2.4' });
    const aks = prod.recorder.one('azure-native:containerservice:ManagedCluster');
    expect(plain(aks).networkProfile.outboundType).toBe('userDefinedRouting');
    expect(aks.dependencies).toContain(route.urn);
    // dev: none of it.
    expect(cluster(dev).networkProfile.outboundType).toBe('loadBalancer');
    for (const type of ['AzureFirewall', 'FirewallPolicy', 'RouteTable', 'Route']) expect(of(dev, type)).toEqual([]);
    expect(plain(dev.recorder.one('azure-native:network:Subnet', 'aksplat-dev-network-snet-nodes')).routeTable).toBeUndefined();
  });

  it('uses spot user pools only in dev', () => {
    const priorities = (run: StackRun) => run.recorder.ofType('azure-native:containerservice:AgentPool').map((p) => plain(p).scaleSetPriority ?? 'Regular');
    expect(priorities(dev)).toEqual(['Spot', 'Spot']);
    expect(priorities(prod)).toEqual(['Regular', 'Regular']);
  });

  it('makes the prod registry Premium, private and zone-redundant, dev Standard', () => {
    const acr = (run: StackRun) => plain(run.recorder.one('azure-native:containerregistry:Registry'));
    expect(acr(prod)).toMatchObject({ sku: { name: 'Premium' }, publicNetworkAccess: 'Disabled', zoneRedundancy: 'Enabled' });
    expect(acr(dev).sku).toEqual({ name: 'Standard' });
    expect(dev.recorder.ofType('azure-native:network:PrivateEndpoint').length).toBeLessThan(prod.recorder.ofType('azure-native:network:PrivateEndpoint').length);
  });

  it('gives prod HA, geo-redundant PostgreSQL with 35-day backups and dev a burstable server', () => {
    const pg = (run: StackRun) => plain(run.recorder.one('azure-native:dbforpostgresql:Server'));
    expect(pg(prod)).toMatchObject({ sku: { name: 'Standard_D4ds_v5', tier: 'GeneralPurpose' }, highAvailability: { mode: 'ZoneRedundant' }, backup: { geoRedundantBackup: 'Enabled', backupRetentionDays: 35 } });
    expect(pg(dev)).toMatchObject({ sku: { name: 'Standard_B1ms', tier: 'Burstable' }, highAvailability: { mode: 'Disabled' }, backup: { geoRedundantBackup: 'Disabled' } });
  });

  it('protects the stateful resources in prod only', () => {
    const stateful = ['azure-native:dbforpostgresql:Server', 'azure-native:redisenterprise:RedisEnterprise', 'azure-native:keyvault:Vault'];
    for (const type of stateful) {
      expect({ type, prod: prod.recorder.one(type).protect, dev: dev.recorder.one(type).protect }).toEqual({ type, prod: true, dev: false });
    }
  });

  it('has fewer resources in dev than in prod', () => {
    expect(dev.recorder.resources.length).toBeLessThan(prod.recorder.resources.length);
  });
});

describe('the deploying principal', () => {
  const grants = (run: StackRun) =>
    run.recorder
      .ofType('azure-native:authorization:RoleAssignment')
      .filter((r) => r.name.includes('deployer'))
      .map((r) => `${r.name} ${String(plain(r).principalType)} ${String(plain(r).principalId)}`)
      .sort();

  it('gets cluster-admin and Key Vault Secrets Officer as a service principal by default, or as a user when configured', async () => {
    const ci = await runStack('dev', { clock: TEST_CLOCK });
    expect(grants(ci)).toEqual([
      'aksplat-dev-aks-deployer-cluster-admin ServicePrincipal 00000000-0000-4000-8000-000000000003',
      'aksplat-dev-grafana-deployer-admin ServicePrincipal 00000000-0000-4000-8000-000000000003',
      'aksplat-dev-kv-deployer-secrets-officer ServicePrincipal 00000000-0000-4000-8000-000000000003',
    ]);
    const workstation = await runStack('dev', { clock: TEST_CLOCK, overrides: { 'aks-platform:deployerPrincipalType': 'User' } });
    expect(grants(workstation).every((g) => g.includes(' User '))).toBe(true);
  }, 60_000);
});

describe('a bad config', () => {
  it.each([
    ['registry admin via an unknown key', { 'aks-platform:registry.adminUserEnabled': true }, 'aks-platform:registry.adminUserEnabled: unknown key'],
    ['API server open to the internet', { 'aks-platform:cluster.privateCluster': false, 'aks-platform:cluster.authorizedIpRanges': ['0.0.0.0/0'] }, 'aks-platform:cluster.authorizedIpRanges[0]: "0.0.0.0/0" opens the API server to the whole internet'],
    ['a pool name with capitals', { 'aks-platform:cluster.systemPool.name': 'System' }, 'aks-platform:cluster.systemPool.name: "System" is not a valid node pool name'],
  ])('stops the program before any resource is registered: %s', async (_label, overrides, message) => {
    let recorder: { resources: unknown[] } | undefined;
    await expect(runStack('prod', { clock: TEST_CLOCK, overrides }, (r) => (recorder = r))).rejects.toThrow(message);
    expect(recorder?.resources).toEqual([]);
  }, 60_000);
});
