/**
 * `npm start`: the whole workload on this machine, from one command.
 *
 *   postgres  PostgreSQL from the system binaries, data in .local/postgres (kept between runs)
 *   redis     redis-server, append-only file in .local/redis (kept between runs)
 *   oidc      the local OpenID Connect issuer (apps/common/test-support/oidc-provider) the web app
 *             signs in at: https on 127.0.0.1 with a self-signed certificate, user `developer` with
 *             a password made once; certificate, keys and password in .local/oidc (kept between runs).
 *             Its AUTH_* settings go to the web (Vite serves them as /config.json) and to the api
 *             (AUTH_MODE=entra, trusting the certificate through NODE_EXTRA_CA_CERTS)
 *   api       apps/api from source: Node's watch mode with scripts/local/ts-hook.cjs (SWC; restarts on
 *             every change under apps/api/src or apps/common/src)
 *   agent     apps/agent likewise
 *   web       the frontend's Vite dev server, which proxies /api/ and /socket.io/ to the api the
 *             way nginx does in the image (apps/frontend/vite.config.ts)
 *
 * Once every service answers its readiness check it prints one line, `ready: <url>`. Ctrl-C
 * (SIGINT), SIGTERM or SIGHUP stops them in reverse order, each with its process group, and
 * the launcher exits 0 once nothing it started is left. Options and messages: scripts/local/options.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { MissingBinaryError, serverBinaries } from '../apps/common/test-support/binaries';
import type { PostgresServer, RedisServer } from '../apps/common/test-support/servers';
import {
  SERVICES,
  USAGE,
  UsageError,
  appProcessEnv,
  busyPortMessage,
  confirmsReset,
  parseLaunchOptions,
  readyLine,
  resetQuestion,
  signInLine,
  LOCAL_USER,
  type LaunchOptions,
  type Service,
} from './local/options';
import type { ManagedProcess } from './local/processes';
import type { LocalOidcProvider } from '../apps/common/test-support/oidc-provider';

/**
 * The modules that start and stop the services, loaded once the checks have passed: with them
 * come PostgreSQL's client library and the rest, about 0.1 CPU-s that a launch stopped by a bad
 * option, a missing binary or a busy port does not need (test/launcher.test.ts makes five such).
 */
const servers = () => require('../apps/common/test-support/servers') as typeof import('../apps/common/test-support/servers');
const processes = () => require('./local/processes') as typeof import('./local/processes');
const oidcProvider = () => require('../apps/common/test-support/oidc-provider') as typeof import('../apps/common/test-support/oidc-provider');

const repoRoot = path.resolve(__dirname, '..');
const DATABASE = 'app';
/** How the api and agent run from source (as the launcher itself does: package.json's start). */
const TS_HOOK = './scripts/local/ts-hook.cjs';
const t0 = Date.now();

const say = (line: string) => process.stdout.write(`${line}\n`);
const fail = (message: string, code = 1): never => {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(code);
};

/** The state file other tools (and the tests) read: who runs, with which process groups and ports. */
function stateFile(opts: LaunchOptions): string {
  return path.join(opts.dataDir, 'launcher.json');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A launcher already running on this data folder, if any. */
function runningLauncher(opts: LaunchOptions): number | undefined {
  try {
    const state = JSON.parse(readFileSync(stateFile(opts), 'utf8')) as { pid: number };
    return state.pid !== process.pid && pidAlive(state.pid) ? state.pid : undefined;
  } catch {
    return undefined;
  }
}

/** A PostgreSQL left running from this data folder (e.g. after the launcher was killed with SIGKILL). */
function leftoverPostgres(opts: LaunchOptions): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(opts.dataDir, 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => rl.question(question, (answer) => (rl.close(), resolve(answer))));
}

