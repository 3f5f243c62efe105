/**
 * Test kit: throwaway PostgreSQL and Redis servers on loopback (free ports, temp dirs) and
 * helpers to run the apps as child processes. A missing server binary is an error, never a
 * skip: the apps' integration tests must fail loudly when their real dependencies are absent.
 *
 *   const pg = await startPostgres();  const redis = await startRedis();
 *   const env = appEnv(pg, redis);     ...   await pg.dispose(); await redis.dispose();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Throws with an install hint when `bin` is missing (also in CI=true: never skip). */
export function requireBinary(bin: string, hint: string): string {
  if (existsSync(bin)) return bin;
  const onPath = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  throw new Error(`required test server binary "${bin}" not found${process.env.CI === 'true' ? ' (CI=true)' : ''}; ${hint}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, timeoutMs = 10000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited(child);
  clearTimeout(t);
  children.delete(child);
}

function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length > 0) return join(root, versions[0], 'bin');
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  return cfg.status === 0 ? cfg.stdout.trim() : join(root, 'bin');
}

/** When running as root, servers run as this user (initdb refuses root). */
function serviceUser(name: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0) throw new Error(`running as root but user "${name}" does not exist (initdb must not run as root)`);
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

export interface PostgresServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Start again on the same port and data directory (after stop()). */
  start(): Promise<void>;
  /** Fast shutdown; the data directory is kept for start(). */
  stop(): Promise<void>;
  /** Stop and remove the data directory. */
  dispose(): Promise<void>;
}

export async function startPostgres(opts: { database?: string } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const initdb = requireBinary(join(bin, 'initdb'), 'install PostgreSQL server binaries (apt-get install postgresql) or set PG_BIN');
  const postgres = requireBinary(join(bin, 'postgres'), 'install PostgreSQL server binaries or set PG_BIN');
  const owner = serviceUser('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'apps-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const init = spawnSync(
    initdb,
    ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', uid: owner?.uid, gid: owner?.gid },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const database = opts.database ?? 'app';
  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    database,
    user: 'postgres',
    password,
    async start() {
      const c = spawn(
        postgres,
        ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`,
          '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'shared_buffers=32MB'],
        { stdio: ['ignore', 'ignore', 'pipe'], uid: owner?.uid, gid: owner?.gid },
      );
      let stderr = '';
      c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child = c;
      children.add(c);
      await waitFor(
        async () => {
          if (c.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
          const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 1000 });
          try {
            await client.connect();
            return true;
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        20000,
        `postgres on port ${port}`,
        100,
      );
    },
    async stop() {
      await stopChild(child, 'SIGINT');
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  return server;
}

export interface RedisServer {
  host: string;
  port: number;
  password: string;
  start(): Promise<void>;
  /** Stops the server; it keeps no data (like a cache node that lost its memory). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  dispose(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const bin = requireBinary(process.env.REDIS_SERVER_BIN ?? 'redis-server', 'install it (apt-get install redis-server) or set REDIS_SERVER_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'apps-redis-'));
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    host: '127.0.0.1',
    port,
    password,
    async start() {
      const c = spawn(
        bin,
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', password, '--loglevel', 'warning'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      c.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      child = c;
      children.add(c);
      await waitFor(
        () =>
          new Promise<boolean>((resolve, reject) => {
            if (c.exitCode !== null) return reject(new Error(`redis-server exited: ${out}`));
            const s = connect(port, '127.0.0.1');
            s.once('connect', () => {
              s.write(`AUTH ${password}\r\nPING\r\n`);
            });
            s.on('data', (d: Buffer) => {
              if (d.toString().includes('PONG')) {
                s.destroy();
                resolve(true);
              }
            });
            s.once('error', () => resolve(false));
            setTimeout(() => (s.destroy(), resolve(false)), 500);
          }),
        10000,
        `redis on port ${port}`,
      );
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      await stopChild(child, signal);
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
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
  children.add(child);
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
  const done = exited(child).finally(() => children.delete(child));
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
 * running jest alone, run `npm run build -w apps/<workspace>`.
 */
export function builtEntry(workspace: 'api' | 'agent'): string {
  const appsDir = resolve(__dirname, '..', '..');
  const entry = join(appsDir, workspace, 'dist', 'main.js');
  const hint = `run \`npm run build -w apps/${workspace}\` first`;
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
 * login role per app, member of its group role (jobs_api / jobs_agent) through the migration
 * entry point's grantLoginRoles. Returns the logins; use {@link roleEnv} to connect as one.
 */
export async function provisionAppRoles(pg: PostgresServer): Promise<AppLogins> {
  // Loaded lazily: the shared library from source (jest maps it), only for tests that need roles.
  const { migrate, grantLoginRoles, createLogger } = await import('../src');
  const { Pool } = await import('pg');
  const pool = new Pool({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database, max: 1 });
  const logins: AppLogins = {
    api: { user: 'api_login', password: `pw-${Math.random().toString(36).slice(2)}` },
    agent: { user: 'agent_login', password: `pw-${Math.random().toString(36).slice(2)}` },
  };
  try {
    await migrate(pool, createLogger({ service: 'test', level: 'silent' }));
    for (const l of [logins.api, logins.agent]) {
      await pool.query(`DROP ROLE IF EXISTS ${l.user}`);
      await pool.query(`CREATE ROLE ${l.user} LOGIN PASSWORD '${l.password}'`);
    }
    await grantLoginRoles(pool, { api: [logins.api.user], agent: [logins.agent.user] });
  } finally {
    await pool.end();
  }
  return logins;
}

/** appEnv connecting as one app's least-privileged login (no migrations at start). */
export function roleEnv(pg: PostgresServer, redis: RedisServer, login: { user: string; password: string }, extra: Record<string, string> = {}): Record<string, string> {
  return { ...appEnv(pg, redis), MIGRATE_ON_START: 'false', PGUSER: login.user, PGPASSWORD: login.password, ...extra };
}
