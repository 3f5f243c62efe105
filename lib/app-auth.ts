/**
 * Sign-in for the workload: Entra ID app registrations (an api that exposes one
 * delegated scope, and a single-page app that requests it), and the environment
 * the api and the frontend read (apps/CONTRACT.md, "Sign-in").
 *
 * Facts (checked 2026-12-01):
 * - With `api.requestedAccessTokenVersion: 2` on the api registration, Entra issues v2.0
 *   access tokens for it: `iss` = `https://login.microsoftonline.com/<tenant>/v2.0`, `aud` =
 *   the api's application (client) id, delegated scopes in `scp`, the caller's object id in
 *   `oid`. Source: Microsoft Learn, "Access tokens in the Microsoft identity platform"
 *   (identity-platform/access-tokens) and "Access token claims reference".
 * - The v2.0 keys are at `https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys`
 *   (the issuer's OpenID configuration `jwks_uri`). Source: Microsoft Learn, "OpenID Connect
 *   on the Microsoft identity platform".
 * - A single-page app uses the authorization code flow with PKCE, with its redirect URIs
 *   registered as type `Spa` (CORS-enabled token endpoint). Source: Microsoft Learn,
 *   "Single-page application: App registration".
 * - The identifier URI `api://<client-id>` is always allowed without a verified domain.
 *   Source: Microsoft Learn, "Restrictions on identifier URIs (appId URI)".
 */
import { z } from 'zod';

/** The api's one delegated scope (the `scp` every token must carry; apps/CONTRACT.md). */
export const DEFAULT_API_SCOPE = 'Jobs.ReadWrite';

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID (an application (client) id)');

/**
 * Stack config `apps.auth`: existing app registrations to use instead of the ones the
 * program creates. Sign-in itself cannot be switched off in a cloud stack: there is no key for it.
 */
export const appAuthConfigSchema = z
  .object({
    /** Application (client) id of an existing api registration (v2.0 tokens, scope exposed). */
    apiClientId: guid,
    /** Application (client) id of an existing SPA registration whose Spa redirect URIs include the public URL. */
    spaClientId: guid,
    /** The api scope the SPA requests (default Jobs.ReadWrite). */
    scope: z.string().regex(/^[A-Za-z][A-Za-z0-9._-]{0,119}$/, 'must be a scope name such as Jobs.ReadWrite').default(DEFAULT_API_SCOPE),
  })
  .strict();
export type AppAuthConfig = z.infer<typeof appAuthConfigSchema>;

/** What the apps need to know about sign-in (resolved: from config or from the registrations the program made). */
export interface AppAuthFacts {
  /** Entra tenant of the registrations and the users. */
  tenantId: string;
  /** The api registration's application (client) id: the tokens' `aud`. */
  apiClientId: string;
  /** The SPA registration's application (client) id. */
  spaClientId: string;
  /** The delegated scope name, e.g. Jobs.ReadWrite. */
  scope: string;
}

/** `https://login.microsoftonline.com/<tenant>`: the MSAL authority. */
export function entraAuthority(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}`;
}

/** The v2.0 token issuer of a tenant (the `iss` the api accepts). */
export function entraIssuer(tenantId: string): string {
  return `${entraAuthority(tenantId)}/v2.0`;
}

/** The api's identifier URI, `api://<client-id>`. */
export function apiIdentifierUri(apiClientId: string): string {
  return `api://${apiClientId}`;
}

/** Problems with resolved sign-in facts, each naming the field; empty when fine. */
export function appAuthProblems(auth: AppAuthFacts): string[] {
  const problems: string[] = [];
  for (const key of ['tenantId', 'apiClientId', 'spaClientId'] as const) {
    if (!guid.safeParse(auth[key]).success) problems.push(`auth.${key}: "${auth[key]}" must be a GUID`);
  }
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,119}$/.test(auth.scope)) problems.push(`auth.scope: "${auth.scope}" must be a scope name such as ${DEFAULT_API_SCOPE}`);
  return problems;
}

/** Environment of the api: validate Entra access tokens for this api and scope. */
export function apiAuthEnv(auth: AppAuthFacts): Record<string, string> {
  return {
    AUTH_MODE: 'entra',
    AUTH_ISSUER: entraIssuer(auth.tenantId),
    // v2.0 tokens carry the client id; the identifier URI is accepted too (a v1.0 token's aud).
    AUTH_AUDIENCE: `${auth.apiClientId},${apiIdentifierUri(auth.apiClientId)}`,
    AUTH_REQUIRED_SCOPE: auth.scope,
  };
}

/** Environment of the frontend (nginx's /config.json): sign in with MSAL and request the api scope. */
export function frontendAuthEnv(auth: AppAuthFacts): Record<string, string> {
  return {
    AUTH_CLIENT_ID: auth.spaClientId,
    AUTH_AUTHORITY: entraAuthority(auth.tenantId),
    AUTH_SCOPE: `${apiIdentifierUri(auth.apiClientId)}/${auth.scope}`,
    AUTH_PROTOCOL: 'entra',
  };
}

/** Display names of the two registrations, e.g. `aksplat-prod-api`. */
export function appRegistrationNames(prefix: string, environment: string): { api: string; spa: string } {
  return { api: `${prefix}-${environment}-api`, spa: `${prefix}-${environment}-spa` };
}
