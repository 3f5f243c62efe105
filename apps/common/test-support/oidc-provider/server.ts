/**
 * A real local OpenID Connect provider for local runs and browser tests, built on the
 * certified `oidc-provider` package: authorization code flow with PKCE (required), a login
 * page of its own (./login-page.ts; the user name becomes the token's `oid`), consent skipped
 * for the SPA, and JWT access tokens shaped like Entra ID's (`iss`, `aud`, `oid`, `scp`).
 *
 * Runs as its own process: `node --require scripts/local/ts-hook.cjs server.ts` with the settings
 * below in the environment. It prints one JSON line `{"ready":true,...}` once both
 * listeners accept connections, and stops on SIGTERM/SIGINT.
 *
 *   OIDC_SPA_ORIGIN   origin of the SPA (redirect and CORS), e.g. http://127.0.0.1:5173
 *   OIDC_HTTPS_PORT   port of the browser-facing https listener (0 = any free port)
 *   OIDC_HTTP_PORT    port of the loopback http listener the api reads the JWKS from (0 = any)
 *   OIDC_CLIENT_ID    the SPA's client id (default job-runner-spa)
 *   OIDC_AUDIENCE     the api's audience (default api://aks-platform-api)
 *   OIDC_SCOPE        the api scope (default Jobs.ReadWrite)
 *   OIDC_USERS        who may sign in: `name:password[,name:password...]`; unset = any name with
 *                     any password (browser tests)
 *   OIDC_STATE_DIR    folder that keeps the https certificate (cert.pem, key.pem) and the signing
 *                     and cookie keys (keys.json) across restarts, so a certificate the browser
 *                     trusts and the tokens it holds stay valid; unset = new ones at every start
 *
 * The https certificate is self-signed for 127.0.0.1: browsers in tests accept it with
 * --ignore-certificate-errors, a person accepts it once (or trusts cert.pem), and Node callers
 * trust it with NODE_EXTRA_CA_CERTS=<OIDC_STATE_DIR>/cert.pem. MSAL only talks to https
 * authorities (msal-common rejects any other scheme, localhost included), hence https.
 */
