/**
 * Restore verification: is a restored PostgreSQL database a faithful copy of the app's data?
 * One implementation for the test suite (a pg_dump / pg_restore round trip on a real server,
 * apps/api/test/restore-drill.test.ts) and the scheduled restore drill
 * (.github/workflows/restore-drill.yml, `node dist/restore-verify.js` of the api).
 *
 * Two modes:
 *  - exact (a `source`, no `pointInTime`): the target must equal the source: the same
 *    migrations, tables, columns, constraints and indexes, the same row count in every table,
 *    the same latest job.
 *  - point in time (`pointInTime`): the target is the source as it was at that instant
 *    (an Azure point-in-time restore). Without a source (the drill: its identity may read only
 *    the throwaway server), the target must hold the schema the migrations create, valid
 *    indexes, no job created after the instant, and (with `maxStalenessMs`) a job created
 *    shortly before it. With a source, every job the source created before the instant must
 *    be in the target, and the source's latest job before the instant too.
 *
 * Each side is read in one REPEATABLE READ, READ ONLY transaction (a consistent snapshot that
 * changes nothing). Every failed check says what differs, naming the table, index or row.
 */
import { MIGRATIONS } from './db';

/** A connection to read from (a pg Client or a client checked out of a Pool). */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface VerifyOptions {
  /** The instant the target was restored to: consistency with it instead of equality. */
  pointInTime?: Date;
  /** Tolerance around `pointInTime` for clock differences and transactions in flight (default 120000 ms). */
  skewMs?: number;
  /** With `pointInTime`: the newest job in the target must be at most this much older than the instant (default: not checked; only meaningful with steady traffic). */
  maxStalenessMs?: number;
  /** Schema of the app's tables (default public). */
  schema?: string;
}

export interface CheckResult {
  /** schema | tables | structure | row-counts | latest-job | point-in-time */
  name: string;
  ok: boolean;
  /** What was compared, or what differs. */
  detail: string;
}

export interface LatestJob {
  id: string;
  createdAt: string;
  status: string;
  updatedAt: string;
}

export interface VerifyReport {
  ok: boolean;
  mode: 'exact' | 'point-in-time';
  checks: CheckResult[];
  /** Row count per table of the target (and of the source when given). */
  rowCounts: Record<string, { target: number; source?: number }>;
  /** Newest job of the target (by created_at, then id). */
  latestJob?: LatestJob;
  /** Newest job of the source (before the point in time, in that mode). */
  sourceLatestJob?: LatestJob;
}

