import * as pulumi from '@pulumi/pulumi';
import { installMocks, settle, resolveOutput, MOCK_SECRET_MARKER, isSecretValue } from '../offline/mocks';

describe('offline harness', () => {
  it('records resources with parents, dependencies, options and computed outputs', async () => {
    const recorder = installMocks({ stack: 'dev' });
    // Submodules, not the package root (whose typings are 5,000 files for tsc).
    const azure = { resources: await import('@pulumi/azure-native/resources'), containerregistry: await import('@pulumi/azure-native/containerregistry') };
    const random = await import('@pulumi/random');
    class Holder extends pulumi.ComponentResource {
      constructor(name: string) {
        super('aks-platform:index:Holder', name, {}, {});
        const rg = new azure.resources.ResourceGroup(`${name}-rg`, { resourceGroupName: 'rg-x' }, { parent: this });
        const pw = new random.RandomPassword(`${name}-pw`, { length: 24 }, { parent: this });
        const acr = new azure.containerregistry.Registry(`${name}-acr`, {
          resourceGroupName: rg.name, registryName: 'crx123', sku: { name: 'Premium' }, adminUserEnabled: false,
          tags: { secretish: pw.result },
        }, { parent: this, protect: true });
        this.loginServer = acr.loginServer;
        this.password = pw.result;
        this.registerOutputs({});
      }
      loginServer: pulumi.Output<string>;
      password: pulumi.Output<string>;
    }
    const h = new Holder('h');
    const login = await resolveOutput(h.loginServer);
    const pw = await resolveOutput(h.password);
    await settle();
    expect(login).toEqual({ value: 'crx123.azurecr.io', secret: false });
    expect(pw.secret).toBe(true);
    expect(pw.value.startsWith(MOCK_SECRET_MARKER)).toBe(true);
    const acr = recorder.one('azure-native:containerregistry:Registry');
    const rg = recorder.one('azure-native:resources:ResourceGroup');
    const comp = recorder.one('aks-platform:index:Holder');
    expect(acr.protect).toBe(true);
    expect(acr.parent).toBe(comp.urn);
    expect(acr.dependencies).toEqual(expect.arrayContaining([rg.urn]));
    expect(acr.propertyDependencies.resourceGroupName).toEqual([rg.urn]);
    // A secret inside an input object makes the whole object secret.
    expect(isSecretValue(acr.inputs.tags)).toBe(true);
    expect(acr.id).toBe('/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-x/providers/Microsoft.ContainerRegistry/registries/crx123');
  });
});

describe('mocks that answer like ARM', () => {
  it('nest child and extension resources under their parents with ARM collection names, and compute what Azure returns', async () => {
    const { MOCK_SUBSCRIPTION_ID, callResult } = await import('../offline/mocks');
    const recorder = installMocks({ stack: 'dev' });
    // Submodules, not the package root (whose typings are 5,000 files for tsc).
    const azure = {
      resources: await import('@pulumi/azure-native/resources'),
      network: await import('@pulumi/azure-native/network'),
      containerservice: await import('@pulumi/azure-native/containerservice'),
      authorization: await import('@pulumi/azure-native/authorization'),
    };
    const rg = new azure.resources.ResourceGroup('rg', { resourceGroupName: 'rg-x', location: 'westeurope' });
    const vnet = new azure.network.VirtualNetwork('vnet', { resourceGroupName: rg.name, virtualNetworkName: 'vnet-x', addressSpace: { addressPrefixes: ['10.0.0.0/16'] } });
    const subnet = new azure.network.Subnet('snet', { resourceGroupName: rg.name, virtualNetworkName: vnet.name, subnetName: 'snet-x', addressPrefix: '10.0.0.0/24' });
    const cluster = new azure.containerservice.ManagedCluster('aks', {
      resourceGroupName: rg.name, resourceName: 'aks-x', location: 'westeurope', dnsPrefix: 'aks-x',
      apiServerAccessProfile: { enablePrivateCluster: true },
    });
    const pool = new azure.containerservice.AgentPool('pool', { resourceGroupName: rg.name, resourceName: cluster.name, agentPoolName: 'memopt' });
    const grant = new azure.authorization.RoleAssignment('grant', { scope: cluster.id, principalId: 'p', roleDefinitionId: 'r' });
    const pe = new azure.network.PrivateEndpoint('pe', { resourceGroupName: rg.name, privateEndpointName: 'pe-x', customNetworkInterfaceName: 'pe-x-nic', subnet: { id: subnet.id } });
    const creds = azure.containerservice.listManagedClusterUserCredentialsOutput({ resourceGroupName: rg.name, resourceName: cluster.name });
    const base = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-x`;
    expect((await resolveOutput(subnet.id)).value).toBe(`${base}/providers/Microsoft.Network/virtualNetworks/vnet-x/subnets/snet-x`);
    expect((await resolveOutput(pool.id)).value).toBe(`${base}/providers/Microsoft.ContainerService/managedClusters/aks-x/agentPools/memopt`);
    const grantName = (await resolveOutput(grant.name)).value;
    expect(grantName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await resolveOutput(grant.id)).value).toBe(`${base}/providers/Microsoft.ContainerService/managedClusters/aks-x/providers/Microsoft.Authorization/roleAssignments/${grantName}`);
    expect((await resolveOutput(pe.networkInterfaces)).value).toEqual([{ id: `${base}/providers/Microsoft.Network/networkInterfaces/pe-x-nic` }]);
    const privateFqdn = (await resolveOutput(cluster.privateFQDN)).value!;
    expect(privateFqdn).toMatch(/^aks-x-[0-9a-f]{8}\.[0-9a-f]{8}\.privatelink\.westeurope\.azmk8s\.io$/);
    expect((await resolveOutput(cluster.fqdn)).value).toBeUndefined();
    const identity = (await resolveOutput(cluster.identityProfile)).value!.kubeletidentity;
    expect(identity.resourceId).toBe(`/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/MC_rg-x_aks-x_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-x-agentpool`);
    expect((await resolveOutput(cluster.oidcIssuerProfile)).value?.issuerURL).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/$/);
    // The kubeconfig's server is the API server the cluster reports.
    const kubeconfig = Buffer.from((await resolveOutput(creds.kubeconfigs)).value![0].value, 'base64').toString('utf8');
    expect(kubeconfig).toContain(`server: https://${privateFqdn}:443`);
    // An invoke naming the cluster by its Pulumi name fails as ARM would.
    await settle();
    expect(() => callResult('azure-native:containerservice:listManagedClusterUserCredentials', { resourceGroupName: 'rg-x', resourceName: 'aks' }, recorder.resources)).toThrow(
      /ResourceNotFound.*managedClusters\/aks' under resource group 'rg-x' was not found/,
    );
    expect(recorder.one('azure-native:network:Subnet').id).toBe(`${base}/providers/Microsoft.Network/virtualNetworks/vnet-x/subnets/snet-x`);
  }, 30_000);
});
