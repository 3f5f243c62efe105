/**
 * Critical path and cost estimates (pure functions of plan/durations.ts and plan/prices.ts).
 */
import { ancestors, durationMinutes, schedule } from '../../plan/durations';
import { estimateCost, HOURS_PER_MONTH, PRICE_TABLE_INFO } from '../../plan/prices';
import type { ResourceView } from '../../policy/model';

const node = (urn: string, minutes: number, dependsOn: string[] = []) => ({ urn, minutes, dependsOn });

describe('schedule', () => {
  it('finds the longest chain, not the longest single resource', () => {
    const s = schedule([
      node('rg', 0.2), node('vnet', 0.5, ['rg']), node('aks', 9, ['vnet']), node('helm', 3, ['aks', 'image']),
      node('acr', 1, ['rg']), node('image', 3, ['acr']), node('redis', 20, ['rg']),
    ]);
    expect(s.criticalPath).toEqual(['rg', 'redis']);
    expect(s.totalMinutes).toBe(20.2);
    expect(s.start.get('helm')).toBe(9.7);
    expect(s.waitsFor.get('helm')).toBe('aks');
  });

  it('lets independent resources start at minute 0 and rejects cycles and unknown dependencies', () => {
    const s = schedule([node('a', 2), node('b', 3)]);
    expect([s.start.get('a'), s.start.get('b'), s.totalMinutes]).toEqual([0, 0, 3]);
    expect(() => schedule([node('a', 1, ['b']), node('b', 1, ['a'])])).toThrow('dependency cycle');
    expect(() => schedule([node('a', 1, ['zzz'])])).toThrow('zzz is not a resource of this plan');
  });

  it('collects ancestors transitively', () => {
    const nodes = [node('a', 1), node('b', 1, ['a']), node('c', 1, ['b']), node('d', 1)];
    expect([...ancestors('c', nodes)].sort()).toEqual(['a', 'b']);
  });

  it('prices a zone-redundant Postgres standby and a private cluster in', () => {
    expect(durationMinutes('azure-native:dbforpostgresql:Server', { highAvailability: { mode: 'ZoneRedundant' } })).toBe(15);
    expect(durationMinutes('azure-native:dbforpostgresql:Server', { highAvailability: { mode: 'Disabled' } })).toBe(8);
    expect(durationMinutes('azure-native:containerservice:ManagedCluster', { apiServerAccessProfile: { enablePrivateCluster: true } })).toBe(10);
    expect(durationMinutes('aks-platform:index:Network', {}, false)).toBe(0);
  });
});

const res = (type: string, props: Record<string, unknown>): ResourceView => ({ urn: `urn:pulumi:prod::p::${type}::x`, type, name: 'x', props, protect: false, dependencies: [] });

describe('cost estimates', () => {
  it('documents its date, region and source', () => {
    expect(PRICE_TABLE_INFO).toMatchObject({ region: 'westeurope', currency: 'USD' });
    expect(PRICE_TABLE_INFO.source).toContain('prices.azure.com');
  });

  it('prices AKS control plane plus inline pools, min and max', () => {
    const cost = estimateCost(res('azure-native:containerservice:ManagedCluster', {
      sku: { tier: 'Standard' },
      agentPoolProfiles: [{ name: 'system', vmSize: 'Standard_D4ds_v5', enableAutoScaling: true, minCount: 3, maxCount: 5, osDiskType: 'Ephemeral' }],
    }));
    expect(cost.kind).toBe('estimate');
    if (cost.kind !== 'estimate') return;
    expect(cost.estimate.monthly).toBeCloseTo(0.1 * HOURS_PER_MONTH + 3 * 0.254 * HOURS_PER_MONTH, 1);
    expect(cost.estimate.monthlyMax).toBeCloseTo(0.1 * HOURS_PER_MONTH + 5 * 0.254 * HOURS_PER_MONTH, 1);
  });

  it('doubles Postgres with HA, discounts Spot pools, and says when it cannot estimate', () => {
    const single = estimateCost(res('azure-native:dbforpostgresql:Server', { sku: { name: 'Standard_D4ds_v5' }, storage: { storageSizeGB: 256 } }));
    const ha = estimateCost(res('azure-native:dbforpostgresql:Server', { sku: { name: 'Standard_D4ds_v5' }, storage: { storageSizeGB: 256 }, highAvailability: { mode: 'ZoneRedundant' } }));
    if (single.kind !== 'estimate' || ha.kind !== 'estimate') throw new Error('expected estimates');
    expect(ha.estimate.monthly).toBeCloseTo(single.estimate.monthly * 2, 1);
    const spot = estimateCost(res('azure-native:containerservice:AgentPool', { vmSize: 'Standard_F2s_v2', count: 1, osDiskType: 'Ephemeral', scaleSetPriority: 'Spot' }));
    const regular = estimateCost(res('azure-native:containerservice:AgentPool', { vmSize: 'Standard_F2s_v2', count: 1, osDiskType: 'Ephemeral' }));
    if (spot.kind !== 'estimate' || regular.kind !== 'estimate') throw new Error('expected estimates');
    expect(spot.estimate.monthly).toBeLessThan(regular.estimate.monthly);
    expect(estimateCost(res('azure-native:containerservice:AgentPool', { vmSize: 'Standard_Z99', count: 1 }))).toEqual({ kind: 'unknown', note: expect.stringContaining('Standard_Z99') });
    expect(estimateCost(res('azure-native:network:VirtualNetwork', {}))).toEqual({ kind: 'free' });
    expect(estimateCost(res('azure-native:operationalinsights:Workspace', {})).kind).toBe('usage');
  });
});
