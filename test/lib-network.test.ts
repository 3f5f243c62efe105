import { addressPlanProblems, nsgRulesFor, privateDnsZoneNameProblem, SUBNET_ROLES } from '../lib/network';

describe('addressPlanProblems', () => {
  const cases: Array<[string, string | undefined, Array<[string, string | undefined]>, string[]]> = [
    ['a valid plan', '10.0.0.0/16', [['a', '10.0.0.0/22'], ['b', '10.0.4.0/24']], []],
    ['unknown values are skipped', undefined, [['a', undefined], ['b', '10.0.4.0/24']], []],
    ['bad space', '10.0.0.0', [['a', '10.0.0.0/22']], ['space: "10.0.0.0" is not an IPv4 CIDR such as 10.0.0.0/16']],
    ['outside', '10.0.0.0/16', [['a', '192.168.0.0/24']], ['a: "192.168.0.0/24" is not inside the VNet address space 10.0.0.0/16 (space)']],
    ['overlap', '10.0.0.0/16', [['a', '10.0.0.0/22'], ['b', '10.0.2.0/24']], ['b: "10.0.2.0/24" overlaps a (10.0.0.0/22); subnets must not overlap']],
    ['/30', '10.0.0.0/16', [['a', '10.0.0.0/30']], ['a: "10.0.0.0/30" is a /30; Azure subnets are /29 or larger (Azure reserves 5 addresses per subnet)']],
  ];
  it.each(cases)('%s', (_label, space, subnets, expected) => {
    expect(addressPlanProblems('space', space, subnets).map((p) => `${p.path}: ${p.problem}`)).toEqual(expected);
  });
});

describe('privateDnsZoneNameProblem', () => {
  it.each([
    ['privatelink.azurecr.io', undefined],
    ['privatelink.postgres.database.azure.com', undefined],
    ['privatelink.redis.azure.net', undefined],
    ['azurecr.io', 'not a Private Link zone'],
    ['privatelink..io', 'not a lowercase DNS zone name'],
    ['PrivateLink.azurecr.io', 'not a lowercase DNS zone name'],
  ])('%s', (zone, problem) => {
    const got = privateDnsZoneNameProblem(zone);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('nsgRulesFor', () => {
  it.each(SUBNET_ROLES)('%s: unique names and priorities within 100..4096, inbound only', (role) => {
    const rules = nsgRulesFor(role, { podCidr: '192.168.0.0/16' });
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    for (const r of rules) {
      expect(r.priority).toBeGreaterThanOrEqual(100);
      expect(r.priority).toBeLessThanOrEqual(4096);
      expect(r.direction).toBe('Inbound');
    }
  });
  it.each(SUBNET_ROLES)('%s: never allows SSH, RDP or UDP from the Internet, and denies the rest of the Internet last', (role) => {
    const rules = nsgRulesFor(role);
    const fromInternet = rules.filter((r) => r.access === 'Allow' && ['Internet', '*', '0.0.0.0/0'].includes(r.sourceAddressPrefix));
    for (const r of fromInternet) {
      const ports = r.destinationPortRanges ?? [r.destinationPortRange];
      expect(ports).not.toContain('*');
      expect(ports).not.toContain('22');
      expect(ports).not.toContain('3389');
      expect(r.protocol).toBe('Tcp');
    }
    const last = [...rules].sort((a, b) => b.priority - a.priority)[0];
    expect(last).toMatchObject({ access: 'Deny', priority: 4096, destinationPortRange: '*' });
    expect(['Internet', '*']).toContain(last.sourceAddressPrefix);
  });
  it('allows the overlay pod CIDR into the nodes subnet only', () => {
    const withPods = SUBNET_ROLES.map((role) => [role, nsgRulesFor(role, { podCidr: '192.168.0.0/16' }).filter((r) => r.sourceAddressPrefix === '192.168.0.0/16').map((r) => r.access)]);
    expect(withPods).toEqual([['nodes', ['Allow']], ['privateEndpoints', []], ['operations', []]]);
  });
  it('opens nothing to the Internet on any subnet (Front Door reaches the gateway through Private Link)', () => {
    const open = SUBNET_ROLES.flatMap((role) => nsgRulesFor(role).filter((r) => r.access === 'Allow' && r.sourceAddressPrefix === 'Internet').map((r) => [role, r.name]));
    expect(open).toEqual([]);
  });
});
