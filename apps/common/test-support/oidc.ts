/**
 * A real local OIDC issuer for tests and local runs: an RS256 key pair made with `jose` (once per jest worker),
 * served on loopback as `/.well-known/openid-configuration` and a JWKS, and a `token()`
 * function that signs Entra-shaped access tokens (iss, aud, oid, scp, iat, nbf, exp).
 * The api verifies them exactly as it verifies Entra ID tokens (createRemoteJWKSet over HTTP).
 *
 *   const issuer = await startOidcIssuer();
 *   const env = { ...appEnv(pg, redis), ...issuer.apiEnv() };
 *   const token = await issuer.token({ oid: 'user-1' });
 *   fetch(url, { headers: { authorization: `Bearer ${token}` } });
 *   await issuer.close();
 *
 * Reuse: the frontend e2e and the local launcher can import it (tsx) the same way; `apiEnv()`
 * includes APP_ENVIRONMENT=local because the api accepts an http:// issuer only in local mode.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { workerCached } from './worker-store';

export const LOCAL_AUDIENCE = 'api://aks-platform-api';
export const LOCAL_SCOPE = 'Jobs.ReadWrite';

export interface TokenOptions {
  /** Entra object id of the caller (default "user-1"). */
  oid?: string;
  /** Delegated scopes, space-separated in `scp` (default the required scope). Use '' for none. */
  scp?: string;
  /** App roles (`roles` claim). */
  roles?: string[];
  aud?: string;
  iss?: string;
  /** Seconds until expiry (negative: already expired). Default 3600. */
  expiresInS?: number;
  /** Seconds from now of nbf (positive: not valid yet). Default 0. */
  notBeforeS?: number;
  /** Sign with another key (same kid): a forged token. */
  forge?: boolean;
  /** Any other claims. */
  claims?: Record<string, unknown>;
}

export interface OidcIssuer {
  /** Issuer URL (iss claim), e.g. http://127.0.0.1:PORT/tenant/v2.0 */
  issuer: string;
  jwksUri: string;
  audience: string;
  scope: string;
  token(opts?: TokenOptions): Promise<string>;
  /** Environment for the api (AUTH_* and APP_ENVIRONMENT=local). */
  apiEnv(): Record<string, string>;
  /** JWKS requests served so far. */
  jwksRequests(): number;
  close(): Promise<void>;
}

/**
 * The issuers' RSA key pairs (the signing key and the forger's), as private JWKs: made once per
 * jest worker (./worker-store.ts), since each RSA key costs 0.1 to 0.7 s of CPU and every file
 * with an api starts an issuer. Each issuer still has its own kid, port and issuer URL.
 */
async function issuerKeys(): Promise<{ signing: JWK; forger: JWK }> {
  const json = await workerCached('oidc-issuer-keys', async () => {
    const [signing, forger] = await Promise.all([generateKeyPair('RS256', { extractable: true }), generateKeyPair('RS256', { extractable: true })]);
    return JSON.stringify({ signing: await exportJWK(signing.privateKey), forger: await exportJWK(forger.privateKey) });
  });
  return JSON.parse(json) as { signing: JWK; forger: JWK };
}

export async function startOidcIssuer(opts: { host?: string; port?: number; audience?: string; scope?: string } = {}): Promise<OidcIssuer> {
  const kid = randomUUID();
  const keys = await issuerKeys();
  const privateKey = (await importJWK(keys.signing, 'RS256')) as KeyLike;
  const forger = { privateKey: (await importJWK(keys.forger, 'RS256')) as KeyLike };
  // The public half: the private JWK without its private members.
  const { kty, n, e } = keys.signing;
  const jwk: JWK = { kty, n, e, kid, alg: 'RS256', use: 'sig' };
  let jwksCount = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/tenant/v2.0/.well-known/openid-configuration') {
      return json(200, {
        issuer: `${base}/tenant/v2.0`,
        jwks_uri: `${base}/tenant/discovery/v2.0/keys`,
        authorization_endpoint: `${base}/tenant/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/tenant/oauth2/v2.0/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (path === '/tenant/discovery/v2.0/keys') {
      jwksCount++;
      return json(200, { keys: [jwk] });
    }
    return json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  const issuer = `${base}/tenant/v2.0`;
  const audience = opts.audience ?? LOCAL_AUDIENCE;
  const scope = opts.scope ?? LOCAL_SCOPE;
  const sign = (key: KeyLike, t: TokenOptions) => {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { oid: t.oid ?? 'user-1', tid: 'tenant', ver: '2.0', ...t.claims };
    const scp = t.scp ?? scope;
    if (scp !== '') claims.scp = scp;
    if (t.roles) claims.roles = t.roles;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(t.iss ?? issuer)
      .setAudience(t.aud ?? audience)
      .setSubject(String(claims.oid))
      .setIssuedAt(now)
      .setNotBefore(now + (t.notBeforeS ?? 0))
      .setExpirationTime(now + (t.expiresInS ?? 3600))
      .sign(key);
  };
  return {
    issuer,
    jwksUri: `${base}/tenant/discovery/v2.0/keys`,
    audience,
    scope,
    token: (t = {}) => sign(t.forge ? forger.privateKey : privateKey, t),
    apiEnv: () => ({ APP_ENVIRONMENT: 'local', AUTH_MODE: 'entra', AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URI: `${base}/tenant/discovery/v2.0/keys`, AUTH_REQUIRED_SCOPE: scope }),
    jwksRequests: () => jwksCount,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
