/** Migrations against a real PostgreSQL: several migrators at once apply each version exactly once. */
import { Writable } from 'node:stream';
import { MIGRATIONS, createPool, migrate, schemaIsCurrent, type Pool } from '../src/db';
import { createLogger } from '../src/logger';
import { postgresDatabase, type PostgresServer } from '../test-support';

jest.setTimeout(60000);

let pg: PostgresServer;
const pools: Pool[] = [];
const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

beforeAll(async () => {
  pg = await postgresDatabase();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await pg?.dispose();
});

function pool(): Pool {
  const p = createPool({ host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password, sslMode: 'disable' }, logger, { max: 2 });
  pools.push(p);
  return p;
}

test('concurrent migrators: every version applied exactly once, all callers see a current schema', async () => {
  const migrators = Array.from({ length: 6 }, () => pool());
  expect(await schemaIsCurrent(migrators[0])).toBe(false);
  const results = await Promise.all(migrators.map((p) => migrate(p, logger)));
  const applied = results.flat().sort();
  expect(applied).toEqual(MIGRATIONS.map((m) => m.version).sort());
  const { rows } = await migrators[0].query('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version');
  expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, n: 1 })));
  for (const p of migrators) expect(await schemaIsCurrent(p)).toBe(true);
  // The lock is released: nothing is left waiting or held (in this database: advisory locks are
  // per database, and other test files use other databases on the same server).
  const locks = await migrators[0].query(
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
  expect(locks.rows[0].n).toBe(0);
});

test('re-running is a no-op and the jobs table exists with its constraints', async () => {
  const p = pool();
  expect(await migrate(p, logger)).toEqual([]);
  await expect(p.query("INSERT INTO jobs (id, type, input) VALUES (gen_random_uuid(), 'exec', 'x')")).rejects.toThrow(/check constraint/);
});
