/**
 * The restore drill's verification, for real: the api's migrations build the app schema on the
 * run's shared PostgreSQL server, jobs are stored with the app's repository code, a backup is
 * taken with `pg_dump -Fc` and restored with `pg_restore` into a fresh database, and the SAME
 * entry point the scheduled drill runs (apps/api/src/restore-verify.ts, checks in
 * apps/common/src/restore-verify.ts) compares the two. It must pass on a faithful restore and
 * fail, naming what differs, when a row, an index or a table is missing, or when the restore
 * holds data newer than its point in time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS, createLogger, expectedObjects, finishJob, insertJob, migrate, startAttempt, verifyRestore, createPool } from '@aks-platform/common';
import { postgresBinDir, postgresDatabase, requireBinary, type PostgresServer } from '../../common/test-support';
import { runRestoreVerify } from '../src/restore-verify';

jest.setTimeout(30000);

const bin = postgresBinDir();
const hint = `install the PostgreSQL client tools (bash scripts/install.sh, or apt-get install postgresql) or set PG_BIN (looked in ${bin})`;
let dir: string;
let source: PostgresServer;
const opened: Array<{ end(): Promise<void> }> = [];
const disposables: PostgresServer[] = [];

function pgEnv(db: PostgresServer, prefix = ''): Record<string, string> {
  return {
    [`${prefix}PGHOST`]: db.host,
    [`${prefix}PGPORT`]: String(db.port),
    [`${prefix}PGDATABASE`]: db.database,
    [`${prefix}PGUSER`]: db.user,
    [`${prefix}PGPASSWORD`]: db.password,
    [`${prefix}PGSSLMODE`]: 'disable',
  };
}

function tool(name: 'pg_dump' | 'pg_restore', args: string[], db: PostgresServer): void {
  const r = spawnSync(requireBinary(join(bin, name), hint), args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...pgEnv(db) } });
  if (r.status !== 0) throw new Error(`${name} failed (${r.status}): ${r.stderr}`);
}

/** A backup of `db` in the custom format, as the operator's manual backup would take it. */
function dump(db: PostgresServer, file: string): string {
  tool('pg_dump', ['-Fc', '--no-password', '-f', file, db.database], db);
  return file;
}

/** A fresh database on the shared server with `file` restored into it. */
async function restore(file: string): Promise<PostgresServer> {
  const fresh = await postgresDatabase();
  disposables.push(fresh);
  tool('pg_restore', ['--exit-on-error', '--no-password', '-d', fresh.database, file], fresh);
  return fresh;
}

async function connect(db: PostgresServer): Promise<Client> {
  const c = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  await c.connect();
  opened.push(c);
  return c;
}

/** Runs the drill's entry point with `env`; returns its exit code and report text. */
async function drill(env: Record<string, string>): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runRestoreVerify(env, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
}

const REQUESTS = [
  { type: 'wordcount', input: 'one two three' },
  { type: 'sha256', input: 'abc' },
  { type: 'sleep', input: '5' },
  { type: 'wordcount', input: 'four' },
  { type: 'sha256', input: 'restore me' },
] as const;

let first: string; // the backup before the later jobs
let firstAt: Date; // an instant between the two batches
let latestId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'restore-drill-'));
  source = await postgresDatabase();
  disposables.push(source);
  const logger = createLogger({ service: 'test', level: 'silent' });
  const pool = createPool({ host: source.host, port: source.port, database: source.database, user: source.user, password: source.password, sslMode: 'disable' }, logger, { max: 2 });
  opened.push(pool);
  // The api's real migrations (what `node dist/migrate.js` applies in the release's Job).
  await migrate(pool, logger);
  const ids: string[] = [];
  for (const [i, r] of REQUESTS.entries()) {
    const id = `00000000-0000-4000-8000-00000000000${i + 1}`;
    await insertJob(pool, id, r, { owner: `user-${i % 2}`, idempotencyKey: `key-${i}` });
    ids.push(id);
  }
  // Some jobs ran to the end, one is running: the restore must carry every status.
  await startAttempt(pool, ids[0]);
  await finishJob(pool, ids[0], { status: 'succeeded', result: { words: 3 } });
  await startAttempt(pool, ids[1]);
  await finishJob(pool, ids[1], { status: 'failed', error: 'boom' });
  await startAttempt(pool, ids[2]);
  first = dump(source, join(dir, 'first.dump'));
  firstAt = (await pool.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
  await new Promise((r) => setTimeout(r, 20));
  // Later traffic, after the backup: a point-in-time restore must not contain it.
  latestId = '00000000-0000-4000-8000-000000000009';
  await insertJob(pool, latestId, { type: 'wordcount', input: 'after the backup' }, { owner: 'user-0' });
});