import { X509Certificate, generateKeyPair, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { checkUser, landingPage, loginPage, parseUsers, type LocalUser } from './login-page';

const HOST = '127.0.0.1';

function setting(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

function port(name: string): number {
  const value = Number(setting(name, '0'));
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a TCP port (0 = any free port)`);
  return value;
}

function listen(server: Server, wanted: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The https certificate: the one kept in `dir` while it is valid for another day, else a new one (kept when `dir` is set). */
async function tlsCertificate(dir: string | undefined): Promise<{ cert: string; key: string; certFile?: string }> {
  const certFile = dir && join(dir, 'cert.pem');
  const keyFile = dir && join(dir, 'key.pem');
  if (certFile && keyFile && existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    const x509 = new X509Certificate(cert);
    if (x509.checkIP(HOST) && Date.parse(x509.validTo) > Date.now() + 24 * 3600 * 1000) return { cert, key: readFileSync(keyFile, 'utf8'), certFile };
  }
  // Loaded only to make a certificate (its X.509 library costs a third of a second to load).
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: `aks-platform local OIDC issuer (${HOST})` }], {
    // ECDSA P-256: made in milliseconds where an RSA key takes up to a second of CPU; browsers and Node accept it.
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: HOST }] },
    ],
  });
  if (certFile && keyFile) {
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
  }
  return { cert: pems.cert, key: pems.private, certFile };
}

/** The token signing key and the cookie keys: kept in `dir` when set, so tokens and sessions survive a restart. */
async function providerKeys(dir: string | undefined): Promise<{ signingKey: Record<string, unknown>; cookieKeys: string[] }> {
  const file = dir && join(dir, 'keys.json');
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { signingKey: Record<string, unknown>; cookieKeys: string[] };
  // Node's own RSA key and JWK export (what jose's generateKeyPair('RS256') and exportJWK do, without loading jose).
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const keys = {
    signingKey: { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex') },
    cookieKeys: [randomBytes(32).toString('hex')],
  };
  if (file) writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  return keys;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 8192) req.destroy(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

/**
 * The interaction routes (`/interaction/<uid>`): the login form, its submission (user and
 * password checked against OIDC_USERS), and the grant for the api scope (no consent screen).
 */
async function interaction(provider: Provider, users: LocalUser[] | undefined, audience: string, scope: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const action = `/interaction/${details.uid}`;
  if (details.prompt.name === 'login') {
    if (req.method === 'GET') return sendHtml(res, 200, loginPage({ action, anyUser: users === undefined }));
    if (req.method !== 'POST') return sendHtml(res, 405, 'method not allowed');
    const form = await readForm(req);
    const accountId = checkUser(users, form.get('login') ?? '', form.get('password') ?? '');
    if (!accountId) return sendHtml(res, 401, loginPage({ action, anyUser: users === undefined, error: 'Wrong user name or password.', login: form.get('login') ?? '' }));
    return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }
  // consent: the first-party SPA gets the sign-in scopes and the api scope.
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: details.session?.accountId, clientId: String(details.params.client_id) });
  if (!grant) throw new Error('the grant of this interaction is gone; sign in again');
  grant.addOIDCScope('openid profile offline_access');
  grant.addResourceScope(audience, scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function main(): Promise<void> {
  const spaOrigin = new URL(setting('OIDC_SPA_ORIGIN')).origin;
  const clientId = setting('OIDC_CLIENT_ID', 'job-runner-spa');
  const audience = setting('OIDC_AUDIENCE', 'api://aks-platform-api');
  const scope = setting('OIDC_SCOPE', 'Jobs.ReadWrite');
  const users = process.env.OIDC_USERS ? parseUsers(process.env.OIDC_USERS) : undefined;
  const stateDir = process.env.OIDC_STATE_DIR || undefined;
  if (stateDir) mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  const tls = await tlsCertificate(stateDir);
  // The listeners bind first, so the issuer URL can carry the https port that was given.
  const https = createHttpsServer({ key: tls.key, cert: tls.cert });
  const http = createHttpServer();
  const httpsPort = await listen(https as unknown as Server, port('OIDC_HTTPS_PORT'));
  const httpPort = process.env.OIDC_HTTP_PORT === 'off' ? undefined : await listen(http, port('OIDC_HTTP_PORT'));
  const issuer = `https://${HOST}:${httpsPort}`;

  const { signingKey, cookieKeys } = await providerKeys(stateDir);

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${spaOrigin}/`],
        post_logout_redirect_uris: [`${spaOrigin}/`],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: cookieKeys },
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    pkce: { required: () => true },
    clientBasedCORS: (_ctx, origin) => origin === spaOrigin,
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: id, preferred_username: id }),
    }),
    // First-party SPA: no consent screen, the api scope is granted with the sign-in.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile offline_access');
      grant.addResourceScope(audience, scope);
      await grant.save();
      return grant;
    },
    // Entra-shaped access tokens: the caller's object id and the delegated scopes.
    extraTokenClaims: async (_ctx, token) => ('accountId' in token && token.accountId ? { oid: token.accountId, scp: token.scope ?? '' } : undefined),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience) throw new Error(`unknown resource ${resource}`);
          return { scope, audience, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    ttl: { AccessToken: 3600, IdToken: 3600, Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, RefreshToken: 8 * 3600 },
  };
  // oidc-provider is ESM-only: imported (not required), so that this file runs under a require
  // hook (CommonJS), which costs a third of what tsx's ESM loader costs for this package.
  const { default: OidcProvider } = await import('oidc-provider');
  const provider = new OidcProvider(issuer, configuration);
  provider.proxy = false;
  const oidc = provider.callback();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/' && req.method === 'GET') return sendHtml(res, 200, landingPage(spaOrigin));
    if (!req.url?.startsWith('/interaction/')) return void oidc(req, res);
    interaction(provider, users, audience, scope, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendHtml(res, 400, `<!doctype html><title>Sign-in failed</title><p>${String(err instanceof Error ? err.message : err).replace(/[<>&"]/g, '')}</p><p>Go back to the app and sign in again.</p>`);
    });
  };
  https.on('request', handle);
  // The http listener (unless OIDC_HTTP_PORT=off) serves the same provider to loopback callers (the api's JWKS fetch in tests).
  if (httpPort !== undefined) http.on('request', handle);

  const stop = () => {
    https.close();
    http.close();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      issuer,
      jwksUri: httpPort !== undefined ? `http://${HOST}:${httpPort}/jwks` : `${issuer}/jwks`,
      clientId,
      audience,
      scope,
      httpsPort,
      httpPort: httpPort ?? null,
      certFile: tls.certFile ?? null,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`local OIDC provider: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