async function reset(opts: LaunchOptions): Promise<void> {
  const other = runningLauncher(opts);
  if (other) fail(`another npm start (pid ${other}) is using ${opts.dataDir}; stop it first (Ctrl-C in its terminal, or kill -INT ${other})`);
  if (!existsSync(opts.dataDir)) return;
  if (!opts.yes) {
    if (!process.stdin.isTTY) fail('--reset asks for a confirmation and there is no terminal to ask in; add --yes to confirm', 2);
    if (!confirmsReset(await ask(resetQuestion(opts.dataDir)))) fail('reset cancelled; nothing was deleted', 2);
  }
  rmSync(opts.dataDir, { recursive: true, force: true });
  say(`reset: deleted ${opts.dataDir}`);
}

/** Everything that must hold before anything starts, so a problem leaves nothing behind. */
async function preflight(opts: LaunchOptions): Promise<void> {
  try {
    serverBinaries();
  } catch (err) {
    if (err instanceof MissingBinaryError) fail(err.message);
    throw err;
  }
  for (const [what, file] of [['@swc/core', 'node_modules/@swc/core/package.json'], ['vite', 'node_modules/vite/bin/vite.js']] as const) {
    if (!existsSync(path.join(repoRoot, file))) fail(`${what} is not installed (${file} is missing); run bash scripts/install.sh (or npm install)`);
  }
  const other = runningLauncher(opts);
  if (other) fail(`npm start is already running (pid ${other}) with ${opts.dataDir}; use that one, or stop it (Ctrl-C in its terminal, or kill -INT ${other})`);
  const problems: string[] = [];
  for (const service of SERVICES) {
    // The api and agent listen on every interface (like in their containers); the rest on loopback.
    const host = service === 'api' || service === 'agent' ? '0.0.0.0' : '127.0.0.1';
    if (!(await portFree(opts.ports[service], host))) {
      const pg = service === 'postgres' ? leftoverPostgres(opts) : undefined;
      problems.push(busyPortMessage(service, opts.ports[service], pg ? `a PostgreSQL left over from an earlier npm start (pid ${pg}; stop it with kill -INT ${pg})` : undefined));
    }
  }
  if (problems.length > 0) fail(problems.join('\n           '));
}

interface Running {
  postgres?: PostgresServer;
  redis?: RedisServer;
  oidc?: LocalOidcProvider;
  procs: Partial<Record<'api' | 'agent' | 'web', ManagedProcess>>;
  /** Settles once PostgreSQL and Redis have started or failed. */
  dataStart?: Promise<unknown>;
}

/** Stops everything in reverse start order; each step waits until its processes are gone. */
async function stopAll(running: Running, opts: LaunchOptions): Promise<void> {
  // PostgreSQL and Redis may still be starting (Ctrl-C early): wait, then stop them too.
  await running.dataStart;
  for (const service of [...SERVICES].reverse()) {
    const started = Date.now();
    if (service === 'postgres' && running.postgres) await running.postgres.stop();
    else if (service === 'redis' && running.redis) await running.redis.stop();
    else if (service === 'oidc' && running.oidc) await running.oidc.close();
    else if (service !== 'postgres' && service !== 'redis' && service !== 'oidc' && running.procs[service]) await running.procs[service]!.stop();
    else continue;
    say(`stopped  ${service} (${Date.now() - started} ms)`);
  }
  rmSync(stateFile(opts), { force: true });
}

/** The local user's password: made once per data folder, kept in <data>/oidc/password (mode 0600). */
function localPassword(dir: string): string {
  const file = path.join(dir, 'password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = randomBytes(12).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Whether `url` answers 2xx within 2 s. node:http, not fetch: the readiness checks poll every
 * 100 ms, and fetch (undici, loaded on first use) cost the launcher ~0.3 CPU-s per start.
 */
function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(url, { timeout: 2000 }, (res) => {
      res.resume();
      res.once('end', () => resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300));
      res.once('error', () => resolve(false));
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', () => resolve(false));
  });
}

