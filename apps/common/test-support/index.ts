/**
 * Test kit: throwaway PostgreSQL and Redis servers on loopback (free ports, temp dirs) and
 * helpers to run the apps as child processes. A missing server binary is an error, never a
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
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { recordTiming, timedAsync } from './timings';

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

/** A cluster made by initdb once and copied for each server: initdb is most of a server's start-up. */
interface ClusterTemplate {
  data: string;
  password: string;
}

/**
 * The initdb cluster for this PostgreSQL build and user, made on first use and kept in the
 * temp directory (keyed by the initdb binary, so an upgrade makes a new one). Concurrent jest
 * workers each make one in a scratch directory and the first rename wins.
 */
function clusterTemplate(initdb: string, owner: { uid: number; gid: number } | undefined): ClusterTemplate {
  const stamp = `${statSync(initdb).mtimeMs.toFixed(0)}-${statSync(initdb).size}`;
  const dir = join(tmpdir(), `apps-pg-template-${process.getuid?.() ?? 'u'}-${stamp}`);
  const read = (): ClusterTemplate | undefined =>
    existsSync(join(dir, 'ready')) ? { data: join(dir, 'data'), password: readFileSync(join(dir, 'password'), 'utf8').trim() } : undefined;
  const found = read();
  if (found) return found;
  const started = performance.now();
  const scratch = mkdtempSync(`${dir}.tmp-`);
  if (owner) chownSync(scratch, owner.uid, owner.gid);
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = join(scratch, 'password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const init = spawnSync(
    initdb,
    ['-D', join(scratch, 'data'), '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { encoding: 'utf8', uid: owner?.uid, gid: owner?.gid },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  writeFileSync(join(scratch, 'ready'), '');
  try {
    renameSync(scratch, dir);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another worker was first
  }
  recordTiming('postgres initdb (once per machine)', performance.now() - started);
  const made = read();
  if (!made) throw new Error(`PostgreSQL cluster template ${dir} is incomplete; delete it and run again`);
  return made;
}

/**
 * A private PostgreSQL server on a free loopback port with an empty database `opts.database`
 * (default "app"). Use it when a test stops, restarts or breaks the server; otherwise use
 * {@link postgresDatabase}, which shares the run's server.
 */
export async function startPostgres(opts: { database?: string } = {}): Promise<PostgresServer> {
  return timedAsync('postgres start (private server)', () => startPrivatePostgres(opts));
}

async function startPrivatePostgres(opts: { database?: string }): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const initdb = requireBinary(join(bin, 'initdb'), 'install PostgreSQL server binaries (apt-get install postgresql) or set PG_BIN');
  const postgres = requireBinary(join(bin, 'postgres'), 'install PostgreSQL server binaries or set PG_BIN');
  const owner = serviceUser('postgres');
  const template = clusterTemplate(initdb, owner);
  const dir = mkdtempSync(join(tmpdir(), 'apps-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const password = template.password;
  const data = join(dir, 'data');
  // cp -a keeps the owner and the 0700 mode that postgres insists on.
  const copy = spawnSync('cp', ['-a', template.data, data], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`copying the PostgreSQL cluster template failed: ${copy.stderr}`);
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
          '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'shared_buffers=32MB',
          // The shared server (global-setup.ts) holds every file's api/agent pools at once.
          '-c', 'max_connections=300'],
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

/** Where ./global-setup.ts put the run's shared PostgreSQL server (or why it could not start it). */
export const SHARED_POSTGRES_ENV = 'APPS_TEST_POSTGRES';
export const SHARED_POSTGRES_ERROR_ENV = 'APPS_TEST_POSTGRES_ERROR';

/** Connection details of the shared server, as ./global-setup.ts passes them to the workers. */
export interface SharedPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
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
    const shared_ = async () => {
      throw new Error('postgresDatabase() is a database on the shared server, which tests must not stop or start: use startPostgres() for a private server');
    };
    return {
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database,
      start: shared_,
      stop: shared_,
      async dispose() {
        await adminQuery(s, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      },
    };
  });
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
  return timedAsync('redis start', () => startRedisServer());
}

async function startRedisServer(): Promise<RedisServer> {
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

/** Environment for the api/agent pointing at the test servers (no TLS on loopback). */
export function appEnv(pg: PostgresServer, redis: RedisServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
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
