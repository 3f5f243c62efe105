/** The region facts and rules of lib/regions.ts, as tables. */
import {
  REGION_PAIRS,
  originPriority,
  postgresGeoBackupRegions,
  redisSupportsGeoReplication,
  regionsProblems,
  stampName,
} from '../lib/regions';
import { REGION_SHORT_NAMES } from '../lib/naming';

const home = { location: 'westeurope', vnetCidr: '10.20.0.0/16' };
const ok = { postgres: { tier: 'GeneralPurpose', geoRedundantBackup: true }, registry: { sku: 'Premium' }, redis: { kind: 'managed' as const, sku: 'Balanced_B1', persistence: 'None' } };
const we = { location: 'westeurope', role: 'primary' as const, hasNetwork: false };
const ne = { location: 'northeurope', role: 'standby' as const, vnetCidr: '10.21.0.0/16', hasNetwork: true };

describe('regionsProblems', () => {
  it.each([
    ['a valid primary + standby', [we, ne], {}, []],
    ['no primary', [{ ...we, role: 'standby' as const }, ne], {}, ['regions: 0 regions have role primary; exactly one must (allowed roles: primary, standby)']],
    ['the home region missing', [{ ...ne, role: 'primary' as const }], {}, ['regions: the stack\'s location "westeurope" must be one of the regions (it holds the global layer); regions: northeurope']],
    ['a standby without its network', [we, { ...ne, hasNetwork: false, vnetCidr: undefined }], {}, ['regions.1.network: "northeurope" needs its own network (vnetCidr and subnets, disjoint from the other regions\')']],
    ['the home region with a network', [{ ...we, hasNetwork: true, vnetCidr: '10.30.0.0/16' }, ne], {}, ['regions.0.network: "westeurope" is the stack\'s location: its network is the top-level `network`; remove regions[0].network']],
    ['overlapping address spaces', [we, { ...ne, vnetCidr: '10.20.128.0/17' }], {}, ['regions.1.network.vnetCidr: "10.20.128.0/17" overlaps westeurope\'s VNet 10.20.0.0/16; the regions\' address spaces must be disjoint']],
    ['adjacent address spaces are fine', [we, { ...ne, vnetCidr: '10.19.0.0/16' }], {}, []],
    ['a Burstable server cannot have a replica', [we, ne], { postgres: { tier: 'Burstable', geoRedundantBackup: false } }, ['postgres.tier: "Burstable" cannot have a read replica in the standby region; allowed: GeneralPurpose, MemoryOptimized']],
    ['geo-backup from a nonpaired primary', [{ ...we, role: 'standby' as const }, { ...ne, location: 'italynorth', role: 'primary' as const }], {}, [expect.stringMatching(/^regions\.1\.location: "italynorth" has no paired region, so its PostgreSQL server cannot have geo-redundant backups \(postgres\.geoRedundantBackup\); allowed primary regions: .*westeurope/)]],
    ['a Standard registry cannot replicate', [we, ne], { registry: { sku: 'Standard' } }, ['registry.sku: "Standard" cannot be geo-replicated to the other regions; allowed: Premium']],
    ['geo-replicated Redis with persistence', [we, ne], { redis: { kind: 'managed' as const, sku: 'Balanced_B3', persistence: 'AOF' } }, [expect.stringMatching(/^redis\.persistence: "AOF" cannot be combined with active geo-replication/)]],
    ['B1 Redis keeps persistence (no geo-replication: the standby starts empty)', [we, ne], { redis: { kind: 'managed' as const, sku: 'Balanced_B1', persistence: 'AOF' } }, []],
  ])('%s', (_label, regions, override, expected) => {
    const problems = regionsProblems({ home, regions, ...ok, ...override }).map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(problems).toEqual(expected);
  });

  it('activeRegion must be a configured region', () => {
    expect(regionsProblems({ home, regions: [we, ne], activeRegion: 'uksouth', ...ok }).map((p) => p.message)).toEqual(['"uksouth" is not a configured region; allowed: westeurope, northeurope']);
  });
});

describe('facts', () => {
  it('has a pair entry (or none) for every supported region, and pairs within Europe are mutual', () => {
    expect(Object.keys(REGION_PAIRS).sort()).toEqual(Object.keys(REGION_SHORT_NAMES).sort());
    expect([REGION_PAIRS.westeurope, REGION_PAIRS.northeurope]).toEqual(['northeurope', 'westeurope']);
    expect(postgresGeoBackupRegions()).not.toContain('italynorth');
  });

  it.each([
    ['managed', 'Balanced_B0', false],
    ['managed', 'Balanced_B1', false],
    ['managed', 'Balanced_B3', true],
    ['managed', 'MemoryOptimized_M10', true],
    ['classic', 'P1', false],
  ] as const)('Redis %s %s active geo-replication: %s', (kind, sku, expected) => {
    expect(redisSupportsGeoReplication(kind, sku)).toBe(expected);
  });

  it('origin priorities and stamp names', () => {
    expect([originPriority('westeurope', 'westeurope'), originPriority('northeurope', 'westeurope')]).toEqual([1, 2]);
    expect([stampName('aksplat-prod', 'westeurope', 'westeurope'), stampName('aksplat-prod', 'northeurope', 'westeurope')]).toEqual(['aksplat-prod', 'aksplat-prod-neu']);
  });
});
