/**
 * Bearer-token authentication: Entra ID (OIDC) access tokens checked with `jose` against the
 * tenant's JWKS (issuer, audience, expiry and not-before with a small clock skew, RS256), then
 * the required scope (`scp`, delegated) or app role (`roles`, application permission).
 * The caller's identity is the token's `oid` (stable object id of the user or service principal).
 *
 * Errors never leak why a token failed: 401 `invalid_token` for every token problem, 403
 * `insufficient_scope`, and details only in the log.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '@aks-platform/common';

export interface Caller {
  /** Entra object id: the owner recorded on jobs. */
  oid: string;
  /** Token expiry (epoch ms); Socket.IO sessions stop serving events past it. */
  expiresAt: number;
}

export type AuthFailure =
  | { status: 401; code: 'missing_token' | 'invalid_token'; reason: string }
  | { status: 403; code: 'insufficient_scope'; reason: string }
  | { status: 503; code: 'unavailable'; reason: string };

export class AuthError extends Error {
  constructor(readonly failure: AuthFailure) {
    super(failure.reason);
    this.name = 'AuthError';
  }
}

/** Caller of AUTH_MODE=none (APP_ENVIRONMENT=local only). */
export const LOCAL_CALLER_OID = 'local';

export interface Authenticator {
  /** Verifies `Authorization: Bearer <jwt>` (or a bare token); throws AuthError. */
  verify(token: string | undefined): Promise<Caller>;
}

const OID = /^[A-Za-z0-9-]{1,64}$/;

function scopesOf(payload: JWTPayload): string[] {
  const scp = typeof payload.scp === 'string' ? payload.scp.split(' ') : [];
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  return [...scp, ...roles];
}

/** Extracts the token from an Authorization header value; undefined when absent or not Bearer. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  const m = v ? /^Bearer ([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*)$/i.exec(v.trim()) : null;
  return m ? m[1] : v ? '' : undefined;
}

export function createAuthenticator(cfg: AuthConfig, opts: { jwks?: JWTVerifyGetKey } = {}): Authenticator {
  if (cfg.mode === 'none') {
    return { verify: async () => ({ oid: LOCAL_CALLER_OID, expiresAt: Number.MAX_SAFE_INTEGER }) };
  }
  const jwks =
    opts.jwks ??
    createRemoteJWKSet(new URL(cfg.jwksUri as string), {
      timeoutDuration: 3000,
      cooldownDuration: 30000,
      cacheMaxAge: 10 * 60 * 1000,
    });
  return {
    async verify(token) {
      if (token === undefined) throw new AuthError({ status: 401, code: 'missing_token', reason: 'no bearer token' });
      if (token === '') throw new AuthError({ status: 401, code: 'invalid_token', reason: 'malformed Authorization header' });
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          issuer: cfg.issuer,
          audience: cfg.audiences,
          algorithms: ['RS256'],
          clockTolerance: cfg.clockToleranceS,
          requiredClaims: ['exp', 'iat'],
        }));
      } catch (err) {
        // The identity provider's keys could not be fetched: not the caller's fault.
        if (err instanceof joseErrors.JWKSTimeout || (err instanceof Error && !(err instanceof joseErrors.JOSEError))) {
          throw new AuthError({ status: 503, code: 'unavailable', reason: `JWKS unavailable: ${(err as Error).message}` });
        }
        throw new AuthError({ status: 401, code: 'invalid_token', reason: `${(err as joseErrors.JOSEError).code ?? 'ERR_JOSE'}: ${(err as Error).message}` });
      }
      const oid = payload.oid;
      if (typeof oid !== 'string' || !OID.test(oid)) throw new AuthError({ status: 401, code: 'invalid_token', reason: 'token has no oid claim' });
      if (!scopesOf(payload).includes(cfg.requiredScope)) {
        throw new AuthError({ status: 403, code: 'insufficient_scope', reason: `token lacks scope ${cfg.requiredScope}` });
      }
      return { oid, expiresAt: (payload.exp as number) * 1000 };
    },
  };
}

/** RFC 6750 challenge: no description of what was wrong with the token. */
export function wwwAuthenticate(failure: AuthFailure, scope: string): string | undefined {
  if (failure.status === 503) return undefined;
  if (failure.code === 'missing_token') return 'Bearer realm="api"';
  if (failure.code === 'insufficient_scope') return `Bearer realm="api", error="insufficient_scope", scope="${scope}"`;
  return 'Bearer realm="api", error="invalid_token"';
}

/** The JSON body of an auth failure (same for every reason of the same class). */
export function authErrorBody(failure: AuthFailure): { error: string; message: string } {
  if (failure.status === 403) return { error: 'forbidden', message: 'the access token lacks the required scope' };
  if (failure.status === 503) return { error: 'unavailable', message: 'sign-in cannot be checked right now; retry later' };
  return { error: 'unauthorized', message: 'a valid bearer access token is required' };
}
