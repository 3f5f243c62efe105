/**
 * Real PostgreSQL and Redis servers on loopback, started from the system's binaries. One module
 * for two users:
 *  - the tests: throwaway servers (free port, temp dir, no fsync) removed by dispose();
 *  - the local launcher (`npm start`, scripts/start.ts): servers on fixed ports whose data lives
 *    in a project folder and is reused by the next start (`dir`, `port`, `durable`, `detached`).
 * A missing binary is a {@link MissingBinaryError} that says what to install, never a skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { serverBinaries } from './binaries';
import { recordTiming, timedAsync } from './timings';

export { MissingBinaryError, postgresBinDir, requireBinary, serverBinaries } from './binaries';

const children = new Set<ChildProcess>();
/**
 * Directories of throwaway servers (no `dir` given) that dispose() has not removed yet: a test
 * that failed before its afterAll, or a start that failed half-way, would leave them in the temp
 * folder. They go when this process exits, after their servers.
 */
const throwawayDirs = new Set<string>();
process.once('exit', () => {
  for (const c of children) killTree(c, 'SIGKILL');
  for (const dir of throwawayDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* a killed server's last writes raced the removal: the temp folder keeps what is left */
    }
  }
});

/** Registers a child to be killed when this process exits (removed again when it exits itself). */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Signals the child, or its whole process group when it was spawned detached (its own group). */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined && (child as { detachedGroup?: boolean }).detachedGroup) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    /* already gone */
  }
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

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, timeoutMs = 10000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  killTree(child, signal);
  const t = setTimeout(() => killTree(child, 'SIGKILL'), timeoutMs);
  await exited(child);
  clearTimeout(t);
  children.delete(child);
}