afterAll(async () => {
  for (const c of opened) await c.end().catch(() => undefined);
  await Promise.all(disposables.map((d) => d.dispose().catch(() => undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a pg_dump / pg_restore copy verifies: same schema, row counts per table and latest job', async () => {
  const target = await restore(dump(source, join(dir, 'now.dump')));
  const { code, text } = await drill({ ...pgEnv(target), ...pgEnv(source, 'SOURCE_') });
  expect(text).toContain('restore verification (exact): PASSED');
  expect(code).toBe(0);
  const [t, s] = await Promise.all([connect(target), connect(source)]);
  const report = await verifyRestore(t, s);
  expect(report.rowCounts).toEqual({ jobs: { target: 6, source: 6 }, schema_migrations: { target: 3, source: 3 } });
  expect(report.latestJob).toMatchObject({ id: latestId, status: 'queued' });
  expect(report.sourceLatestJob).toEqual(report.latestJob);
  expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
    ['schema', true],
    ['tables', true],
    ['structure', true],
    ['schema', true],
    ['tables', true],
    ['structure', true],
    ['row-counts', true],
    ['latest-job', true],
  ]);
});

test('fails, naming the table, when a row, an index or a whole table is missing', async () => {
  const target = await restore(dump(source, join(dir, 'broken.dump')));
  const t = await connect(target);
  const s = await connect(source);
  await t.query(`DELETE FROM jobs WHERE id = $1`, [latestId]);
  let r = await drill({ ...pgEnv(target), ...pgEnv(source, 'SOURCE_') });
  expect(r.code).toBe(1);
  expect(r.text).toContain('FAIL row-counts: table jobs: source 6 rows, target 5');
  expect(r.text).toMatch(/FAIL latest-job: latest job: source 00000000-0000-4000-8000-000000000009 .* target 00000000-0000-4000-8000-00000000000\d/);

  await t.query('DROP INDEX jobs_outbox_idx');
  const report = await verifyRestore(t, s);
  expect(report.checks.filter((c) => !c.ok).map((c) => c.detail)).toEqual(
    expect.arrayContaining([expect.stringContaining('index jobs_outbox_idx is missing'), expect.stringContaining('jobs: missing in the target: index CREATE INDEX jobs_outbox_idx')]),
  );

  await t.query('DROP TABLE jobs');
  r = await drill({ ...pgEnv(target), ...pgEnv(source, 'SOURCE_') });
  expect(r.code).toBe(1);
  expect(r.text).toContain('FAIL tables: missing in the target: table jobs');
});

test('point in time: the restore holds everything before the instant and nothing after it', async () => {
  const target = await restore(first);
  const pit = { RESTORE_POINT_IN_TIME: firstAt.toISOString(), RESTORE_SKEW_MS: '0' };
  // Without the source (the drill's identity reads only the restored server).
  let r = await drill({ ...pgEnv(target), ...pit });
  expect(r.text).toContain('restore verification (point-in-time): PASSED');
  expect(r.code).toBe(0);
  // With the source, which has taken a job since: consistent, not equal.
  r = await drill({ ...pgEnv(target), ...pgEnv(source, 'SOURCE_'), ...pit });
  expect(r.text).toMatch(/ok {3}row-counts: every row the source created by .* latest job 00000000-0000-4000-8000-000000000005/);
  expect(r.code).toBe(0);
  // A restore that is older than the claimed instant lost data: named.
  const t = await connect(target);
  await t.query(`DELETE FROM jobs WHERE id = '00000000-0000-4000-8000-000000000005'`);
  r = await drill({ ...pgEnv(target), ...pgEnv(source, 'SOURCE_'), ...pit });
  expect(r.code).toBe(1);
  expect(r.text).toMatch(/FAIL row-counts: table jobs: the source has 5 rows created by .*, the target 4; the source's latest job before the point in time, 00000000-0000-4000-8000-000000000005/);
  // A restore that holds later data is not at the instant it claims.
  const later = await restore(dump(source, join(dir, 'later.dump')));
  r = await drill({ ...pgEnv(later), ...pit });
  expect(r.code).toBe(1);
  expect(r.text).toMatch(/FAIL point-in-time: the target holds data newer than the point in time .*: table jobs: 1 rows created after/);
  // The staleness bound: the newest job must be recent when traffic is steady.
  r = await drill({ ...pgEnv(target), RESTORE_POINT_IN_TIME: new Date(firstAt.getTime() + 3600000).toISOString(), RESTORE_MAX_STALENESS_MS: '600000' });
  expect(r.code).toBe(1);
  expect(r.text).toMatch(/FAIL latest-job: latest job 00000000-0000-4000-8000-00000000000\d .* is 36\d\d s older than the point in time; at most 600 s accepted/);
});

test('the drill logs in as a reader, not the owner: pg_read_all_data (what azure_pg_admin holds) is enough', async () => {
  const target = await restore(first);
  const reader = `drill_reader_${Math.random().toString(36).slice(2, 10)}`;
  const t = await connect(target);
  await t.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'drill-pw' IN ROLE pg_read_all_data`);
  try {
    const r = await drill({ ...pgEnv(target), PGUSER: reader, PGPASSWORD: 'drill-pw', RESTORE_POINT_IN_TIME: firstAt.toISOString(), RESTORE_SKEW_MS: '0' });
    expect(r.text).toContain('restore verification (point-in-time): PASSED');
    expect(r.text).toContain('rows: jobs 5, schema_migrations 3');
    expect(r.code).toBe(0);
  } finally {
    await t.query(`DROP ROLE ${reader}`).catch(() => undefined);
  }
});

test.each([
  [1, { tables: ['jobs', 'schema_migrations'], indexes: ['jobs_outbox_idx', 'jobs_unfinished_idx'] }],
  [2, { tables: ['jobs', 'schema_migrations'], indexes: ['jobs_finished_idx', 'jobs_outbox_idx', 'jobs_owner_idempotency_idx', 'jobs_unfinished_idx'] }],
])('the objects migrations 1..%i create, read from their SQL', (version, objects) => {
  expect(expectedObjects(version)).toEqual(objects);
  // Every later migration keeps them (none drops a table or an index so far).
  expect(expectedObjects(MIGRATIONS[MIGRATIONS.length - 1].version)).toEqual(expect.objectContaining({ tables: expect.arrayContaining(objects.tables), indexes: expect.arrayContaining(objects.indexes) }));
});

test('bad configuration exits 2 naming the variable', async () => {
  expect(await drill({ ...pgEnv(source) })).toEqual({ code: 2, text: expect.stringContaining('RESTORE_POINT_IN_TIME or SOURCE_PGHOST') });
  expect(await drill({ ...pgEnv(source), RESTORE_POINT_IN_TIME: 'yesterday' })).toEqual({ code: 2, text: expect.stringContaining('RESTORE_POINT_IN_TIME: must be an ISO 8601 instant') });
  expect(await drill({ ...pgEnv(source), ...pgEnv(source, 'SOURCE_'), SOURCE_PGSSLMODE: 'maybe' })).toEqual({ code: 2, text: expect.stringContaining('SOURCE_PGSSLMODE: must be one of') });
  const unreachable = await drill({ ...pgEnv(source), PGPORT: '1', RESTORE_POINT_IN_TIME: '2026-12-01T06:00:00Z' });
  expect(unreachable.code).toBe(1);
  expect(unreachable.text).toContain('restore verification could not run: cannot connect to the restored server (target)');
  expect(readFileSync(first).subarray(0, 5).toString()).toBe('PGDMP'); // the custom format, as pg_restore reads it
});
