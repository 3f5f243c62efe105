/**
 * Starts the local OpenID Connect provider (./server.ts, its own process because
 * oidc-provider is ESM-only) and hands out the settings the api and the SPA need to trust
 * it. Used by the browser end-to-end test and by the local launcher (`npm start`).
 *
 *   const idp = await startLocalOidcProvider({ spaOrigin: nginx.url });
 *   api env:      idp.apiEnv()       AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URI, AUTH_REQUIRED_SCOPE
 *   frontend env: idp.frontendEnv()  AUTH_CLIENT_ID, AUTH_AUTHORITY, AUTH_SCOPE, AUTH_PROTOCOL=oidc
 *   await idp.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { trackChild } from '../servers';

export interface LocalOidcProvider {
  /** Issuer (and MSAL authority): https://127.0.0.1:<port>. */
  issuer: string;
  /** URL of the JWKS: loopback http by default (the https listener is self-signed); the https one with `httpPort: 'off'`. */
  jwksUri: string;
  clientId: string;
  audience: string;
  scope: string;
  httpsPort: number;
  /** Port of the loopback http listener; undefined with `httpPort: 'off'`. */
  httpPort: number | undefined;
  /** The https certificate kept in `stateDir` (trust it with NODE_EXTRA_CA_CERTS); undefined without `stateDir`. */
  certFile: string | undefined;
  /** Process id of the provider (its process group's id when started `detached`). */
  pid: number;
  /** Environment for the api to accept this provider's tokens (it also needs APP_ENVIRONMENT=local for the http JWKS). */
  apiEnv(): Record<string, string>;
  /** Environment for the frontend (nginx's 06-auth-config.envsh or `vite dev`). */
  frontendEnv(): Record<string, string>;
  /** Stops the provider process and waits for it to exit. */
  close(): Promise<void>;
}

const SERVER = join(__dirname, 'server.ts');
/**
 * The launcher's require hook (scripts/local/ts-hook.cjs: SWC, native import()), for
 * `node --require <it> server.ts`: one process, no ESM loader thread (server.ts imports its
 * ESM-only packages with import()), and no scan of every dependency file (tsx's hook does one).
 */
const TS_HOOK = join(__dirname, '..', '..', '..', '..', 'scripts', 'local', 'ts-hook.cjs');

export async function startLocalOidcProvider(opts: {
  spaOrigin: string;
  httpsPort?: number;
  /** Port of the loopback http listener (0 = any free port, the default), or 'off' for none. */
  httpPort?: number | 'off';
  clientId?: string;
  audience?: string;
  scope?: string;
  /** Who may sign in, `name:password[,...]`; unset = any name with any password. */
  users?: string;
  /** Keeps the certificate and keys across restarts (see server.ts, OIDC_STATE_DIR). */
  stateDir?: string;
  /** Its own process group (the local launcher: a terminal's Ctrl-C reaches only the launcher). */
  detached?: boolean;
  timeoutMs?: number;
}): Promise<LocalOidcProvider> {
  const child: ChildProcess = spawn(process.execPath, ['--require', TS_HOOK, SERVER], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
    env: {
      ...process.env,
      // The issuer only serves (it makes no TLS connection of its own), so it needs no extra CA:
      // a machine-wide NODE_EXTRA_CA_CERTS (this one's is the system's 144-certificate bundle) is
      // parsed at every Node start (measured 2026-12-01, six alternating starts with kept keys:
      // 0.60 CPU-s to ready with it, 0.53 without; three starts per npm test).
      NODE_EXTRA_CA_CERTS: undefined,
      OIDC_SPA_ORIGIN: opts.spaOrigin,
      OIDC_HTTPS_PORT: String(opts.httpsPort ?? 0),
      OIDC_HTTP_PORT: String(opts.httpPort ?? 0),
      ...(opts.clientId ? { OIDC_CLIENT_ID: opts.clientId } : {}),
      ...(opts.audience ? { OIDC_AUDIENCE: opts.audience } : {}),
      ...(opts.scope ? { OIDC_SCOPE: opts.scope } : {}),
      ...(opts.users ? { OIDC_USERS: opts.users } : {}),
      ...(opts.stateDir ? { OIDC_STATE_DIR: opts.stateDir } : {}),
    },
  });
  if (opts.detached) (child as { detachedGroup?: boolean }).detachedGroup = true;
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (opts.detached && child.pid !== undefined) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      /* gone */
    }
  };
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`local OIDC provider not ready within ${opts.timeoutMs ?? 60000} ms: ${stderr}`)), opts.timeoutMs ?? 60000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local OIDC provider exited with ${code}: ${stderr.trim()}`));
    });
  }).catch(async (err: unknown) => {
    await close();
    throw err;
  });

  const settings = {
    issuer: String(ready.issuer),
    jwksUri: String(ready.jwksUri),
    clientId: String(ready.clientId),
    audience: String(ready.audience),
    scope: String(ready.scope),
    httpsPort: Number(ready.httpsPort),
    httpPort: ready.httpPort === null ? undefined : Number(ready.httpPort),
    certFile: ready.certFile === null ? undefined : String(ready.certFile),
    pid: child.pid!,
  };
  return {
    ...settings,
    apiEnv: () => ({
      AUTH_MODE: 'entra',
      AUTH_ISSUER: settings.issuer,
      AUTH_AUDIENCE: settings.audience,
      AUTH_JWKS_URI: settings.jwksUri,
      AUTH_REQUIRED_SCOPE: settings.scope,
    }),
    frontendEnv: () => ({
      AUTH_CLIENT_ID: settings.clientId,
      AUTH_AUTHORITY: settings.issuer,
      AUTH_SCOPE: settings.scope,
      AUTH_PROTOCOL: 'oidc',
    }),
    close,
  };
}
