import { installMocks } from '../offline/mocks';
import type { ResolvedOutput } from '../offline/run-stack';
import type { NetworkArgs } from '../components/network';
import { registeredTypes, resourceErrorOf } from './support/components';
import { baseArgs, builds, tags, ZONES } from './support/builds/network';
import { buildRuns } from './support/build-runs';

/** The runs of ./support/builds/network.ts's builds, by name (./support/build-runs.ts). */
const build = buildRuns('prod', 'test/support/builds/network.ts', builds);
const buildBase = () => build('net');

describe('Network', () => {
  it('creates the VNet, one NSG and subnet per role, and linked private DNS zones', async () => {
    const { recorder, outputs: net } = buildBase();
    const comp = recorder.one('aks-platform:index:Network', 'net');
    expect(recorder.childrenOf(comp.urn).map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        'azure-native:network:NetworkSecurityGroup net-nsg-nodes',
        'azure-native:network:NetworkSecurityGroup net-nsg-ops',
        'azure-native:network:NetworkSecurityGroup net-nsg-pe',
        'azure-native:network:Subnet net-snet-nodes',
        'azure-native:network:Subnet net-snet-ops',
        'azure-native:network:Subnet net-snet-pe',
        'azure-native:network:VirtualNetwork net-vnet',
        'azure-native:privatedns:PrivateZone net-zone-privatelink.azurecr.io',
        'azure-native:privatedns:PrivateZone net-zone-privatelink.vaultcore.azure.net',
        'azure-native:privatedns:VirtualNetworkLink net-link-privatelink.azurecr.io',
        'azure-native:privatedns:VirtualNetworkLink net-link-privatelink.vaultcore.azure.net',
      ].sort(),
    );

    const vnet = recorder.one('azure-native:network:VirtualNetwork');
    expect(vnet.inputs).toEqual({
      virtualNetworkName: 'vnet-aksplat-prod-weu',
      resourceGroupName: 'rg-aksplat-prod-weu',
      location: 'westeurope',
      addressSpace: { addressPrefixes: ['10.40.0.0/16'] },
      // SDK defaults; no inline `subnets` (they are separate resources).
      enableDdosProtection: false,
      enableVmProtection: false,
      tags,
    });

    // Every subnet references its own NSG; every taggable child is tagged.
    for (const [qualifier, cidr, subnetName] of [
      ['nodes', '10.40.0.0/22', 'snet-aksplat-prod-weu-nodes'],
      ['pe', '10.40.4.0/24', 'snet-aksplat-prod-weu-pe'],
      ['ops', '10.40.5.0/27', 'snet-aksplat-prod-weu-ops'],
    ] as const) {
      const subnet = recorder.one('azure-native:network:Subnet', `net-snet-${qualifier}`);
      const nsg = recorder.one('azure-native:network:NetworkSecurityGroup', `net-nsg-${qualifier}`);
      expect(subnet.inputs.subnetName).toBe(subnetName);
      expect(subnet.inputs.addressPrefix).toBe(cidr);
      expect(subnet.inputs.virtualNetworkName).toBe('vnet-aksplat-prod-weu');
      expect(subnet.inputs.networkSecurityGroup).toEqual({ id: nsg.id });
      expect(subnet.propertyDependencies.networkSecurityGroup).toEqual([nsg.urn]);
      expect(nsg.inputs.networkSecurityGroupName).toBe(`nsg-aksplat-prod-weu-${qualifier}`);
      expect(nsg.inputs.tags).toEqual(tags);
    }
    expect(recorder.one('azure-native:network:Subnet', 'net-snet-pe').inputs.privateEndpointNetworkPolicies).toBe('Enabled');
    expect(recorder.one('azure-native:network:Subnet', 'net-snet-nodes').inputs.privateEndpointNetworkPolicies).toBe('Disabled'); // SDK default
    expect(recorder.one('azure-native:network:Subnet', 'net-snet-nodes').inputs.privateLinkServiceNetworkPolicies).toBe('Disabled');

    for (const zone of ZONES) {
      const z = recorder.one('azure-native:privatedns:PrivateZone', `net-zone-${zone}`);
      expect(z.inputs).toEqual({ privateZoneName: zone, resourceGroupName: 'rg-aksplat-prod-weu', location: 'global', tags });
      const link = recorder.one('azure-native:privatedns:VirtualNetworkLink', `net-link-${zone}`);
      expect(link.inputs).toMatchObject({ privateZoneName: zone, location: 'global', registrationEnabled: false, virtualNetwork: { id: vnet.id }, tags });
    }

    // Outputs.
    // A record of outputs is recorded by `<property>.<key>` (offline/run-stack.ts outputsOf).
    const output = (key: string): ResolvedOutput => net[key] ?? { value: `no output ${key}`, secret: false };
    expect(output('vnetId').value).toBe(vnet.id);
    expect(output('subnetIds.nodes').value).toBe(recorder.one('azure-native:network:Subnet', 'net-snet-nodes').id);
    expect(output('subnetIds.privateEndpoints').value).toMatch(/\/virtualNetworks\/vnet-aksplat-prod-weu\/subnets\/snet-aksplat-prod-weu-pe$/);
    const zoneIds = Object.keys(net).filter((k) => k.startsWith('privateDnsZoneIds.')).map((k) => k.slice('privateDnsZoneIds.'.length));
    expect(zoneIds.sort()).toEqual([...ZONES].sort());
    expect(output('privateDnsZoneIds.privatelink.azurecr.io').value).toBe(
      recorder.one('azure-native:privatedns:PrivateZone', 'net-zone-privatelink.azurecr.io').id,
    );
  });

  it('chains the subnets so Azure never sees parallel subnet updates on one VNet', async () => {
    const { recorder } = buildBase();
    const nodes = recorder.one('azure-native:network:Subnet', 'net-snet-nodes');
    const pe = recorder.one('azure-native:network:Subnet', 'net-snet-pe');
    const ops = recorder.one('azure-native:network:Subnet', 'net-snet-ops');
    expect(pe.dependencies).toContain(nodes.urn);
    expect(ops.dependencies).toContain(pe.urn);
    expect(nodes.dependencies).not.toContain(pe.urn);
  });

  it('writes the NSG rules per role: no Internet on nodes (Private Link only), VNet only on private endpoints, no Internet on operations', async () => {
    const { recorder } = buildBase();
    const rules = (q: string) => recorder.one('azure-native:network:NetworkSecurityGroup', `net-nsg-${q}`).inputs.securityRules as Array<Record<string, unknown>>;

    const nodes = rules('nodes');
    expect(nodes.map((r) => [r.name, r.priority, r.access, r.sourceAddressPrefix])).toEqual([
      ['AllowAzureLoadBalancerInbound', 110, 'Allow', 'AzureLoadBalancer'],
      ['AllowPodCidrInbound', 120, 'Allow', '192.168.0.0/16'],
      ['DenyInternetInbound', 4096, 'Deny', 'Internet'],
    ]);
    expect(nodes[2]).toMatchObject({ protocol: '*', direction: 'Inbound', destinationPortRange: '*' });

    const pe = rules('pe');
    expect(pe.map((r) => [r.name, r.priority, r.access, r.sourceAddressPrefix, r.direction])).toEqual([
      ['AllowVirtualNetworkInbound', 100, 'Allow', 'VirtualNetwork', 'Inbound'],
      ['DenyAllInbound', 4096, 'Deny', '*', 'Inbound'],
    ]);

    const ops = rules('ops');
    // No rule on the operations subnet allows anything from the Internet.
    expect(ops.filter((r) => r.access === 'Allow')).toEqual([]);
    expect(ops.map((r) => [r.name, r.access, r.sourceAddressPrefix, r.destinationPortRanges ?? r.destinationPortRange])).toEqual([
      ['DenyRdpSshFromInternet', 'Deny', 'Internet', ['22', '3389']],
      ['DenyInternetInbound', 'Deny', 'Internet', '*'],
    ]);
  });

  it('without a pod CIDR the nodes NSG has no pod rule', async () => {
    // baseArgs({ clusterPodCidr: undefined })
    const { recorder } = build('nopod');
    const rules = recorder.one('azure-native:network:NetworkSecurityGroup', 'nopod-nsg-nodes').inputs.securityRules as Array<{ name: string }>;
    expect(rules.map((r) => r.name)).toEqual(['AllowAzureLoadBalancerInbound', 'DenyInternetInbound']);
  });

  it('uses the caller-given subnet names and location', async () => {
    // location northeurope, subnets.nodes { addressPrefix: '10.40.0.0/22', name: 'aks-nodes' }
    const { recorder } = build('named');
    expect(recorder.one('azure-native:network:Subnet', 'named-snet-nodes').inputs.subnetName).toBe('aks-nodes');
    expect(recorder.one('azure-native:network:VirtualNetwork').inputs.location).toBe('northeurope');
  });

  const bad: Array<[string, (a: NetworkArgs) => void, RegExp]> = [
    ['bad VNet CIDR', (a) => { a.addressSpace = '10.40.0.0/33'; }, /args\.addressSpace: "10\.40\.0\.0\/33" is not an IPv4 CIDR/],
    ['host bits', (a) => { a.subnets.nodes.addressPrefix = '10.40.0.1/22'; }, /args\.subnets\.nodes\.addressPrefix: "10\.40\.0\.1\/22" has host bits set; the network address is 10\.40\.0\.0\/22/],
    ['outside the VNet', (a) => { a.subnets.operations.addressPrefix = '10.41.0.0/27'; }, /args\.subnets\.operations\.addressPrefix: "10\.41\.0\.0\/27" is not inside the VNet address space 10\.40\.0\.0\/16/],
    ['overlap', (a) => { a.subnets.privateEndpoints.addressPrefix = '10.40.3.0/24'; }, /args\.subnets\.privateEndpoints\.addressPrefix: "10\.40\.3\.0\/24" overlaps subnets\.nodes\.addressPrefix \(10\.40\.0\.0\/22\)/],
    ['too small', (a) => { a.subnets.operations.addressPrefix = '10.40.5.0/30'; }, /args\.subnets\.operations\.addressPrefix: .*\/29 or larger/],
    ['missing role', (a) => { delete (a.subnets as Partial<NetworkArgs['subnets']>).operations; }, /args\.subnets\.operations: is required; the subnets are nodes, privateEndpoints, operations/],
    ['unknown role', (a) => { (a.subnets as Record<string, unknown>).web = { addressPrefix: '10.40.6.0/24' }; }, /args\.subnets\.web: is not a subnet role; allowed: nodes, privateEndpoints, operations/],
    ['zone not privatelink', (a) => { a.privateDnsZones = ['example.com']; }, /args\.privateDnsZones\[0\]: "example\.com" is not a Private Link zone; allowed zones start with "privatelink\."/],
    ['zone not a DNS name', (a) => { a.privateDnsZones = ['privatelink.Azurecr.io']; }, /args\.privateDnsZones\[0\]: .*not a lowercase DNS zone name/],
    ['pod CIDR in the VNet', (a) => { a.clusterPodCidr = '10.40.128.0/17'; }, /args\.clusterPodCidr: "10\.40\.128\.0\/17" overlaps the VNet address space 10\.40\.0\.0\/16/],
    ['bad pod CIDR', (a) => { a.clusterPodCidr = '192.168.0.0'; }, /args\.clusterPodCidr: "192\.168\.0\.0" is not an IPv4 CIDR/],
    ['duplicate zone', (a) => { a.privateDnsZones = ['privatelink.azurecr.io', 'privatelink.azurecr.io']; }, /args\.privateDnsZones\[1\]: "privatelink\.azurecr\.io" is listed twice/],
  ];
  it.each(bad)('rejects %s with a ResourceError naming the arg, and registers no child', async (_label, mutate, message) => {
    const recorder = installMocks({ stack: 'prod' });
    const { Network } = await import('../components/network');
    const args = baseArgs();
    args.subnets = { nodes: { ...args.subnets.nodes }, privateEndpoints: { ...args.subnets.privateEndpoints }, operations: { ...args.subnets.operations } };
    mutate(args);
    const error = resourceErrorOf(() => new Network('bad', args));
    expect(error.message).toMatch(/^Network "bad" has invalid arguments/);
    expect(error.message).toMatch(message);
    expect(await registeredTypes(recorder)).toEqual(['aks-platform:index:Network']);
  });

  it('trusts Output values (validated only when plain)', async () => {
    // addressSpace: pulumi.output('10.40.0.0/16')
    const { recorder } = build('out');
    expect(recorder.ofType('azure-native:network:Subnet')).toHaveLength(3);
  });
});
