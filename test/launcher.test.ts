/**
 * The local launcher (`npm start`, scripts/start.ts) as a real process, on free ports and a
 * throwaway data folder:
 *  - error paths: a bad option, a missing server binary, a busy port, --reset without a terminal
 *    stop before anything starts, with a message that says what to do, and leave nothing behind;
 *  - start → ready: one `ready: <url>` line and a `sign in:` line with the local user and password;
 *    through that URL (the Vite dev server proxying the api) headless Chromium signs in at the
 *    local OIDC issuer (a wrong password is refused), sees "Live updates: Live" (Socket.IO through
 *    the proxy) and submits a job that reaches `succeeded`; the api refuses a call without a token;
 *  - stop: SIGINT (Ctrl-C) stops every process group it started and frees every port; exit 0;
 *  - start again: the same data (the job is still there), the same password, and the issuer's
 *    kept signing key (the browser's token still works).
 */
import { spawn, type ChildProcess } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { request as httpsRequest } from 'https';
import { createServer, type Server } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { freePort, httpJson, waitFor } from '../apps/common/test-support';
import { launchChromium, type Browser } from '../apps/frontend/test/support/browser';
import { SERVICES, urlFromReadyLine, type Service } from '../scripts/local/options';
import { groupAlive } from '../scripts/local/processes';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..');

interface Launch {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

/**
 * What `npm start` runs after the install step (package.json): `node <these> [-- options]`.
 * The test runs exactly that, without npm around it and without the install step.
 */
const START_ARGS = (() => {
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  const node = /^bash scripts\/install\.sh && exec node (.+)$/.exec(script)?.[1];
  if (!node) throw new Error(`package.json's start script is not "bash scripts/install.sh && exec node ...": ${script}`);
  return node.split(' ');
})();

function launch(args: string[], env: Record<string, string> = {}): Launch {
  const child = spawn(process.execPath, [...START_ARGS, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const l = { child, out: () => out, err: () => err, exited };
  launched.push(l);
  return l;
}

/** GET over https trusting `ca` (the issuer's self-signed certificate): status and Location. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on('error', reject);
    req.end();
  });
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

let base: string;
let dataDir: string;
let ports: Record<Service, number>;
let portArgs: string[];
/** The error cases' ports: they run while the first start does, on ports of their own. */
let errorPorts: Record<Service, number>;
let errorPortArgs: string[];
/** Every launcher started, so that a failed test still stops them all. */
const launched: Launch[] = [];

interface Started {
  url: string;
  launch: Launch;
  state: { processes: Record<Service, number> };
}

async function startAndWaitReady(): Promise<Started> {
  const l = launch(portArgs);
  const url = await waitFor(
    () => {
      if (l.child.exitCode !== null) throw new Error(`launcher exited ${l.child.exitCode}: ${l.err()}\n${l.out()}`);
      const line = l.out().split('\n').find((x) => x.startsWith('ready: '));
      return line ? urlFromReadyLine(line) : undefined;
    },
    90_000,
    'the ready line',
    50,
  );
  const state = JSON.parse(readFileSync(path.join(dataDir, 'launcher.json'), 'utf8')) as { processes: Record<Service, number> };
  return { url, launch: l, state };
}

/**
 * The cold start and the browser, begun before the error cases and awaited by the tests that
 * use them: the error cases (short processes of their own) run meanwhile, not before.
 */
let coldStart: Promise<Started>;
let browserStart: Promise<Browser>;

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'launcher-'));
  chmodSync(base, 0o755); // the postgres user (when run as root) must reach the data folder
  dataDir = path.join(base, 'data');
  // Twelve different ports (the kernel may hand out a port again once it is closed).
  const free = new Set<number>();
  while (free.size < SERVICES.length * 2) free.add(await freePort());
  const [mine, theirs] = [[...free].slice(0, SERVICES.length), [...free].slice(SERVICES.length)];
  ports = Object.fromEntries(SERVICES.map((s, i) => [s, mine[i]])) as Record<Service, number>;
  errorPorts = Object.fromEntries(SERVICES.map((s, i) => [s, theirs[i]])) as Record<Service, number>;
  portArgs = ['--data-dir', dataDir, ...SERVICES.flatMap((s) => [`--${s}-port`, String(ports[s])])];
  errorPortArgs = SERVICES.flatMap((s) => [`--${s}-port`, String(errorPorts[s])]);
  coldStart = startAndWaitReady();
  // The local issuer's certificate is self-signed for 127.0.0.1: this browser accepts it
  // (a person accepts it once; the app says how when the browser refuses it).
  browserStart = launchChromium({ extraArgs: ['--ignore-certificate-errors'] });
  // Awaited by the tests; until then a failure must not count as an unhandled rejection.
  coldStart.catch(() => undefined);
  browserStart.catch(() => undefined);
});

