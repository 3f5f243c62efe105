/**
 * The digest of an image already in ACR, by tag: what a canary release needs for
 * its stable track (the image the stable tag names, built by an earlier run).
 * The ACR refresh token (lib/acr-token.ts) is traded for a pull-scoped access
 * token at `/oauth2/token`, then `HEAD /v2/<repository>/manifests/<tag>` answers
 * with `Docker-Content-Digest`. Injectable fetch and base URL, so it is tested
 * against a local fake registry; tokens never appear in errors.
 */

/** What to resolve. */
export interface DigestRequest {
  /** Login server, e.g. `craksplatprodweu1a2b3c.azurecr.io`. */
  loginServer: string;
  /** Repository, e.g. `aks-platform/api`. */
  repository: string;
  /** Tag, e.g. a git commit. */
  tag: string;
  /** ACR refresh token (from the Entra token exchange). */
  refreshToken: string;
}

/** Resolves a tag to `sha256:<64 hex>`. */
export type DigestResolver = (request: DigestRequest, options?: { fetch?: typeof fetch; baseUrl?: string }) => Promise<string>;

/** The manifest media types a multi-platform or single image may have. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The real resolver (see the module comment). */
export const resolveImageDigest: DigestResolver = async (request, options = {}) => {
  const doFetch = options.fetch ?? fetch;
  const base = (options.baseUrl ?? `https://${request.loginServer}`).replace(/\/+$/, '');
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    service: request.loginServer,
    scope: `repository:${request.repository}:pull`,
    refresh_token: request.refreshToken,
  });
  const tokenRes = await doFetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  if (tokenRes.status !== 200) throw new Error(`ACR ${request.loginServer}: a pull token for ${request.repository} was refused (HTTP ${tokenRes.status})`);
  const accessToken = ((await tokenRes.json()) as { access_token?: string }).access_token;
  if (!accessToken) throw new Error(`ACR ${request.loginServer}: the token answer has no access_token`);
  const res = await doFetch(`${base}/v2/${request.repository}/manifests/${encodeURIComponent(request.tag)}`, {
    method: 'HEAD',
    headers: { authorization: `Bearer ${accessToken}`, accept: MANIFEST_TYPES },
  });
  if (res.status === 404) throw new Error(`${request.loginServer}/${request.repository}:${request.tag} does not exist; the stable tag must name an image an earlier run pushed`);
  if (res.status !== 200) throw new Error(`${request.loginServer}/${request.repository}:${request.tag}: HTTP ${res.status}`);
  const digest = res.headers.get('docker-content-digest') ?? '';
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new Error(`${request.loginServer}/${request.repository}:${request.tag}: the registry returned no digest ("${digest}")`);
  return digest;
};
