/**
 * Recovery objectives of the data services and the edge, as data: what each recovery mechanism
 * gives (RPO: how much data can be lost; RTO: how long until it serves again), with the source
 * and the date it was checked. docs/runbooks.md renders the table from here
 * (`npx tsx scripts/recovery-docs.ts`; test/recovery-objectives.test.ts fails when it is stale),
 * and the failover steps use {@link frontDoorFailoverSeconds} for the edge's detection time.
 */
import { FRONT_DOOR_HEALTH_PROBE } from './edge';

/** Date every entry below was checked against its source. */
export const RECOVERY_OBJECTIVES_CHECKED = '2026-12-01';

const PG_CONTINUITY = 'https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity';
const PG_PROMOTE = 'https://learn.microsoft.com/azure/postgresql/read-replica/concepts-read-replicas-promote';
const REDIS_GEO = 'https://learn.microsoft.com/azure/redis/how-to-active-geo-replication';
const FD_PROBES = 'https://learn.microsoft.com/azure/frontdoor/health-probes';

export type RecoveryService = 'postgres' | 'redis' | 'frontDoor';

export interface RecoveryObjective {
  service: RecoveryService;
  /** The failure it answers and the mechanism. */
  mechanism: string;
  /** Recovery point objective as the source states it. */
  rpo: string;
  /** Recovery time objective as the source states it. */
  rto: string;
  /** Upper bound of the RPO in seconds when the source gives one (0 = no data loss). */
  rpoMaxSeconds?: number;
  /** Upper bound of the RTO in seconds when the source gives one. */
  rtoMaxSeconds?: number;
  /** Where it applies in this platform (SKU, stack). */
  appliesTo: string;
  /** Source URL (Microsoft Learn) or repository file. */
  source: string;
  /** What the source says, in short (not a quote). */
  note: string;
  checked: string;
}

