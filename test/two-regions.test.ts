/**
 * prod in two regions (offline/stack-variants.ts PROD_TWO_REGIONS), the real program under the
 * offline engine: two complete stamps, one Front Door with two prioritised origins, the data
 * services across regions, and `activeRegion` changing only the origin priorities.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { RecordedResource, unwrapSecrets } from '../offline/recorded';
import { PROD_TWO_REGIONS } from '../offline/stack-variants';
import { stackConfigFromPulumiConfig } from '../config/validate';
import { readStackConfig } from '../offline/stack-config';
import { TEST_CLOCK } from './support/clock';
import { DeployGraph, checkInvariants, platformCreateOrderInvariants } from '../offline/create-order';

const STAMP = 'aks-platform:index:RegionalStamp';

/** Every resource under a component (children, their children...). */
function under(run: StackRun, urn: string): RecordedResource[] {
  const out: RecordedResource[] = [];
  for (const child of run.recorder.childrenOf(urn)) out.push(child, ...under(run, child.urn));
  return out;
}

/** Resource types under a stamp, counted (custom resources only: what Azure and Kubernetes get). */
function typeCounts(resources: RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources.filter((x) => x.custom)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return counts;
}

describe('prod in two regions', () => {
  let one: StackRun;
  let two: StackRun;
  let flipped: StackRun;
  beforeAll(async () => {
    one = await runStack('prod', { clock: TEST_CLOCK });
    two = await runStack('prod', { clock: TEST_CLOCK, overrides: PROD_TWO_REGIONS });
    flipped = await runStack('prod', { clock: TEST_CLOCK, overrides: { ...PROD_TWO_REGIONS, 'aks-platform:activeRegion': 'northeurope' } });
   }, 300_000);

  it('has two complete stamps: the standby runs the same kinds of resources as the primary, but its data are a replica', () => {
    const stamps = two.recorder.ofType(STAMP);
    expect(stamps.map((s) => s.name)).toEqual(['aksplat-prod', 'aksplat-prod-neu']);
    const [primary, standby] = stamps.map((s) => typeCounts(under(two, s.urn)));
    // The standby has its own resource group; the primary shares the global layer's. Its server is a
    // replica: no databases of its own and no Entra administrator (it has the primary's roles and
    // administrator); no password anywhere; the registry's diagnostics are the home region's.
    const expectedStandby: Record<string, number> = { ...primary, 'azure-native:resources:ResourceGroup': 1 };
    delete expectedStandby['azure-native:dbforpostgresql:Database'];
    delete expectedStandby['azure-native:dbforpostgresql:AdministratorsMicrosoftEntra'];
    expect(primary['random:index/randomPassword:RandomPassword']).toBeUndefined();
    expectedStandby['azure-native:monitor:DiagnosticSetting'] = primary['azure-native:monitor:DiagnosticSetting'] - 1;
    for (const [k, v] of Object.entries(expectedStandby)) if (v === 0) delete expectedStandby[k];
    expect(standby).toEqual(expectedStandby);
    expect(primary['azure-native:containerservice:ManagedCluster']).toBe(1);
    expect(primary['azure-native:network:VirtualNetwork']).toBe(1);
  });

  it('one-region prod is the home stamp of the two: the same resources, and the global layer gains only the replica and the second origin', () => {
    const stampOf = (run: StackRun, name: string) => run.recorder.ofType(STAMP).find((s) => s.name === name)!;
    expect(under(two, stampOf(two, 'aksplat-prod').urn).map((r) => r.urn).sort()).toEqual(under(one, stampOf(one, 'aksplat-prod').urn).map((r) => r.urn).sort());
    const outside = (run: StackRun) => {
      const inStamps = new Set(run.recorder.ofType(STAMP).flatMap((s) => [s.urn, ...under(run, s.urn).map((r) => r.urn)]));
      return run.recorder.resources.filter((r) => !inStamps.has(r.urn));
    };
    const added = outside(two).filter((r) => !outside(one).some((o) => o.urn === r.urn)).map((r) => `${r.type} ${r.name}`);
    // Besides the standby's releases (the apps, by region), the global layer gains the registry's
    // replica in North Europe and North Europe's Front Door origin with its Private Link approval.
    expect(added.filter((x) => !/ aksplat-prod-neu-(api|agent|frontend)/.test(x)).sort()).toEqual([
      'azure-native:cdn:AFDOrigin aksplat-prod-edge-origin-neu',
      'azure-native:containerregistry:Replication aksplat-prod-registry-replica-neu',
      'pulumi-nodejs:dynamic/aks-platform:PrivateLinkApproval aksplat-prod-edge-pls-approval-neu',
    ]);
    expect(added.filter((x) => x.startsWith('aks-platform:index:HelmApp')).sort()).toEqual(['api', 'agent', 'frontend'].map((a) => `aks-platform:index:HelmApp aksplat-prod-neu-${a}`).sort());
  });

  it('keeps every create-order invariant within each region (all 38 apply, none fails)', () => {
    const results = checkInvariants(new DeployGraph(two.recorder.resources), platformCreateOrderInvariants());
    expect(results.filter((r) => r.applies)).toHaveLength(38);
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    // The standby's api release waits for its own region's database endpoint, and for the primary's
    // api release: its migration Job creates the login roles the standby's replica receives.
    const graph = new DeployGraph(two.recorder.resources);
    const waits = graph.waitsFor(two.recorder.one('kubernetes:helm.sh/v3:Release', 'aksplat-prod-neu-api-release').urn);
    const dns = (name: string) => two.recorder.one('azure-native:network:PrivateDnsZoneGroup', name).urn;
    const release = (name: string) => two.recorder.one('kubernetes:helm.sh/v3:Release', name).urn;
    expect([waits.has(dns('aksplat-prod-neu-postgres-pl-dns')), waits.has(release('aksplat-prod-api-release'))]).toEqual([true, true]);
    // The primary's releases wait for nothing of the standby's.
    const primaryWaits = graph.waitsFor(release('aksplat-prod-api-release'));
    expect(primaryWaits.has(dns('aksplat-prod-neu-postgres-pl-dns'))).toBe(false);
  });

  it('one Front Door, one origin group, two origins: West Europe priority 1, North Europe 2, each through its own Private Link Service', () => {
    expect(two.recorder.ofType('azure-native:cdn:Profile')).toHaveLength(1);
    expect(two.recorder.ofType('azure-native:cdn:AFDOriginGroup')).toHaveLength(1);
    const origins = two.recorder.ofType('azure-native:cdn:AFDOrigin').map((o) => unwrapSecrets(o.inputs) as Record<string, any>);
    expect(origins.map((o) => [o.originName, o.priority, o.sharedPrivateLinkResource.privateLinkLocation])).toEqual([
      [expect.any(String), 1, 'westeurope'],
      [expect.stringMatching(/-neu$/), 2, 'northeurope'],
    ]);
    expect(new Set(origins.map((o) => o.sharedPrivateLinkResource.privateLink.id)).size).toBe(2);
    const group = unwrapSecrets(two.recorder.one('azure-native:cdn:AFDOriginGroup').inputs) as Record<string, any>;
    expect(group.healthProbeSettings).toMatchObject({ probePath: '/healthz', probeIntervalInSeconds: 60 });
    expect(group.loadBalancingSettings).toMatchObject({ sampleSize: 4, successfulSamplesRequired: 3 });
  });

  it('flipping activeRegion changes only the Front Door origin priorities', () => {
    const inputs = (run: StackRun) => new Map(run.recorder.resources.map((r) => [r.urn, JSON.stringify(unwrapSecrets(r.inputs))]));
    const a = inputs(two);
    const b = inputs(flipped);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const changed = [...a.keys()].filter((urn) => a.get(urn) !== b.get(urn));
    expect(changed.map((u) => u.split('::').pop())).toEqual(['aksplat-prod-edge-origin', 'aksplat-prod-edge-origin-neu']);
    for (const urn of changed) {
      const before = JSON.parse(a.get(urn)!);
      const after = JSON.parse(b.get(urn)!);
      expect({ ...after, priority: before.priority }).toEqual(before);
      expect(after.priority).toBe(3 - before.priority);
    }
  });

  it('data across regions: a read replica of the primary in the standby, geo-redundant backups on the primary, geo-replicated Redis, one vault per region with the same secret names', () => {
    const servers = two.recorder.ofType('azure-native:dbforpostgresql:Server').map((s) => ({ s, i: unwrapSecrets(s.inputs) as Record<string, any> }));
    const [primary, replica] = servers;
    expect(primary.i).toMatchObject({ location: 'westeurope', backup: { geoRedundantBackup: 'Enabled' }, highAvailability: { mode: 'ZoneRedundant' } });
    expect(primary.i.createMode).toBeUndefined();
    expect(replica.i).toMatchObject({ location: 'northeurope', createMode: 'Replica', sourceServerResourceId: primary.s.id, backup: { geoRedundantBackup: 'Disabled' }, highAvailability: { mode: 'Disabled' } });
    expect(replica.i.administratorLoginPassword).toBeUndefined();
    const dbs = two.recorder.ofType('azure-native:redisenterprise:Database').map((d) => unwrapSecrets(d.inputs) as Record<string, any>);
    expect(dbs).toHaveLength(2);
    for (const db of dbs) {
      expect(db.geoReplication.groupNickname).toBe('aksplat-prod');
      expect(db.geoReplication.linkedDatabases.map((l: { id: string }) => l.id)).toEqual([
        expect.stringMatching(/\/resourceGroups\/rg-aksplat-prod-weu\/providers\/Microsoft.Cache\/redisEnterprise\/[^/]+\/databases\/default$/),
        expect.stringMatching(/\/resourceGroups\/rg-aksplat-prod-neu\/providers\/Microsoft.Cache\/redisEnterprise\/[^/]+\/databases\/default$/),
      ]);
    }
    const secretNames = (location: string) => {
      const stamp = two.recorder.ofType(STAMP).find((s) => s.name === (location === 'westeurope' ? 'aksplat-prod' : 'aksplat-prod-neu'))!;
      return under(two, stamp.urn)
        .filter((r) => r.type === 'azure-native:keyvault:Secret')
        .map((r) => r.inputs.secretName)
        .sort();
    };
    expect(two.recorder.ofType('azure-native:keyvault:Vault').map((v) => v.inputs.location)).toEqual(['westeurope', 'northeurope']);
    expect(secretNames('northeurope')).toEqual(secretNames('westeurope'));
    // No data-service secret in either vault: PostgreSQL and Redis are Entra-only.
    expect(secretNames('westeurope')).toEqual([]);
    const replica2 = unwrapSecrets(two.recorder.one('azure-native:containerregistry:Replication').inputs) as Record<string, any>;
    expect(replica2).toMatchObject({ location: 'northeurope', regionEndpointEnabled: true });
  });

  it("the standby's apps use their region's endpoints and are read-only", () => {
    const release = (name: string) => unwrapSecrets(two.recorder.one('kubernetes:helm.sh/v3:Release', name).inputs) as Record<string, any>;
    const primaryApi = release('aksplat-prod-api-release');
    const standbyApi = release('aksplat-prod-neu-api-release');
    expect(primaryApi.values.readOnly).toBeUndefined();
    expect(standbyApi.values.readOnly).toBe(true);
    const text = (v: unknown) => JSON.stringify(v);
    expect(text(standbyApi.values)).toContain('-neu');
    expect(text(standbyApi.values)).not.toContain('-weu');
  });

  it.each([
    ['two primaries', { 'aks-platform:regions': [{ location: 'westeurope', role: 'primary' }, { location: 'northeurope', role: 'primary', network: { vnetCidr: '10.21.0.0/16', subnets: { nodes: '10.21.0.0/22', privateEndpoints: '10.21.4.0/24', operations: '10.21.5.0/27' } } }] }, 'regions: 2 regions have role primary (westeurope, northeurope); exactly one must (allowed roles: primary, standby)'],
    ['overlapping VNets', { 'aks-platform:regions': [{ location: 'westeurope', role: 'primary' }, { location: 'northeurope', role: 'standby', network: { vnetCidr: '10.20.0.0/16', subnets: { nodes: '10.20.0.0/22', privateEndpoints: '10.20.4.0/24', operations: '10.20.5.0/27' } } }] }, `regions[1].network.vnetCidr: "10.20.0.0/16" overlaps westeurope's VNet 10.20.0.0/16`],
    ['a region twice', { 'aks-platform:regions': [{ location: 'westeurope', role: 'primary' }, { location: 'westeurope', role: 'standby' }] }, 'regions[1].location: "westeurope" is already regions[0]; each region once'],
    ['activeRegion not a region', { 'aks-platform:activeRegion': 'uksouth' }, 'activeRegion: "uksouth" is not a configured region; allowed: westeurope, northeurope'],
    ['geo-replication with persistence', { 'aks-platform:redis.persistence': 'AOF' }, 'redis.persistence: "AOF" cannot be combined with active geo-replication'],
  ])('rejects %s, naming the key, the value and the allowed values', (_label, overrides, message) => {
    const { values } = readStackConfig('prod', { ...PROD_TWO_REGIONS, ...overrides });
    expect(() => stackConfigFromPulumiConfig(values)).toThrow(`aks-platform:${message}`);
  });
});
