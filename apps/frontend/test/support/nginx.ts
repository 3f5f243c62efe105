/**
 * Runs the frontend's real nginx configuration (nginx/nginx.conf plus the rendered
 * templates/default.conf.template) with Debian's nginx on a free loopback port, as an
 * unprivileged process, serving the built dist/. The container paths in the config are
 * rewritten to a temp prefix; every rewrite must match, so a config change that moves a
 * path fails here instead of silently testing something else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireBinary, waitFor } from '../../../common/test-support';
import { timedAsync } from '../../../common/test-support/timings';

export const FRONTEND_DIR = join(__dirname, '..', '..');
export const DIST_DIR = join(FRONTEND_DIR, 'dist');
const NGINX_DIR = join(FRONTEND_DIR, 'nginx');
export const CHECK_SCRIPT = join(NGINX_DIR, '05-check-api-upstream.sh');
export const AUTH_SCRIPT = join(NGINX_DIR, '06-auth-config.envsh');

/** The variables the image's entrypoint substitutes into templates/ (its NGINX_ENVSUBST_FILTER). */
export const TEMPLATE_VARIABLES = ['API_UPSTREAM', 'AUTH_CLIENT_ID', 'AUTH_AUTHORITY', 'AUTH_SCOPE', 'AUTH_PROTOCOL', 'AUTH_ORIGIN'] as const;
export const ENVSUBST_FILTER = `^(${TEMPLATE_VARIABLES.join('|')})$`;
export type TemplateEnv = Record<(typeof TEMPLATE_VARIABLES)[number], string>;

/** Sign-in settings for the container (AUTH_* variables); none = sign-in off. */
export interface NginxAuthEnv {
  AUTH_CLIENT_ID?: string;
  AUTH_AUTHORITY?: string;
  AUTH_SCOPE?: string;
  AUTH_PROTOCOL?: string;
}

/**
 * Sources 06-auth-config.envsh the way the entrypoint does and returns the variables it
 * exports (or throws with its error message).
 */
export function sourceAuthScript(apiUpstream: string, auth: NginxAuthEnv = {}): TemplateEnv {
  const names = TEMPLATE_VARIABLES.map((n) => `"$${n}"`).join(' ');
  const r = spawnSync('sh', ['-c', `set -e; . "$0" >&2; printf '%s\\0' ${names}`, AUTH_SCRIPT], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', API_UPSTREAM: apiUpstream, ...auth },
  });
  if (r.status !== 0) throw new Error(`06-auth-config.envsh rejected the settings: ${r.stderr.trim()}`);
  const values = r.stdout.split('\0');
  return Object.fromEntries(TEMPLATE_VARIABLES.map((n, i) => [n, values[i] ?? ''])) as TemplateEnv;
}

/** uid/gid of `nobody`, which nginx runs as when the tests run as root. */
const NOBODY = 65534;

export function requireDist(): string {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: build the frontend first (npm run build -w apps/frontend; npm test does it)`);
  }
  return DIST_DIR;
}

/**
 * Renders a template exactly like the image does: envsubst limited to the filtered
 * variables. A string is the API_UPSTREAM with sign-in off.
 */
export function renderTemplate(template: string, env: string | TemplateEnv): string {
  const envsubst = requireBinary('envsubst', 'install gettext-base (apt-get install gettext-base)');
  const values = typeof env === 'string' ? sourceAuthScript(env) : env;
  const r = spawnSync(envsubst, [TEMPLATE_VARIABLES.map((n) => '${' + n + '}').join(' ')], {
    input: template,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...values, HOSTNAME: 'must-not-be-substituted' },
  });
  if (r.status !== 0) throw new Error(`envsubst failed: ${r.stderr}`);
  return r.stdout;
}

function replaceAll(text: string, from: string, to: string, what: string): string {
  if (!text.includes(from)) throw new Error(`nginx config no longer contains ${JSON.stringify(from)} (${what}); update test/support/nginx.ts`);
  return text.split(from).join(to);
}

export interface NginxServer {
  port: number;
  url: string;
  dir: string;
  /** Error log so far (for assertion messages). */
  errorLog(): string;
  accessLog(): string;
  stop(): Promise<void>;
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}

/** Options of {@link startNginx}. */
export interface StartNginxOptions {
  apiUpstream: string;
  root?: string;
  auth?: NginxAuthEnv;
  port?: number;
}

export async function startNginx(opts: StartNginxOptions): Promise<NginxServer> {
  return timedAsync('nginx start', () => startNginxServer(opts));
}

async function startNginxServer(opts: StartNginxOptions): Promise<NginxServer> {
  const nginx = requireBinary(existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx', 'install nginx (apt-get install nginx)');
  const root = opts.root ?? requireDist();

  // Same gate as the container start: a bad API_UPSTREAM must not get this far.
  const check = spawnSync('sh', [CHECK_SCRIPT], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', API_UPSTREAM: opts.apiUpstream } });
  if (check.status !== 0) throw new Error(`05-check-api-upstream.sh rejected ${opts.apiUpstream}: ${check.stderr}`);

  const dir = mkdtempSync(join(tmpdir(), 'fe-nginx-'));
  const port = opts.port ?? (await freePort());
  mkdirSync(join(dir, 'conf.d'));
  cpSync(root, join(dir, 'html'), { recursive: true });

  const env = sourceAuthScript(opts.apiUpstream, opts.auth);
  let server = renderTemplate(readFileSync(join(NGINX_DIR, 'templates', 'default.conf.template'), 'utf8'), env);
  server = replaceAll(server, 'listen 8080;', `listen 127.0.0.1:${port};`, 'container port');
  server = replaceAll(server, 'root /usr/share/nginx/html;', `root ${dir}/html;`, 'document root');
  server = replaceAll(server, 'alias /etc/nginx/conf.d/app-config.json;', `alias ${dir}/conf.d/app-config.json;`, 'runtime config');
  writeFileSync(join(dir, 'conf.d', 'default.conf'), server);
  writeFileSync(join(dir, 'conf.d', 'app-config.json'), renderTemplate(readFileSync(join(NGINX_DIR, 'templates', 'app-config.json.template'), 'utf8'), env));

  let main = readFileSync(join(NGINX_DIR, 'nginx.conf'), 'utf8');
  main = replaceAll(main, ' /tmp/', ` ${dir}/`, 'pid and temp paths');
  main = replaceAll(main, 'include /etc/nginx/conf.d/default.conf;', `include ${dir}/conf.d/default.conf;`, 'rendered server config');
  main = replaceAll(main, 'error_log /dev/stderr', `error_log ${dir}/error.log`, 'error log');
  main = replaceAll(main, 'access_log /dev/stdout', `access_log ${dir}/access.log`, 'access log');
  writeFileSync(join(dir, 'nginx.conf'), main);
  writeFileSync(join(dir, 'error.log'), '');
  writeFileSync(join(dir, 'access.log'), '');

  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownTree(dir, NOBODY, NOBODY);
  const ids = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  const args = ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'];
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };

  const test = spawnSync(nginx, ['-t', ...args], { encoding: 'utf8', cwd: dir, ...ids });
  if (test.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t rejected the config:\n${test.stderr}`);
  }

  const child: ChildProcess = spawn(nginx, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], ...ids });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${read('error.log')}`);
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
        return res.status === 200;
      },
      10_000,
      `nginx on ${url}`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, url, dir, errorLog: () => read('error.log'), accessLog: () => read('access.log'), stop };
}
