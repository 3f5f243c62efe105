/**
 * A client checked out of the pool loses its connection between two queries (PostgreSQL
 * restarting, a failover): the 'error' it emits must not crash the process, the next query
 * rejects, and the broken client is not handed out again.
 */
import { Writable } from 'node:stream';
import { createPool, withClient, type Pool } from '../src/db';
import { createLogger } from '../src/logger';
import { postgresDatabase, type PostgresServer } from '../test-support';

jest.setTimeout(30000);

let pg: PostgresServer;
let pool: Pool;
let admin: Pool;
const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

beforeAll(async () => {
  pg = await postgresDatabase();
  const cfg = { host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password, sslMode: 'disable' as const };
  pool = createPool(cfg, logger, { max: 1 });
  admin = createPool(cfg, logger, { max: 1 });
});
afterAll(async () => {
  await Promise.all([pool?.end(), admin?.end()]);
  await pg?.dispose();
});

test('a connection terminated while checked out rejects the next query, and the pool recovers', async () => {
  const uncaught: unknown[] = [];
  const record = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', record);
  try {
    const outcome = withClient(pool, async (client) => {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      // Between queries, as relayOutbox is while it writes to Redis: the server has gone.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await client.query('SELECT 1');
    });
    await expect(outcome).rejects.toThrow();
    expect(uncaught).toEqual([]);
    // The pool (max 1) hands out a fresh, working connection.
    await expect(pool.query('SELECT 42 AS n')).resolves.toMatchObject({ rows: [{ n: 42 }] });
  } finally {
    process.off('uncaughtException', record);
  }
});