afterAll(async () => {
  await (await browserStart?.catch(() => undefined))?.close();
  for (const l of launched.filter((x) => x.child.exitCode === null && x.child.signalCode === null)) {
    l.child.kill('SIGINT');
    await l.exited;
  }
  rmSync(base, { recursive: true, force: true });
});

describe('stops before starting anything, saying what to do', () => {
  // The four launches run at once (each is a short-lived process); each has its own data folder.
  const dirs = { option: '', binary: '', port: '', reset: '' };
  const results: Record<keyof typeof dirs, { code: number | null; out: string; err: string }> = {} as never;
  let blocker: Server;

  beforeAll(async () => {
    for (const key of Object.keys(dirs) as (keyof typeof dirs)[]) dirs[key] = path.join(base, `error-${key}`);
    mkdirSync(dirs.reset, { recursive: true });
    writeFileSync(path.join(dirs.reset, 'keep'), 'x');
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(errorPorts.api, '127.0.0.1', resolve));
    const args = (dir: string) => [...errorPortArgs, '--data-dir', dir];
    const noPg = { PG_BIN: path.join(base, 'no-such-dir') };
    const runs = {
      option: launch(['--web-port', 'abc', '--data-dir', dirs.option]),
      binary: launch(args(dirs.binary), noPg),
      port: launch(args(dirs.port)),
      reset: launch(['--reset', ...args(dirs.reset)], noPg),
    };
    await Promise.all(
      Object.entries(runs).map(async ([key, l]) => {
        results[key as keyof typeof dirs] = { code: await l.exited, out: l.out(), err: l.err() };
      }),
    );
    await new Promise((resolve) => blocker.close(resolve));
  });

  test('a bad option: exit 2', () => {
    expect(results.option.code).toBe(2);
    expect(results.option.err).toBe('npm start: --web-port: "abc" is not a TCP port; use a number from 1 to 65535 (1024 and up without root)\n');
  });

  test('a missing PostgreSQL binary: exit 1, the install hint, no data folder', () => {
    expect(results.binary.code).toBe(1);
    expect(results.binary.err).toContain(`npm start: required server binary "${path.join(base, 'no-such-dir', 'initdb')}" not found`);
    expect(results.binary.err).toContain('bash scripts/install.sh');
    expect(existsSync(dirs.binary)).toBe(false);
  });

  test('a busy port: exit 1, which port, how to find the holder and how to move', () => {
    expect(results.port.code).toBe(1);
    expect(results.port.err).toContain(`port ${errorPorts.api} (api) is already in use.`);
    expect(results.port.err).toContain(`ss -ltnp 'sport = :${errorPorts.api}'`);
    expect(results.port.err).toContain('npm start -- --api-port <port> (or LOCAL_API_PORT=<port>)');
    expect(existsSync(dirs.port)).toBe(false);
  });

  test('--reset with no terminal to confirm in: exit 2, nothing deleted; with --yes it deletes', async () => {
    expect(results.reset.code).toBe(2);
    expect(results.reset.err).toContain('--reset asks for a confirmation and there is no terminal to ask in; add --yes to confirm');
    expect(existsSync(path.join(dirs.reset, 'keep'))).toBe(true);

    const yes = launch(['--reset', '--yes', ...errorPortArgs, '--data-dir', dirs.reset], { PG_BIN: path.join(base, 'no-such-dir') });
    expect(await yes.exited).toBe(1); // deleted, then stopped by the missing binary
    expect(yes.out()).toContain(`reset: deleted ${dirs.reset}`);
    expect(existsSync(dirs.reset)).toBe(false);
  });
});