/** Waits for `url` to answer 2xx; fails early when the process behind it exits. */
async function ready(proc: ManagedProcess, url: string, timeoutMs: number): Promise<void> {
  let gone: string | undefined;
  void proc.exited.then((how) => (gone = how));
  await servers().waitFor(
    async () => {
      if (gone) throw new Error(`${proc.name} exited (${gone}) before it was ready; its last output:\n  ${proc.tail().slice(-15).join('\n  ')}`);
      return httpOk(url);
    },
    timeoutMs,
    `${proc.name} at ${url}`,
    100,
  );
}

async function main(): Promise<void> {
  let opts: LaunchOptions;
  try {
    opts = parseLaunchOptions(process.argv.slice(2), process.env, repoRoot);
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message, 2);
    throw err;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (opts.reset) await reset(opts);
  await preflight(opts);
  // The require hook's compiled files (scripts/local/ts-hook.cjs) that no start has used for a week.
  const { pruneTranspileCache } = require('./swc-options.cjs') as { pruneTranspileCache(dir: string): number };
  pruneTranspileCache((require('./local/ts-hook.cjs') as { CACHE_DIR: string }).CACHE_DIR);

  mkdirSync(opts.dataDir, { recursive: true });
  const running: Running = { procs: {} };
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string, code: number) => {
    if (stopping) return;
    say(`\nstopping (${why}) ...`);
    stopping = stopAll(running, opts).then(
      () => process.exit(code),
      (err: Error) => fail(`stopping failed: ${err.message}`),
    );
  };
  let firstSignalAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (Date.now() - firstSignalAt < 1000) return; // the same Ctrl-C, relayed by a wrapper
        // A second Ctrl-C: no more waiting.
        for (const p of Object.values(running.procs)) void processes().stopGroup(p!.pgid, 0, 'SIGKILL');
        return;
      }
      firstSignalAt = Date.now();
      shutdown(signal, 0);
    });
  }
  const writeState = () =>
    writeFileSync(
      stateFile(opts),
      `${JSON.stringify(
        {
          pid: process.pid,
          ports: opts.ports,
          processes: {
            postgres: running.postgres?.pid(),
            redis: running.redis?.pid(),
            oidc: running.oidc?.pid,
            api: running.procs.api?.pgid,
            agent: running.procs.agent?.pgid,
            web: running.procs.web?.pgid,
          },
        },
        null,
        2,
      )}\n`,
    );
  writeState();

  try {
    const pgDir = path.join(opts.dataDir, 'postgres');
    const reused = existsSync(path.join(pgDir, 'data', 'PG_VERSION'));
    const oidcDir = path.join(opts.dataDir, 'oidc');
    const password = localPassword(oidcDir);
    const data = [
      servers().startPostgres({ dir: pgDir, port: opts.ports.postgres, durable: true, detached: true, database: DATABASE }).then((pg) => (running.postgres = pg)),
      servers().startRedis({ dir: path.join(opts.dataDir, 'redis'), port: opts.ports.redis, durable: true, detached: true }).then((redis) => (running.redis = redis)),
      oidcProvider().startLocalOidcProvider({
        spaOrigin: `http://127.0.0.1:${opts.ports.web}`,
        httpsPort: opts.ports.oidc,
        httpPort: 'off',
        users: `${LOCAL_USER}:${password}`,
        stateDir: oidcDir,
        detached: true,
      }).then((idp) => (running.oidc = idp)),
    ];
    running.dataStart = Promise.allSettled(data);
    await Promise.all(data);
    if (!running.postgres || !running.redis || !running.oidc) throw new Error('PostgreSQL, Redis or the OIDC issuer did not start');
    say(`started  postgres :${opts.ports.postgres} (${reused ? 'existing data' : 'new database'} in ${pgDir}), redis :${opts.ports.redis}, oidc :${opts.ports.oidc}`);
    const idp = running.oidc;
    if (stopping) return;

    const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra });
    // The apps are CommonJS: a require hook is enough (scripts/local/ts-hook.cjs: SWC, and
    // @aks-platform/common from source), and Node's own watch mode restarts them on an edit of
    // their sources or apps/common's. --watch-path, not --watch: --watch also watches every
    // dependency file the app loads, which cost the api's watcher 0.45 CPU-s at each start
    // (0.1 with the two folders). Each folder as its own argument (`--watch-path <dir>`): Node 20's
    // watch mode drops the argument after a `--watch-path=<dir>` from its child's flags only when it
    // does not start with '-', so two `--watch-path=` kept the second one and ran a watcher inside
    // the watcher (three node processes per app instead of two: 0.04-0.09 CPU-s more per app start;
    // test/launcher.test.ts's api and agent processes 4.8-5.5 -> 4.5-5.1 CPU-s, measured 2026-12-01).
    for (const app of ['api', 'agent'] as const) {
      const appEnv = appProcessEnv(app, {
        ports: opts.ports,
        database: DATABASE,
        postgresPasswordFile: path.join(running.postgres.dir, 'password'),
        redisPasswordFile: path.join(running.redis.dir, 'password'),
        logLevel: process.env.LOG_LEVEL,
        issuer: { apiEnv: idp.apiEnv(), certFile: idp.certFile! },
      });
      running.procs[app] = processes().startProcess(
        app,
        process.execPath,
        ['--watch-path', `apps/${app}/src`, '--watch-path', 'apps/common/src', '--require', TS_HOOK, `apps/${app}/src/main.ts`],
        { cwd: repoRoot, env: env(appEnv), print: say },
      );
    }
    // Vite's default config loader (bundle), as `vite build` in npm test uses it: the module
    // runner loader ('runner') registers an ESM loader hook, on Node 20 a worker thread of its
    // own, which cost each start ~0.25 CPU-s more. The config is CommonJS on purpose (the build
    // lane's note in scripts/test.sh): the loader's notice about that is not for the person at the terminal.
    running.procs.web = processes().startProcess(
      'web',
      process.execPath,
      [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), '--host', '127.0.0.1', '--port', String(opts.ports.web), '--strictPort', '--logLevel', 'warn', '--clearScreen', 'false'],
      {
        cwd: path.join(repoRoot, 'apps/frontend'),
        env: env({ API_UPSTREAM: `http://127.0.0.1:${opts.ports.api}`, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true', ...idp.frontendEnv() }),
        print: say,
      },
    );
    writeState();

    const web = `http://127.0.0.1:${opts.ports.web}/`;
    await Promise.all([
      ready(running.procs.api!, `http://127.0.0.1:${opts.ports.api}/api/ready`, 60_000),
      ready(running.procs.agent!, `http://127.0.0.1:${opts.ports.agent}/ready`, 60_000),
      ready(running.procs.web!, web, 60_000),
    ]);
    // The page and the api through the dev server's proxy: what the browser will use.
    await ready(running.procs.web!, `${web}api/ready`, 10_000);
  } catch (err) {
    if (stopping) return;
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    shutdown('a service did not start', 1);
    return;
  }
  if (stopping) return;
  const pid = (s: Service) => (s === 'postgres' ? running.postgres!.pid() : s === 'redis' ? running.redis!.pid() : s === 'oidc' ? running.oidc!.pid : running.procs[s]!.pgid);
  const pids = SERVICES.map((s) => `${s} ${pid(s)}`);
  say(`processes: ${pids.join(', ')}; started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  say(signInLine(LOCAL_USER, localPassword(path.join(opts.dataDir, 'oidc')), opts.ports.oidc));
  say(readyLine(opts.ports.web));

  // A service that dies on its own takes the rest down with it (node --watch survives an app crash and waits for an edit).
  for (const proc of Object.values(running.procs)) {
    void proc!.exited.then((how) => {
      if (!stopping) {
        process.stderr.write(`npm start: ${proc!.name} stopped unexpectedly (${how})\n`);
        shutdown(`${proc!.name} stopped`, 1);
      }
    });
  }
}

main().catch((err: Error) => fail(err.stack ?? err.message));