export const RECOVERY_OBJECTIVES: readonly RecoveryObjective[] = [
  {
    service: 'postgres',
    mechanism: 'zone outage: zone-redundant high availability, automatic failover',
    rpo: '0',
    rto: '< 120 s',
    rpoMaxSeconds: 0,
    rtoMaxSeconds: 120,
    appliesTo: 'prod (highAvailability ZoneRedundant); not Burstable (dev)',
    source: PG_CONTINUITY,
    note: '"RTO < 120 secs, RPO = 0" for General Purpose / Memory Optimized (table "RTO and RPO in a typical workload")',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
  {
    service: 'postgres',
    mechanism: 'region outage or switchover: cross-region read replica, promoted',
    rpo: 'planned: 0 (pending WAL applied first); forced: the replication lag, typically 30 s to 5 min',
    rto: 'minutes',
    rpoMaxSeconds: 300,
    appliesTo: 'two-region stacks (General Purpose / Memory Optimized only: no replica of Burstable)',
    source: `${PG_CONTINUITY} ; ${PG_PROMOTE}`,
    note: 'read replicas "RTO - Minutes, RPO - Typically ranging from 30 secs to 5 Minutes"; Planned promotion syncs before promoting, Forced loses the lag; promotion is never automatic',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
  {
    service: 'postgres',
    mechanism: 'region outage without a replica: geo-restore from geo-redundant backups',
    rpo: '< 1 h',
    rto: 'varies (size of the data and of the log to replay)',
    rpoMaxSeconds: 3600,
    appliesTo: 'prod (geoRedundantBackup true, set at server creation)',
    source: PG_CONTINUITY,
    note: '"Geo-restore from geo-replicated backups: RTO - Varies, RPO < 1 h"',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
  {
    service: 'postgres',
    mechanism: 'bad data or a lost table: point-in-time restore to a new server (the restore drill)',
    rpo: '< 5 min',
    rto: 'varies: a few minutes up to 12 h',
    rpoMaxSeconds: 300,
    rtoMaxSeconds: 12 * 3600,
    appliesTo: 'every stack (retention: dev 7 days, prod 14)',
    source: PG_CONTINUITY,
    note: '"Point in Time Restore from backup: RTO - Varies, RPO < 5 Minutes"; automatic backups: "RTO ... can be from few minutes up to 12 hours"',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
  {
    service: 'redis',
    mechanism: 'region outage: active geo-replication (the other region\'s instance is already writable)',
    rpo: 'not bounded: eventual consistency, no SLA on sync time',
    rto: 'the apps\' switch to their own region (no Redis failover step)',
    appliesTo: 'Azure Managed Redis Memory Optimized, Balanced B3 and up, Compute Optimized, Flash Optimized; NOT Balanced B0/B1: prod (Balanced B3) in two regions joins a geo-replication group (with persistence None, which config validation requires); dev (B0) cannot',
    source: REDIS_GEO,
    note: 'active-active across up to five instances; "The service does not provide SLA on sync time"; available on all tiers except Balanced B0 and B1',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
  {
    service: 'redis',
    mechanism: 'region outage: empty standby cache (the SKUs without geo-replication)',
    rpo: 'cache and queue entries are lost, no job: the jobs are rows in PostgreSQL',
    rto: 'one outbox pass (OUTBOX_INTERVAL_MS, 1 s) after the promoted api starts',
    rtoMaxSeconds: 1,
    appliesTo: 'dev (Balanced B0) in two regions: the standby starts empty',
    source: 'apps/CONTRACT.md (Queue: jobs:epoch; Standby region)',
    note: 'the relay finds no queue epoch in the empty cache and re-enqueues every unfinished job; delivery stays at least once',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
  {
    service: 'frontDoor',
    mechanism: 'origin down: priority routing to the next origin on failed health probes',
    rpo: 'n/a (no data)',
    rto: `${frontDoorFailoverSeconds()} s (worst case per edge location with this platform's probe settings)`,
    rtoMaxSeconds: frontDoorFailoverSeconds(),
    appliesTo: `probe every ${FRONT_DOOR_HEALTH_PROBE.probeIntervalInSeconds} s, sampleSize 4, successfulSamplesRequired 3`,
    source: FD_PROBES,
    note: 'an origin is healthy while at least SuccessfulSamplesRequired of the last SampleSize probes returned 200; each edge location probes on its own',
    checked: RECOVERY_OBJECTIVES_CHECKED,
  },
];

/**
 * Worst-case seconds until Front Door stops sending to a dead origin: it stays healthy while at
 * least `successfulSamplesRequired` of the last `sampleSize` probes succeeded, so it takes
 * `sampleSize - successfulSamplesRequired + 1` failed probes, one per interval.
 */
export function frontDoorFailoverSeconds(probe: { intervalSeconds: number; sampleSize: number; successfulSamplesRequired: number } = { intervalSeconds: FRONT_DOOR_HEALTH_PROBE.probeIntervalInSeconds, sampleSize: 4, successfulSamplesRequired: 3 }): number {
  const { intervalSeconds, sampleSize, successfulSamplesRequired } = probe;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) throw new Error(`sampleSize ${sampleSize} must be a positive integer`);
  if (!Number.isInteger(successfulSamplesRequired) || successfulSamplesRequired < 1 || successfulSamplesRequired > sampleSize) {
    throw new Error(`successfulSamplesRequired ${successfulSamplesRequired} must be an integer from 1 to sampleSize (${sampleSize})`);
  }
  if (!(intervalSeconds > 0)) throw new Error(`intervalSeconds ${intervalSeconds} must be positive`);
  return (sampleSize - successfulSamplesRequired + 1) * intervalSeconds;
}

/** The recovery objectives as a Markdown table (docs/runbooks.md, between the GENERATED markers). */
export function recoveryObjectivesMarkdown(objectives: readonly RecoveryObjective[] = RECOVERY_OBJECTIVES): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const rows = objectives.map((o) => {
    const source = o.source
      .split(' ; ')
      .map((s) => (s.startsWith('https://') ? `<${s}>` : s))
      .join(', ');
    return `| ${o.service} | ${esc(o.mechanism)} | ${esc(o.rpo)} | ${esc(o.rto)} | ${esc(o.appliesTo)} | ${source} (checked ${o.checked}) |`;
  });
  return ['| service | failure / mechanism | RPO | RTO | applies to | source |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