describe('start, ready, sign in, use, stop, start again', () => {
  let browser: Browser;
  let jobId: string;
  let signInLine: string;
  let accessToken: string;

  beforeAll(async () => {
    browser = await browserStart; // closed by the file's afterAll
  });

  async function stopAndCheckNothingLeft(l: Launch, state: { processes: Record<Service, number> }): Promise<void> {
    l.child.kill('SIGINT');
    expect(await l.exited).toBe(0);
    const stopped = l.out().split('\n').filter((x) => x.startsWith('stopped ')).map((x) => x.split(/\s+/)[1]);
    expect(stopped).toEqual(['web', 'agent', 'api', 'oidc', 'redis', 'postgres']);
    for (const service of SERVICES) {
      expect([service, groupAlive(state.processes[service])]).toEqual([service, false]);
      expect([service, await portFree(ports[service])]).toEqual([service, true]);
    }
    expect(existsSync(path.join(dataDir, 'launcher.json'))).toBe(false);
  }

  test('cold start: one URL and a user to sign in with; sign-in, live updates, a job that succeeds; Ctrl-C leaves no process and no port', async () => {
    const { url, launch: l, state } = await coldStart;
    expect(url).toBe(`http://127.0.0.1:${ports.web}/`);
    expect(l.out()).toContain('(new database in');
    expect(l.out().match(/https?:\/\//g)).toHaveLength(1);
    expect(Object.keys(state.processes).sort()).toEqual([...SERVICES].sort());
    signInLine = l.out().split('\n').find((x) => x.startsWith('sign in: ')) ?? '';
    const [, user, password] = /^sign in: {2}user (\S+), password (\S+) \(local issuer on port (\d+)/.exec(signInLine) ?? [];
    expect([user, password?.length, signInLine.includes(`port ${ports.oidc}:`)]).toEqual(['developer', 16, true]);
    expect(statSync(path.join(dataDir, 'oidc', 'password')).mode & 0o777).toBe(0o600);

    const page = await browser.context.newPage();
    page.on('request', (r) => {
      const auth = r.headers().authorization;
      if (new URL(r.url()).pathname.startsWith('/api/jobs') && auth) accessToken = auth;
    });
    await page.goto(url, { waitUntil: 'load' });
    // Sign in at the issuer the launcher started, as a person would: a wrong password first.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.origin === `https://127.0.0.1:${ports.oidc}`, { timeout: 20_000 });
    await page.getByLabel('User name').fill(user);
    await page.getByLabel('Password').fill(`${password}x`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.origin === `http://127.0.0.1:${ports.web}`, { timeout: 20_000 });
    await page.getByText(user, { exact: true }).waitFor({ timeout: 20_000 });
    // The Socket.IO feed through the Vite proxy, with the token in the handshake's auth.
    await page.getByRole('status').filter({ hasText: /^Live updates: Live$/ }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Job type').selectOption('wordcount');
    await page.locator('#root form').getByRole('textbox').fill('one two three');
    await page.getByRole('button', { name: 'Submit job' }).click();
    const row = page.locator('li.job[data-status="succeeded"]').first();
    await row.waitFor({ timeout: 20_000 });
    await expect(row.getByRole('definition').first().textContent()).resolves.toBe('3');
    jobId = (await row.getAttribute('data-job-id')) ?? '';
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    if (process.env.LAUNCHER_SCREENSHOT) await page.screenshot({ path: process.env.LAUNCHER_SCREENSHOT });
    await page.close();
    expect(accessToken).toMatch(/^Bearer ey/);
    // Entra-shaped: the issuer, the api's audience, the delegated scope, the user as oid.
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: `https://127.0.0.1:${ports.oidc}`, aud: 'api://aks-platform-api', scp: 'Jobs.ReadWrite', oid: 'developer' });
    // The api checks the token: none is refused.
    expect((await httpJson(`${url}api/jobs/${jobId}`)).status).toBe(401);
    // PKCE is required: an authorization request without a code challenge is refused (trusting the kept certificate).
    const refused = await httpsGet(
      `https://127.0.0.1:${ports.oidc}/auth?client_id=job-runner-spa&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(url)}`,
      readFileSync(path.join(dataDir, 'oidc', 'cert.pem')),
    );
    expect(refused.status).toBe(303);
    expect(new URL(refused.location!).searchParams.get('error_description')).toBe('Authorization Server policy requires PKCE to be used for this request');

    await stopAndCheckNothingLeft(l, state);
  });

  test('warm start: the same data, the same user and password, and the token from before still valid; then stops cleanly again', async () => {
    const { url, launch: l, state } = await startAndWaitReady();
    expect(l.out()).toContain('(existing data in');
    expect(l.out()).toContain(signInLine);
    // The issuer kept its signing key (and certificate) in the data folder: the browser's token still works.
    const job = await httpJson(`${url}api/jobs/${jobId}`, { headers: { authorization: accessToken } });
    expect([job.status, job.body.status]).toEqual([200, 'succeeded']);
    await stopAndCheckNothingLeft(l, state);
  });
});
