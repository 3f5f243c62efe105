/**
 * ACR authentication without the admin user: an Entra ID access token is
 * exchanged for an ACR refresh token at `https://<registry>/oauth2/exchange`,
 * exactly what `az acr login --expose-token` does. The refresh token is then
 * the Docker password, with the fixed username below. The exchange is a plain
 * async function with injectable `fetch` and base URL, so it is tested against
 * a local fake server; it never puts a token into an error message.
 */

/** The username ACR expects with a refresh token obtained from an Entra token. */
export const ACR_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000';

/** Registry login server names: `<name>.azurecr.io` and the sovereign-cloud suffixes, lower case. */
const LOGIN_SERVER = /^[a-z0-9]{5,50}\.azurecr\.(io|cn|us)$/;

/** Problem with a login server name, or undefined. */
export function loginServerProblem(loginServer: string): string | undefined {
  return LOGIN_SERVER.test(loginServer)
    ? undefined
    : `"${loginServer}" is not an ACR login server such as crexample.azurecr.io (5-50 lowercase letters or digits, then .azurecr.io)`;
}

/** What to exchange. */
export interface AcrExchangeRequest {
  /** Login server of the registry, e.g. `crexample.azurecr.io` (also the `service`). */
  loginServer: string;
  /** Entra access token for `https://management.azure.com/` (or the `https://containerregistry.azure.net` scope). */
  accessToken: string;
  /** Tenant of the token (optional; ACR derives it from the token when absent). */
  tenantId?: string;
}

/** How to reach the registry; defaults are the real ones. */
export interface AcrExchangeOptions {
  /** fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** Base URL (default `https://<loginServer>`); tests point it at a local server. */
  baseUrl?: string;
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number;
  /** Retries after a network error, 429 or 5xx (default 2), with 0.5 s, 1 s... backoff. */
  retries?: number;
  /** Sleep used between retries (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** A failed exchange; `status` is the HTTP status (0 for a network error). */
export class AcrTokenExchangeError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AcrTokenExchangeError';
  }
}

/** Exchanges an Entra access token for an ACR refresh token. */
export type AcrTokenExchange = (request: AcrExchangeRequest, options?: AcrExchangeOptions) => Promise<string>;

/** Keeps only a short, token-free part of an error body. */
function describeBody(body: string): string {
  try {
    const json = JSON.parse(body) as { errors?: { code?: string; message?: string }[]; error?: string; error_description?: string };
    const first = json.errors?.[0];
    const text = first ? `${first.code ?? ''} ${first.message ?? ''}`.trim() : `${json.error ?? ''} ${json.error_description ?? ''}`.trim();
    if (text) return text.slice(0, 200);
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, ' ').slice(0, 200);
}

/** The real exchange (see the module comment). */
export const exchangeAcrRefreshToken: AcrTokenExchange = async (request, options = {}) => {
  const problem = loginServerProblem(request.loginServer);
  if (problem) throw new AcrTokenExchangeError(`ACR token exchange: ${problem}`, 0);
  if (!request.accessToken) throw new AcrTokenExchangeError('ACR token exchange: the Entra access token is empty', 0);
  const doFetch = options.fetch ?? fetch;
  const url = `${(options.baseUrl ?? `https://${request.loginServer}`).replace(/\/+$/, '')}/oauth2/exchange`;
  const form = new URLSearchParams({ grant_type: 'access_token', service: request.loginServer, access_token: request.accessToken });
  if (request.tenantId) form.set('tenant', request.tenantId);
  const retries = options.retries ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: AcrTokenExchangeError | undefined;
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (attempt > 0) await sleep(500 * 2 ** (attempt - 1));
    let status = 0;
    let text = '';
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15000),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      last = new AcrTokenExchangeError(`ACR token exchange with ${request.loginServer} failed: ${(err as Error).name}: ${(err as Error).message}`, 0);
      continue;
    }
    if (status === 200) {
      let token: unknown;
      try {
        token = (JSON.parse(text) as { refresh_token?: unknown }).refresh_token;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string' || token === '') {
        throw new AcrTokenExchangeError(`ACR token exchange with ${request.loginServer}: the answer has no refresh_token`, status);
      }
      return token;
    }
    last = new AcrTokenExchangeError(
      `ACR token exchange with ${request.loginServer} failed with HTTP ${status}: ${describeBody(text)}` +
        (status === 401 || status === 403 ? ' (does the deploying identity have AcrPush on the registry, and is the token for https://management.azure.com/?)' : ''),
      status,
    );
    if (status !== 429 && status < 500) break; // a client error does not get better by retrying
  }
  throw last!;
};
