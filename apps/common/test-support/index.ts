/**
 * Test kit: throwaway PostgreSQL and Redis servers on loopback (free ports, temp dirs; see
 * ./servers.ts, shared with the local launcher `npm start`) and helpers to run the apps as
 * child processes. A missing server binary is an error, never a
 * skip: the apps' integration tests must fail loudly when their real dependencies are absent.
 *
 *   const pg = await postgresDatabase();  const redis = await startRedis();
 *   const env = appEnv(pg, redis);        ...   await pg.dispose(); await redis.dispose();
 *
 * Keep the suite fast (README "Testing"): `postgresDatabase()` gives a test file its own
 * database on the one PostgreSQL server of the jest run (started by ./global-setup.ts);
 * only a test that stops or breaks the server needs `startPostgres()`, a private server
 * (a copy of a cached initdb cluster, so no initdb per file). A Redis server starts in
 * ~0.1 s, so each file starts its own (the apps' stream and channel names are fixed).
 * Start times are recorded for `npm run test:profile` (./timings.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { exited, startPostgres, trackChild, waitFor, type PostgresServer, type RedisServer } from './servers';
import { timedAsync } from './timings';

export * from './servers';

/** Where ./global-setup.ts put the run's shared PostgreSQL server (or why it could not start it). */
export const SHARED_POSTGRES_ENV = 'APPS_TEST_POSTGRES';
export const SHARED_POSTGRES_ERROR_ENV = 'APPS_TEST_POSTGRES_ERROR';

/** Connection details of the shared server, as ./global-setup.ts passes them to the workers. */
export interface SharedPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
}

