/**
 * Restricted egress (lib/egress.ts, components/egress-firewall.ts): the
 * subnet rule as a table, the allow-list data, and the firewall in a stack
 * whose registry is public (dev with the firewall on).
 */
import { EGRESS_FQDNS, FIREWALL_SUBNET_NAME, firewallSubnetProblems, registryEgressFqdns } from '../lib/egress';
import { networkArgProblems } from '../components/network';
import { runStack } from '../offline/run-stack';
import { unwrapSecrets } from '../offline/recorded';
import { TEST_CLOCK } from './support/clock';

describe('firewallSubnetProblems', () => {
  it.each([
    ['10.20.6.0/26', []],
    ['10.20.4.0/24', []],
    ['10.20.6.0/27', ['"10.20.6.0/27" is a /27; AzureFirewallSubnet must be /26 or larger (e.g. /26)']],
    ['10.20.6.1/26', ['host bits set; the network address is 10.20.6.0/26']],
  ])('%s', (cidr, expected) => {
    const messages = firewallSubnetProblems('network.egressFirewall.subnet', cidr).map((p) => p.problem);
    expect(messages.length).toBe(expected.length);
    expected.forEach((m, i) => expect(messages[i]).toContain(m));
  });

  it('requires the subnet when egress filtering is on, naming the key', () => {
    expect(firewallSubnetProblems('network.egressFirewall.subnet', undefined)).toEqual([
      { path: 'network.egressFirewall.subnet', problem: `is required when egress filtering is on: the ${FIREWALL_SUBNET_NAME} range, a /26 or larger inside the VNet` },
    ]);
  });

  it('is checked by the Network component too, with the other subnets', () => {
    const base = {
      naming: { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc' },
      resourceGroupName: 'rg', tags: {}, addressSpace: '10.40.0.0/16', privateDnsZones: [],
      subnets: { nodes: { addressPrefix: '10.40.0.0/22' }, privateEndpoints: { addressPrefix: '10.40.4.0/24' }, operations: { addressPrefix: '10.40.5.0/27' } },
    };
    expect(networkArgProblems({ ...base, firewallSubnetPrefix: '10.40.6.0/26' })).toEqual([]);
    expect(networkArgProblems({ ...base, firewallSubnetPrefix: '10.40.6.0/28' }).map((p) => p.path)).toEqual(['firewallSubnetPrefix']);
    expect(networkArgProblems({ ...base, firewallSubnetPrefix: '10.40.0.0/26' })[0].problem).toContain('overlaps subnets.nodes.addressPrefix');
  });
});

describe('the egress allow-list', () => {
  it('lists each FQDN once, with a reason and a source', () => {
    expect(new Set(EGRESS_FQDNS.map((f) => f.fqdn)).size).toBe(EGRESS_FQDNS.length);
    for (const f of EGRESS_FQDNS) {
      expect(f.fqdn).toMatch(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/);
      expect(f.why.length).toBeGreaterThan(10);
      expect(f.source).toMatch(/^learn\.microsoft\.com\/azure\/aks\//);
    }
  });

  it('names a registry\'s login server and regional data endpoint', () => {
    expect(registryEgressFqdns('craksplatdevweuabc.azurecr.io', 'crAksplatDevWeuAbc', 'westeurope')).toEqual(['craksplatdevweuabc.azurecr.io', 'craksplatdevweuabc.westeurope.data.azurecr.io']);
  });

  it('allows a public registry through the firewall (dev with the firewall on)', async () => {
    const run = await runStack('dev', { clock: TEST_CLOCK, overrides: { 'aks-platform:network.egressFirewall': { enabled: true, subnet: '10.10.6.0/26' } } });
    const groups = run.recorder.ofType('azure-native:network:FirewallPolicyRuleCollectionGroup').map((g) => unwrapSecrets(g.inputs) as Record<string, any>);
    const fqdns: string[] = groups.find((g) => g.ruleCollectionGroupName === 'aks-application')!.ruleCollections[0].rules[1].targetFqdns;
    const acr = unwrapSecrets(run.recorder.one('azure-native:containerregistry:Registry').inputs) as Record<string, any>;
    expect(fqdns.slice(-2)).toEqual([`${acr.registryName.toLowerCase()}.azurecr.io`, `${acr.registryName.toLowerCase()}.westeurope.data.azurecr.io`]);
    expect((unwrapSecrets(run.recorder.one('azure-native:containerservice:ManagedCluster').inputs) as Record<string, any>).networkProfile.outboundType).toBe('userDefinedRouting');
  }, 60_000);
});
