/**
 * Tokens and the Pulumi state. The state is encrypted, but whoever can
 * decrypt it (the deploying identity, the approved PR preview, the drift
 * check) sees every value in it. As CI deploys (prebuilt image digests), the
 * program puts no token in it at all: the Private Link approval and the
 * Grafana provider get their credentials from the environment `pulumi up`
 * runs in (lib/state-secrets.ts; {@link findJwts} lets the test prove it).
 * One local-only path still keeps a token there: a `pulumi up` that builds
 * the images pushes with an ACR refresh token, the docker-build Image's
 * registry password. That token is checked before it is used: it must be a
 * JWT whose validity (`exp - iat`) is at most {@link MAX_STATE_TOKEN_SECONDS}.
 * A token that lives longer fails the deployment instead of landing in the
 * state.
 *
 * Facts (checked 2026-12-01):
 * - Entra ID access tokens: "a random value ranging between 60-90 minutes
 *   (75 minutes on average)" by default; a client that asks for Continuous
 *   Access Evaluation can get 20–28 hours, and managed-identity tokens live
 *   about 24 hours (Microsoft Learn, "Access tokens in the Microsoft identity
 *   platform", § Token lifetime,
 *   https://learn.microsoft.com/entra/identity-platform/access-tokens).
 *   No Entra token is kept in the state any more; the message below still
 *   names them because the ACR refresh token is exchanged from one.
 * - ACR refresh tokens (the `/oauth2/exchange` answer, what `az acr login`
 *   uses): the "token must be renewed every 3 hours" (Microsoft Learn,
 *   "Authenticate with an Azure container registry",
 *   https://learn.microsoft.com/azure/container-registry/container-registry-authentication).
 */

/** The longest validity a token kept in the state may have: 3 hours. */
export const MAX_STATE_TOKEN_SECONDS = 3 * 60 * 60;

/** What the JWT says about its own lifetime. */
export interface TokenTimes {
  /** Issued at (seconds since the epoch). */
  issuedAt: number;
  /** Expires at (seconds since the epoch). */
  expiresAt: number;
}

/** Reads `iat` and `exp` from a JWT's payload (no signature check: the program only reads its own token's times). */
export function jwtTimes(token: string): TokenTimes | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === '') return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    const { iat, exp } = payload;
    if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(iat) || !Number.isFinite(exp)) return undefined;
    return { issuedAt: iat, expiresAt: exp };
  } catch {
    return undefined;
  }
}

/**
 * Why `token` may not be kept in the state, or undefined when it may: it must
 * be a JWT with `iat` and `exp`, valid for at most `maxSeconds`. `what` names
 * the token in the message; the message never contains the token.
 */
export function stateTokenProblem(token: string, what: string, maxSeconds: number = MAX_STATE_TOKEN_SECONDS): string | undefined {
  const times = jwtTimes(token);
  if (!times) return `${what}: not a JWT with iat and exp, so its lifetime cannot be checked; only tokens that expire within ${maxSeconds / 3600} h may be kept in the Pulumi state`;
  const lifetime = times.expiresAt - times.issuedAt;
  if (lifetime <= 0) return `${what}: expires (${times.expiresAt}) before it is issued (${times.issuedAt})`;
  if (lifetime > maxSeconds) {
    return (
      `${what}: valid for ${(lifetime / 3600).toFixed(1)} h, more than the ${maxSeconds / 3600} h a token kept in the Pulumi state may live. ` +
      'Deploy as an app registration with a federated credential (docs/setup.md step 3): managed-identity tokens (about 24 h) and ' +
      'Continuous Access Evaluation tokens (20-28 h) are refused'
    );
  }
  return undefined;
}

/** Returns `token` when it may be kept in the state; throws {@link stateTokenProblem}'s message otherwise. */
export function requireStateToken(token: string, what: string): string {
  const problem = stateTokenProblem(token, what);
  if (problem) throw new Error(problem);
  return token;
}

/** The payload segment of a JWT: base64url of a JSON object. */
function isJwtPayload(segment: string): boolean {
  if (segment.length < 3) return false;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Every JWT-shaped value in `text`: three dot-separated base64url segments whose
 * middle one decodes to a JSON object (a JWT's claims; an Entra access token, an
 * ACR refresh token and the offline mocks' tokens all have this shape). Host
 * names, dotted property paths and code do not: their middle segments do not
 * decode to JSON. Used to prove that the state holds no token.
 */
export function findJwts(text: string): string[] {
  const found: string[] = [];
  for (const run of text.match(/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,}/g) ?? []) {
    const parts = run.split('.');
    for (let i = 1; i < parts.length - 1; i += 1) {
      if (parts[i - 1] !== '' && isJwtPayload(parts[i])) found.push(parts.slice(i - 1, i + 2).join('.'));
    }
  }
  return found;
}
