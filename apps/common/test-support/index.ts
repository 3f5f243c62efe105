/**
 * Test kit: throwaway PostgreSQL and Redis servers on loopback (free ports, temp dirs; see
 * ./servers.ts, shared with the local launcher `npm start`) and helpers to run the apps as
 * child processes. A missing server binary is an error, never a
 * skip: the apps' integration tests must fail loudly when their real dependencies are absent.
 *
 *   const pg = await startPostgres();  const redis = await startRedis();
 *   const env = appEnv(pg, redis);     ...   await pg.dispose(); await redis.dispose();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exited, trackChild, waitFor, type PostgresServer, type RedisServer } from './servers';

export * from './servers';

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