/** Thrown by {@link assertRestoreVerified} with every failed check in the message. */
export class RestoreVerificationError extends Error {
  constructor(public readonly report: VerifyReport) {
    super(`restore verification failed: ${report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
    this.name = 'RestoreVerificationError';
  }
}

/** Tables and indexes the migrations up to `version` create, read from their SQL. */
export function expectedObjects(version: number): { tables: string[]; indexes: string[] } {
  const tables = new Set<string>(['schema_migrations']);
  const indexes = new Set<string>();
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
    for (const t of m.sql.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)"?/gi)) tables.add(t[1].toLowerCase());
    for (const t of m.sql.matchAll(/DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)"?/gi)) tables.delete(t[1].toLowerCase());
    for (const i of m.sql.matchAll(/CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)"?\s+ON/gi)) indexes.add(i[1].toLowerCase());
    for (const i of m.sql.matchAll(/DROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)"?/gi)) indexes.delete(i[1].toLowerCase());
  }
  return { tables: [...tables].sort(), indexes: [...indexes].sort() };
}

interface Snapshot {
  versions: number[];
  tables: string[];
  /** Per table: sorted lines describing columns, constraints and indexes. */
  structure: Map<string, string[]>;
  invalidIndexes: string[];
  tablesWithoutPrimaryKey: string[];
  indexes: string[];
  counts: Map<string, number>;
  /** Tables with a created_at column. */
  timestamped: Set<string>;
  latestJob?: LatestJob;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function inSnapshot<T>(db: Queryable, fn: () => Promise<T>): Promise<T> {
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    return await fn();
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
  }
}

function toLatest(r: { id: string; created_at: Date; status: string; updated_at: Date } | undefined): LatestJob | undefined {
  return r && { id: r.id, createdAt: r.created_at.toISOString(), status: r.status, updatedAt: r.updated_at.toISOString() };
}

const LATEST_JOB_SQL = 'SELECT id::text AS id, created_at, status, updated_at FROM jobs';

async function snapshot(db: Queryable, schema: string): Promise<Snapshot> {
  const tables = (
    await db.query<{ name: string }>(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`, [schema])
  ).rows.map((r) => r.name);
  const versions = tables.includes('schema_migrations')
    ? (await db.query<{ version: number }>(`SELECT version FROM ${ident(schema)}.schema_migrations ORDER BY version`)).rows.map((r) => r.version)
    : [];
  const structure = new Map<string, string[]>(tables.map((t) => [t, []]));
  const columns = await db.query<{ table: string; line: string }>(
    `SELECT c.table_name AS table, format('column %s %s%s%s', c.column_name, c.data_type, CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END,
            CASE WHEN c.column_default IS NOT NULL THEN ' default ' || c.column_default ELSE '' END) AS line
       FROM information_schema.columns c WHERE c.table_schema = $1`,
    [schema],
  );
  const constraints = await db.query<{ table: string; line: string }>(
    `SELECT t.relname AS table, format('constraint %s %s', k.conname, pg_get_constraintdef(k.oid)) AS line
       FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1`,
    [schema],
  );
  const indexRows = await db.query<{ table: string; name: string; def: string; valid: boolean }>(
    `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS def, (x.indisvalid AND x.indisready) AS valid
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1`,
    [schema],
  );
  for (const r of [...columns.rows, ...constraints.rows, ...indexRows.rows.map((i) => ({ table: i.table, line: `index ${i.def}` }))]) structure.get(r.table)?.push(r.line);
  for (const lines of structure.values()) lines.sort();
  const primaryKeys = new Set((await db.query<{ table: string }>(
    `SELECT t.relname AS table FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1 AND k.contype = 'p'`,
    [schema],
  )).rows.map((r) => r.table));
  const counts = new Map<string, number>();
  for (const t of tables) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(schema)}.${ident(t)}`);
    counts.set(t, Number(rows[0].n));
  }
  const timestamped = new Set(columns.rows.filter((c) => /^column created_at timestamp/.test(c.line)).map((c) => c.table));
  const latestJob = tables.includes('jobs')
    ? toLatest((await db.query<{ id: string; created_at: Date; status: string; updated_at: Date }>(`${LATEST_JOB_SQL.replace('FROM jobs', `FROM ${ident(schema)}.jobs`)} ORDER BY created_at DESC, id DESC LIMIT 1`)).rows[0])
    : undefined;
  return {
    versions,
    tables,
    structure,
    invalidIndexes: indexRows.rows.filter((i) => !i.valid).map((i) => i.name).sort(),
    tablesWithoutPrimaryKey: tables.filter((t) => !primaryKeys.has(t)),
    indexes: indexRows.rows.map((i) => i.name).sort(),
    counts,
    timestamped,
    latestJob,
  };
}

const list = (xs: string[]) => xs.join(', ');
const describeJob = (j: LatestJob | undefined) => (j ? `${j.id} (created ${j.createdAt}, ${j.status})` : 'none');

/** Schema checks that need no source: migrations recorded in order, the migrations' tables and indexes present and valid. */
function schemaChecks(t: Snapshot): CheckResult[] {
  const checks: CheckResult[] = [];
  const n = t.versions.length;
  const contiguous = t.versions.every((v, i) => v === i + 1);
  const known = MIGRATIONS[MIGRATIONS.length - 1].version;
  checks.push(
    !t.tables.includes('schema_migrations')
      ? { name: 'schema', ok: false, detail: 'table schema_migrations is missing: the app schema was not restored' }
      : n === 0 || !contiguous
        ? { name: 'schema', ok: false, detail: `migrations recorded: [${t.versions.join(', ')}]; expected 1..n without gaps` }
        : { name: 'schema', ok: true, detail: `migrations 1..${n} recorded${n < known ? ` (this code knows ${known}; the restored server predates the newest)` : ''}` },
  );
  const expected = expectedObjects(n);
  const missingTables = expected.tables.filter((x) => !t.tables.includes(x));
  checks.push(
    missingTables.length > 0
      ? { name: 'tables', ok: false, detail: `missing in the target: table ${list(missingTables)}` }
      : { name: 'tables', ok: true, detail: `present: ${list(expected.tables)}` },
  );
  const missingIndexes = expected.indexes.filter((x) => !t.indexes.includes(x));
  const problems = [
    ...missingIndexes.map((i) => `index ${i} is missing`),
    ...t.invalidIndexes.map((i) => `index ${i} is not valid`),
    ...t.tablesWithoutPrimaryKey.filter((x) => expected.tables.includes(x)).map((x) => `table ${x} has no primary key`),
  ];
  checks.push(
    problems.length > 0
      ? { name: 'structure', ok: false, detail: problems.join('; ') }
      : { name: 'structure', ok: true, detail: `indexes present and valid: ${list(expected.indexes)}; primary keys present` },
  );
  return checks;
}

/** Differences between two tables' structure lines, named. */
function structureDiff(s: Snapshot, t: Snapshot): string[] {
  const out: string[] = [];
  for (const table of s.tables.filter((x) => t.tables.includes(x))) {
    const a = s.structure.get(table) ?? [];
    const b = t.structure.get(table) ?? [];
    for (const line of a.filter((l) => !b.includes(l))) out.push(`${table}: missing in the target: ${line}`);
    for (const line of b.filter((l) => !a.includes(l))) out.push(`${table}: only in the target: ${line}`);
  }
  return out;
}

/**
 * Verifies a restored database (`target`) against its `source` and/or a point in time; see the
 * module comment for the two modes. Never throws for a difference (see the report's checks);
 * throws only when a database cannot be read.
 */
export async function verifyRestore(target: Queryable, source: Queryable | undefined, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const schema = opts.schema ?? 'public';
  const pit = opts.pointInTime;
  if (!source && !pit) throw new Error('verifyRestore: give a source (exact copy) or a point in time (or both)');
  if (pit && Number.isNaN(pit.getTime())) throw new Error('verifyRestore: pointInTime is not a valid date');
  const skewMs = opts.skewMs ?? 120000;
  const t = await inSnapshot(target, () => snapshot(target, schema));
  const checks = schemaChecks(t);
  const rowCounts: VerifyReport['rowCounts'] = Object.fromEntries(t.tables.map((x) => [x, { target: t.counts.get(x) ?? 0 }]));
  const report: VerifyReport = { ok: false, mode: pit ? 'point-in-time' : 'exact', checks, rowCounts, latestJob: t.latestJob };

  if (source && !pit) {
    const s = await inSnapshot(source, () => snapshot(source, schema));
    for (const x of s.tables) rowCounts[x] = { ...(rowCounts[x] ?? { target: 0 }), source: s.counts.get(x) ?? 0 };
    report.sourceLatestJob = s.latestJob;
    const sameVersions = s.versions.join(',') === t.versions.join(',');
    checks.push({ name: 'schema', ok: sameVersions, detail: sameVersions ? `same migrations as the source (${s.versions.length})` : `migrations: source [${s.versions.join(', ')}], target [${t.versions.join(', ')}]` });
    const missing = s.tables.filter((x) => !t.tables.includes(x));
    const extra = t.tables.filter((x) => !s.tables.includes(x));
    checks.push({
      name: 'tables',
      ok: missing.length === 0 && extra.length === 0,
      detail: [missing.length ? `missing in the target: table ${list(missing)}` : '', extra.length ? `only in the target: table ${list(extra)}` : ''].filter(Boolean).join('; ') || `same tables: ${list(s.tables)}`,
    });
    const diff = structureDiff(s, t);
    checks.push({ name: 'structure', ok: diff.length === 0, detail: diff.length ? diff.join('; ') : 'same columns, constraints and indexes' });
    const countDiff = s.tables.filter((x) => (s.counts.get(x) ?? 0) !== (t.counts.get(x) ?? 0) && t.tables.includes(x));
    checks.push({
      name: 'row-counts',
      ok: countDiff.length === 0,
      detail: countDiff.length
        ? countDiff.map((x) => `table ${x}: source ${s.counts.get(x)} rows, target ${t.counts.get(x)}`).join('; ')
        : s.tables.map((x) => `${x} ${s.counts.get(x)}`).join(', '),
    });
    const same = JSON.stringify(s.latestJob) === JSON.stringify(t.latestJob);
    checks.push({ name: 'latest-job', ok: same, detail: same ? `latest job ${describeJob(t.latestJob)}` : `latest job: source ${describeJob(s.latestJob)}, target ${describeJob(t.latestJob)}` });
  }

  if (pit) {
    const upper = new Date(pit.getTime() + skewMs);
    const lower = new Date(pit.getTime() - skewMs);
    const newer: string[] = [];
    await inSnapshot(target, async () => {
      for (const x of t.tables.filter((y) => t.timestamped.has(y))) {
        const { rows } = await target.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(schema)}.${ident(x)} WHERE created_at > $1`, [upper]);
        if (Number(rows[0].n) > 0) newer.push(`table ${x}: ${rows[0].n} rows created after ${upper.toISOString()}`);
      }
    });
    checks.push({
      name: 'point-in-time',
      ok: newer.length === 0,
      detail: newer.length ? `the target holds data newer than the point in time ${pit.toISOString()} (+${skewMs} ms): ${newer.join('; ')}` : `no row created after ${pit.toISOString()} (+${skewMs} ms)`,
    });
    if (opts.maxStalenessMs !== undefined) {
      const age = t.latestJob ? pit.getTime() - Date.parse(t.latestJob.createdAt) : undefined;
      const ok = age !== undefined && age <= opts.maxStalenessMs;
      checks.push({
        name: 'latest-job',
        ok,
        detail: ok
          ? `latest job ${describeJob(t.latestJob)}, ${Math.round(age / 1000)} s before the point in time`
          : t.latestJob
            ? `latest job ${describeJob(t.latestJob)} is ${Math.round((age ?? 0) / 1000)} s older than the point in time; at most ${Math.round(opts.maxStalenessMs / 1000)} s accepted`
            : 'the target has no job at all',
      });
    }
    if (source) {
      const lost: string[] = [];
      const s = await inSnapshot(source, async () => {
        const versions = (await source.query<{ version: number }>(`SELECT version FROM ${ident(schema)}.schema_migrations WHERE applied_at <= $1 ORDER BY version`, [lower])).rows.map((r) => r.version);
        const counts = new Map<string, number>();
        for (const x of t.tables.filter((y) => t.timestamped.has(y))) {
          const { rows } = await source.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(schema)}.${ident(x)} WHERE created_at <= $1`, [lower]);
          counts.set(x, Number(rows[0].n));
        }
        const latest = toLatest((await source.query<{ id: string; created_at: Date; status: string; updated_at: Date }>(`${LATEST_JOB_SQL.replace('FROM jobs', `FROM ${ident(schema)}.jobs`)} WHERE created_at <= $1 ORDER BY created_at DESC, id DESC LIMIT 1`, [lower])).rows[0]);
        return { versions, counts, latest };
      });
      report.sourceLatestJob = s.latest;
      const missingVersions = s.versions.filter((v) => !t.versions.includes(v));
      if (missingVersions.length) lost.push(`migrations ${missingVersions.join(', ')} applied before the point in time are missing`);
      await inSnapshot(target, async () => {
        for (const [x, n] of s.counts) {
          const { rows } = await target.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(schema)}.${ident(x)} WHERE created_at <= $1`, [lower]);
          const tn = Number(rows[0].n);
          rowCounts[x] = { ...(rowCounts[x] ?? { target: 0 }), source: n };
          // The source may have fewer (retention deleted old finished jobs since), never more.
          if (tn < n) lost.push(`table ${x}: the source has ${n} rows created by ${lower.toISOString()}, the target ${tn}`);
        }
        if (s.latest) {
          const { rows } = await target.query(`SELECT 1 FROM ${ident(schema)}.jobs WHERE id = $1`, [s.latest.id]);
          if (rows.length === 0) lost.push(`the source's latest job before the point in time, ${describeJob(s.latest)}, is missing in the target`);
        }
      });
      checks.push({
        name: 'row-counts',
        ok: lost.length === 0,
        detail: lost.length ? lost.join('; ') : `every row the source created by ${lower.toISOString()} is in the target; latest job ${describeJob(s.latest)} present`,
      });
    }
  }
  report.ok = checks.every((c) => c.ok);
  return report;
}

/** {@link verifyRestore}, throwing a {@link RestoreVerificationError} naming every failed check. */
export async function assertRestoreVerified(target: Queryable, source: Queryable | undefined, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const report = await verifyRestore(target, source, opts);
  if (!report.ok) throw new RestoreVerificationError(report);
  return report;
}

/** The report as text lines (the drill's log and job summary). */
export function formatVerifyReport(r: VerifyReport): string {
  const lines = [`restore verification (${r.mode}): ${r.ok ? 'PASSED' : 'FAILED'}`];
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  lines.push(`  rows: ${Object.entries(r.rowCounts).map(([t, c]) => `${t} ${c.target}${c.source !== undefined ? `/${c.source}` : ''}`).join(', ')} (target${Object.values(r.rowCounts).some((c) => c.source !== undefined) ? '/source' : ''})`);
  lines.push(`  latest job: ${describeJob(r.latestJob)}`);
  return lines.join('\n');
}
