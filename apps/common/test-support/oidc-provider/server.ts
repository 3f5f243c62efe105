/**
 * A real local OpenID Connect provider for local runs and browser tests, built on the
 * certified `oidc-provider` package: authorization code flow with PKCE, a login page
 * (any user name signs in; it becomes the token's `oid`), consent skipped for the SPA,
 * and JWT access tokens shaped like Entra ID's (`iss`, `aud`, `oid`, `scp`).
 *
 * Runs as its own process (oidc-provider is ESM-only): `tsx server.ts` with the settings
 * below in the environment. It prints one JSON line `{"ready":true,...}` once both
 * listeners accept connections, and stops on SIGTERM/SIGINT.
 *
 *   OIDC_SPA_ORIGIN   origin of the SPA (redirect and CORS), e.g. http://127.0.0.1:5173
 *   OIDC_HTTPS_PORT   port of the browser-facing https listener (0 = any free port)
 *   OIDC_HTTP_PORT    port of the loopback http listener the api reads the JWKS from (0 = any)
 *   OIDC_CLIENT_ID    the SPA's client id (default job-runner-spa)
 *   OIDC_AUDIENCE     the api's audience (default api://aks-platform-api)
 *   OIDC_SCOPE        the api scope (default Jobs.ReadWrite)
 *
 * The https certificate is self-signed for 127.0.0.1 and made at start; browsers in tests
 * accept it with --ignore-certificate-errors, and a person accepts it once (`npm start`
 * prints how). MSAL only talks to https authorities, hence the two listeners.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { generate } from 'selfsigned';

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

async function main(): Promise<void> {
  const spaOrigin = new URL(setting('OIDC_SPA_ORIGIN')).origin;
  const clientId = setting('OIDC_CLIENT_ID', 'job-runner-spa');
  const audience = setting('OIDC_AUDIENCE', 'api://aks-platform-api');
  const scope = setting('OIDC_SCOPE', 'Jobs.ReadWrite');

  const pems = await generate([{ name: 'commonName', value: HOST }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: HOST }] }],
  });
  // The listeners bind first, so the issuer URL can carry the https port that was given.
  const https = createHttpsServer({ key: pems.private, cert: pems.cert });
  const http = createHttpServer();
  const httpsPort = await listen(https as unknown as Server, port('OIDC_HTTPS_PORT'));
  const httpPort = await listen(http, port('OIDC_HTTP_PORT'));
  const issuer = `https://${HOST}:${httpsPort}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex') };

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
    cookies: { keys: [randomBytes(32).toString('hex')] },
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
      devInteractions: { enabled: true },
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
  const provider = new Provider(issuer, configuration);
  // The http listener serves the same provider to loopback callers (the api's JWKS fetch).
  provider.proxy = false;
  https.on('request', provider.callback());
  http.on('request', provider.callback());

  const stop = () => {
    https.close();
    http.close();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(
    `${JSON.stringify({ ready: true, issuer, jwksUri: `http://${HOST}:${httpPort}/jwks`, clientId, audience, scope, httpsPort, httpPort })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`local OIDC provider: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