/** Spawns a server; `detached` puts it in its own process group so a terminal's Ctrl-C reaches only its owner. */
function spawnServer(bin: string, args: string[], opts: { detached?: boolean; uid?: number; gid?: number; stdout: 'ignore' | 'pipe' }): ChildProcess {
  const c = spawn(bin, args, { stdio: ['ignore', opts.stdout, 'pipe'], uid: opts.uid, gid: opts.gid, detached: opts.detached ?? false });
  (c as { detachedGroup?: boolean }).detachedGroup = opts.detached ?? false;
  trackChild(c);
  return c;
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

/** A password kept in `<dir>/password` (0600): created once, read on every later start. */
function keptPassword(dir: string, owner?: { uid: number; gid: number }): string {
  const file = join(dir, 'password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = `pw-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  if (owner) chownSync(file, owner.uid, owner.gid);
  return password;
}

/** Creates `dir` (for a persistent server) or a temp dir; owned by `owner` when given. */
function serverDir(dir: string | undefined, prefix: string, owner?: { uid: number; gid: number }): string {
  const d = dir ?? mkdtempSync(join(tmpdir(), prefix));
  if (!dir) throwawayDirs.add(d);
  // Parents as usual (the server's user must be able to reach the directory), the directory itself private.
  mkdirSync(dirname(d), { recursive: true });
  if (!existsSync(d)) mkdirSync(d, { mode: 0o700 });
  if (owner) chownSync(d, owner.uid, owner.gid);
  return d;
}

/** Where and how a server runs; every field optional (a test's throwaway server by default). */
export interface ServerOptions {
  /** Data directory kept between starts (created when missing, reused when it holds data); default: a temp dir that dispose() removes. */
  dir?: string;
  /** TCP port on 127.0.0.1; default: a free port. */
  port?: number;
  /** Durable writes (fsync, AOF) for data that must survive; tests run without, for speed. */
  durable?: boolean;
  /** Run in its own process group so a terminal's Ctrl-C reaches only the owner, which stops it in order. */
  detached?: boolean;
}

export interface PostgresServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** The server's directory (data in `<dir>/data`, password in `<dir>/password`). */
  dir: string;
  /** True when this start created the cluster (initdb), false when it reused `dir`. */
  created: boolean;
  /** Process id of the running postmaster. */
  pid(): number | undefined;
  /** Start again on the same port and data directory (after stop()). */
  start(): Promise<void>;
  /** Fast shutdown; the data directory is kept for start(). */
  stop(): Promise<void>;
  /** Stop and remove the data directory. */
  dispose(): Promise<void>;
}

/** A cluster made by initdb once and copied for each throwaway server: initdb is most of a server's start-up. */
interface ClusterTemplate {
  data: string;
  password: string;
}

/**
 * The initdb cluster (no fsync) for this PostgreSQL build and user, made on first use and kept in
 * the temp directory (keyed by the initdb binary, so an upgrade makes a new one). Concurrent jest
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
  keptPassword(scratch, owner);
  const init = spawnSync(
    initdb,
    ['-D', join(scratch, 'data'), '-U', 'postgres', `--pwfile=${join(scratch, 'password')}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
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
 * A PostgreSQL server with a database `opts.database` (default "app"). A test's throwaway server
 * (no `dir`, not `durable`) is a copy of a cached initdb cluster, so no initdb per server; tests
 * that do not stop or break the server should rather use `postgresDatabase()` (./index.ts), a
 * database on the jest run's shared server.
 */
export async function startPostgres(opts: ServerOptions & { database?: string } = {}): Promise<PostgresServer> {
  return timedAsync(opts.dir ? 'postgres start (kept data)' : 'postgres start (private server)', () => startPostgresServer(opts));
}

async function startPostgresServer(opts: ServerOptions & { database?: string }): Promise<PostgresServer> {
  const { initdb, postgres } = serverBinaries();
  const owner = serviceUser('postgres');
  const dir = serverDir(opts.dir, 'apps-pg-', owner);
  const throwaway = !opts.dir && !opts.durable;
  const template = throwaway ? clusterTemplate(initdb, owner) : undefined;
  if (template) {
    writeFileSync(join(dir, 'password'), `${template.password}\n`, { mode: 0o600 });
    if (owner) chownSync(join(dir, 'password'), owner.uid, owner.gid);
  }
  const password = keptPassword(dir, owner);
  const data = join(dir, 'data');
  const created = !existsSync(join(data, 'PG_VERSION'));
  if (template) {
    // cp -a keeps the owner and the 0700 mode that postgres insists on.
    const copy = spawnSync('cp', ['-a', template.data, data], { encoding: 'utf8' });
    if (copy.status !== 0) throw new Error(`copying the PostgreSQL cluster template failed: ${copy.stderr}`);
  } else if (created) {
    rmSync(data, { recursive: true, force: true });
    const init = spawnSync(
      initdb,
      ['-D', data, '-U', 'postgres', `--pwfile=${join(dir, 'password')}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C', ...(opts.durable ? [] : ['--no-sync'])],
      { encoding: 'utf8', uid: owner?.uid, gid: owner?.gid },
    );
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  const database = opts.database ?? 'app';
  // Throwaway servers also allow many connections: the jest run's shared server (global-setup.ts) holds every file's pools.
  const speed = opts.durable ? ['-c', 'synchronous_commit=off'] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'];
  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    database,
    user: 'postgres',
    password,
    dir,
    created,
    pid: () => child?.pid,
    async start() {
      const c = spawnServer(
        postgres,
        ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, ...speed, '-c', 'shared_buffers=32MB'],
        { stdout: 'ignore', uid: owner?.uid, gid: owner?.gid, detached: opts.detached },
      );
      let stderr = '';
      c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
      child = c;
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
      throwawayDirs.delete(dir);
    },
  };
  await server.start();
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return server;
}

export interface RedisServer {
  host: string;
  port: number;
  password: string;
  /** The server's directory (AOF in `<dir>/appendonlydir` when durable, password in `<dir>/password`). */
  dir: string;
  /** Process id of the running server. */
  pid(): number | undefined;
  start(): Promise<void>;
  /** Stops the server; without `durable` it keeps no data (like a cache node that lost its memory). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  dispose(): Promise<void>;
}

export async function startRedis(opts: ServerOptions = {}): Promise<RedisServer> {
  return timedAsync('redis start', () => startRedisServer(opts));
}

async function startRedisServer(opts: ServerOptions): Promise<RedisServer> {
  const bin = serverBinaries().redisServer;
  const dir = serverDir(opts.dir, 'apps-redis-');
  const port = opts.port ?? (await freePort());
  const password = opts.dir ? keptPassword(dir) : `pw-${Math.random().toString(36).slice(2)}`;
  const persistence = opts.durable ? ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''] : ['--save', '', '--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    host: '127.0.0.1',
    port,
    password,
    dir,
    pid: () => child?.pid,
    async start() {
      const c = spawnServer(
        bin,
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, '--requirepass', password, '--loglevel', 'warning'],
        { stdout: 'pipe', detached: opts.detached },
      );
      let out = '';
      c.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      c.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
      child = c;
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
      throwawayDirs.delete(dir);
    },
  };
  await server.start();
  return server;
}
