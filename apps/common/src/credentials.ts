/**
 * Credentials for PostgreSQL and Redis that can change while the process runs:
 *  - a secret file (Key Vault CSI mount) re-read when it changes, so a rotated secret needs no restart;
 *  - an Entra ID access token of the pod's workload identity used as the password
 *    (Azure Database for PostgreSQL and Azure Managed Redis Entra authentication),
 *    cached and refreshed before it expires.
 */
import { readFileSync, statSync } from 'node:fs';
import type { AccessToken, TokenCredential } from '@azure/identity';

/** Token audience of Azure Database for PostgreSQL Entra authentication. */
export const ENTRA_POSTGRES_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';
/** Token audience of Azure Managed Redis / Azure Cache for Redis Entra authentication. */
export const ENTRA_REDIS_SCOPE = 'https://redis.azure.com/.default';

/** Returns the current secret; called for every new connection (keep it cheap). */
export type SecretSource = () => Promise<string>;

/**
 * The content of `path` (one trailing newline trimmed), re-read only when the file's mtime or
 * size changes. The CSI driver swaps the file atomically on rotation.
 */
export function fileSecret(path: string): SecretSource {
  let cached: { key: string; value: string } | undefined;
  return async () => {
    const st = statSync(path);
    const key = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (cached?.key !== key) cached = { key, value: readFileSync(path, 'utf8').replace(/\r?\n$/, '') };
    return cached.value;
  };
}

export interface EntraTokenOptions {
  /** Defaults to the workload-identity credential (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE). */
  credential?: TokenCredential;
  /** Refresh this long before expiry (default 5 min; Entra tokens live 60-90 min). */
  refreshBeforeMs?: number;
  /** Injected clock (tests). */
  now?: () => number;
}

function workloadIdentityCredential(): TokenCredential {
  // Loaded on first use: password-mode processes never load @azure/identity.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WorkloadIdentityCredential } = require('@azure/identity') as typeof import('@azure/identity');
  return new WorkloadIdentityCredential();
}

/**
 * An Entra access token for `scope`, cached until `refreshBeforeMs` before it expires;
 * concurrent callers share one request, and a failed refresh keeps no stale promise.
 */
export function entraTokenSource(scope: string, opts: EntraTokenOptions = {}): SecretSource {
  const now = opts.now ?? Date.now;
  const refreshBefore = opts.refreshBeforeMs ?? 5 * 60 * 1000;
  let credential = opts.credential;
  let token: AccessToken | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (token && now() < token.expiresOnTimestamp - refreshBefore) return token.token;
    pending ??= (async () => {
      try {
        credential ??= workloadIdentityCredential();
        const t = await credential.getToken(scope);
        if (!t) throw new Error(`no Entra token for ${scope}`);
        token = t;
        return t.token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

/** A constant secret (plain env variable) or none. */
export const staticSecret = (value: string | undefined): SecretSource | undefined =>
  value === undefined ? undefined : async () => value;
