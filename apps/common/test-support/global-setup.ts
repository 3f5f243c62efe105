/**
 * jest globalSetup of the apps project (jest.config.js): one PostgreSQL server for the whole
 * run, on which each test file makes its own database with `postgresDatabase()`. The workers
 * find it through the environment (they start after this). A missing binary is not thrown
 * here, so that tests without PostgreSQL still run: `postgresDatabase()` throws it instead.
 */
import { SHARED_POSTGRES_ENV, SHARED_POSTGRES_ERROR_ENV, startPostgres, type PostgresServer, type SharedPostgres } from './index';

const KEY = '__appsTestPostgres';

export default async function globalSetup(): Promise<void> {
  try {
    const pg = await startPostgres({ database: 'unused' });
    (globalThis as Record<string, unknown>)[KEY] = pg;
    const shared: SharedPostgres = { host: pg.host, port: pg.port, user: pg.user, password: pg.password, dir: pg.dir };
    process.env[SHARED_POSTGRES_ENV] = JSON.stringify(shared);
  } catch (err) {
    process.env[SHARED_POSTGRES_ERROR_ENV] = (err as Error).message;
  }
}

/** jest globalTeardown: stops the shared server and removes its data directory. */
export async function globalTeardown(): Promise<void> {
  await ((globalThis as Record<string, unknown>)[KEY] as PostgresServer | undefined)?.dispose();
}
