/**
 * The SPA's runtime configuration, fetched from `/config.json` before anything else.
 *
 * The same image runs in every environment, so nothing environment-specific is
 * baked into the bundle: nginx renders `/config.json` from the container's
 * environment at start (nginx/templates/app-config.json.template), and the Vite
 * dev server serves the same shape from its own environment (vite.config.ts).
 */

/** How the SPA signs in. */
export interface AuthSettings {
  /** Application (client) id of the SPA's app registration. */
  clientId: string;
  /** Authority URL: `https://login.microsoftonline.com/<tenant-id>` for Entra ID, or a local OIDC issuer. */
  authority: string;
  /** Scopes to request for the api, e.g. `api://<api-app-id>/Jobs.ReadWrite`. */
  scopes: string[];
  /** `entra` (Entra ID, the default) or `oidc` (any standards-based issuer, used for local runs). */
  protocol: 'entra' | 'oidc';
}

export interface RuntimeConfig {
  /** Undefined when the api runs without sign-in (the local no-auth mode only). */
  auth?: AuthSettings;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates `/config.json`. An empty `clientId` means "no sign-in" (what nginx renders when
 * the AUTH_* variables are unset). Anything else malformed is an error that names the field.
 */
export function parseRuntimeConfig(body: unknown): RuntimeConfig {
  if (!isRecord(body)) throw new Error('/config.json: expected a JSON object');
  const auth = body.auth;
  if (auth === undefined || auth === null) return {};
  if (!isRecord(auth)) throw new Error('/config.json: auth must be an object or null');
  if (auth.clientId === '' || auth.clientId === undefined) return {};
  const problems: string[] = [];
  const clientId = typeof auth.clientId === 'string' ? auth.clientId : '';
  if (!CLIENT_ID.test(clientId)) problems.push(`auth.clientId ${JSON.stringify(auth.clientId)} is not a client id`);
  const protocol = auth.protocol === undefined || auth.protocol === '' ? 'entra' : auth.protocol;
  if (protocol !== 'entra' && protocol !== 'oidc') problems.push(`auth.protocol ${JSON.stringify(auth.protocol)} must be "entra" or "oidc"`);
  if (protocol === 'entra' && !GUID.test(clientId)) problems.push(`auth.clientId ${JSON.stringify(clientId)} must be a GUID for Entra ID`);
  let authority = typeof auth.authority === 'string' ? auth.authority : '';
  try {
    const url = new URL(authority);
    if (url.protocol !== 'https:') problems.push(`auth.authority ${JSON.stringify(authority)} must use https`);
    if (url.search !== '' || url.hash !== '') problems.push(`auth.authority ${JSON.stringify(authority)} must have no query or fragment`);
    authority = authority.replace(/\/+$/, '');
  } catch {
    problems.push(`auth.authority ${JSON.stringify(auth.authority)} is not a URL`);
  }
  const rawScopes = Array.isArray(auth.scopes) ? auth.scopes : [];
  const scopes = rawScopes.filter((s): s is string => typeof s === 'string' && s !== '');
  if (scopes.length === 0 || scopes.length !== rawScopes.filter((s) => s !== '').length || !scopes.every((s) => SCOPE.test(s))) {
    problems.push(`auth.scopes ${JSON.stringify(auth.scopes)} must be a non-empty list of scope strings`);
  }
  if (problems.length > 0) throw new Error(`/config.json: ${problems.join('; ')}`);
  return { auth: { clientId, authority, scopes, protocol: protocol as AuthSettings['protocol'] } };
}

/** Fetches and validates `/config.json` (no cache: it changes with the deployment, not the build). */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  const response = await fetchImpl('/config.json', { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`/config.json: HTTP ${response.status}`);
  return parseRuntimeConfig(await response.json());
}