async function adminQuery(s: SharedPostgres, sql: string): Promise<void> {
  const admin = new Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, empty database of its own for this test file on the jest run's shared PostgreSQL
 * server (./global-setup.ts), as a {@link PostgresServer} whose `dispose()` drops the database.
 * The shared server cannot be stopped or started: a test that needs that uses
 * {@link startPostgres}. Outside a jest run with that global setup it starts a private server.
 */
export async function postgresDatabase(): Promise<PostgresServer> {
  const error = process.env[SHARED_POSTGRES_ERROR_ENV];
  if (error) throw new Error(`the shared PostgreSQL server did not start: ${error}`);
  const shared = process.env[SHARED_POSTGRES_ENV];
  if (!shared) return startPostgres();
  return timedAsync('postgres database (shared server)', async () => {
    const s = JSON.parse(shared) as SharedPostgres;
    const database = `app_${process.env.JEST_WORKER_ID ?? '0'}_${Math.random().toString(36).slice(2, 10)}`;
    await adminQuery(s, `CREATE DATABASE "${database}"`);
    const refuse = async () => {
      throw new Error('postgresDatabase() is a database on the shared server, which tests must not stop or start: use startPostgres() for a private server');
    };
    return {
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database,
      dir: s.dir,
      created: false,
      pid: () => undefined,
      start: refuse,
      stop: refuse,
      async dispose() {
        await adminQuery(s, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      },
    };
  });
}

export { startOidcIssuer, LOCAL_AUDIENCE, LOCAL_SCOPE, type OidcIssuer, type TokenOptions } from './oidc';

/**
 * Environment for the api/agent pointing at the test servers (no TLS on loopback). It connects as
 * the server's owner and applies the migrations at start (MIGRATE_ON_START, a local/test switch);
 * see {@link provisionAppRoles} for the least-privileged roles the deployed apps use.
 */
export function appEnv(pg: PostgresServer, redis: RedisServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MIGRATE_ON_START: 'true',
    PGHOST: pg.host,
    PGPORT: String(pg.port),
    PGDATABASE: pg.database,
    PGUSER: pg.user,
    PGPASSWORD: pg.password,
    PGSSLMODE: 'disable',
    REDIS_HOST: redis.host,
    REDIS_PORT: String(redis.port),
    REDIS_PASSWORD: redis.password,
    REDIS_TLS: 'false',
    ...extra,
  };
}

export interface NodeProcess {
  child: ChildProcess;
  /** Parsed JSON log lines seen so far (non-JSON lines are kept as { raw }). */
  logs: Array<Record<string, unknown>>;
  waitForLog(pred: (line: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs `node <script>` (or `node ...args`) with exactly `env` (+PATH), collecting its JSON log lines. */
export function spawnNode(script: string | string[], env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, Array.isArray(script) ? script : [script], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  const logs: Array<Record<string, unknown>> = [];
  let buf = '';
  const onData = (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const done = exited(child);
  return {
    child,
    logs,
    exited: done,
    kill: (signal) => child.kill(signal),
    waitForLog: (pred, timeoutMs, what) => waitFor(() => logs.find(pred), timeoutMs, what, 25),
  };
}

/** Fetch JSON with a timeout; returns status, headers and parsed body. */
export async function httpJson(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 5000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Path of `apps/<workspace>/dist/main.js`, the container entry point. Throws when it is missing
 * or older than the sources (of the workspace or apps/common): `npm test` builds first; when
 * running jest alone, run `npm run build -w apps/<workspace>` or `node scripts/transpile-apps.cjs`.
 */
export function builtEntry(workspace: 'api' | 'agent'): string {
  const appsDir = resolve(__dirname, '..', '..');
  const entry = join(appsDir, workspace, 'dist', 'main.js');
  const hint = `run \`npm run build -w apps/${workspace}\` (tsc) or \`node scripts/transpile-apps.cjs\` (SWC, what npm test runs) first`;
  if (!existsSync(entry)) throw new Error(`${entry} not found; ${hint}`);
  const built = Math.min(statSync(entry).mtimeMs, statSync(join(appsDir, 'common', 'dist', 'index.js')).mtimeMs);
  const sources = Math.max(newestMtime(join(appsDir, workspace, 'src')), newestMtime(join(appsDir, 'common', 'src')));
  if (sources > built) throw new Error(`${entry} is older than its sources; ${hint}`);
  return entry;
}

export interface AppLogins {
  api: { user: string; password: string };
  agent: { user: string; password: string };
}

/**
 * Applies the migrations as the owner (what the release's migration Job does) and creates one
 * login role per app, member of its group role (jobs_api / jobs_agent), through the migration
 * entry point's ensureLoginRoles with a plain password-role creator in place of the Entra one
 * (pgaadauth functions exist only on Azure). Returns the logins; use {@link roleEnv} to connect as one.
 */
export async function provisionAppRoles(pg: PostgresServer): Promise<AppLogins> {
  // Loaded lazily: the shared library from source (jest maps it), only for tests that need roles.
  const { migrate, ensureLoginRoles, createLogger } = await import('../src');
  const { Pool } = await import('pg');
  const pool = new Pool({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, max: 1 });
  // Roles are server-wide: unique names keep test files on the shared server apart.
  const tag = Math.random().toString(36).slice(2, 10);
  const logins: AppLogins = {
    api: { user: `api_login_${tag}`, password: `pw-${Math.random().toString(36).slice(2)}` },
    agent: { user: `agent_login_${tag}`, password: `pw-${Math.random().toString(36).slice(2)}` },
  };
  const passwords = new Map([logins.api, logins.agent].map((l) => [l.user, l.password]));
  try {
    await migrate(pool, createLogger({ service: 'test', level: 'silent' }));
    await ensureLoginRoles(pool, { api: [{ name: logins.api.user }], agent: [{ name: logins.agent.user }] }, async (login) => {
      await pool.query(`CREATE ROLE ${login.name} LOGIN PASSWORD '${passwords.get(login.name)}'`);
    });
  } finally {
    await pool.end();
  }
  return logins;
}

/** appEnv connecting as one app's least-privileged login (no migrations at start). */
export function roleEnv(pg: PostgresServer, redis: RedisServer, login: { user: string; password: string }, extra: Record<string, string> = {}): Record<string, string> {
  return { ...appEnv(pg, redis), MIGRATE_ON_START: 'false', PGUSER: login.user, PGPASSWORD: login.password, ...extra };
}
