import { loadRuntimeConfig, parseRuntimeConfig } from '../src/runtimeConfig';

const CLIENT = '3f1b9c2e-8d4a-4e6f-9a1b-2c3d4e5f6a7b';
const AUTHORITY = 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47';
const SCOPE = 'api://9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/Jobs.ReadWrite';
const auth = (over: Record<string, unknown> = {}) => ({ auth: { clientId: CLIENT, authority: AUTHORITY, scopes: [SCOPE], protocol: 'entra', ...over } });

test.each([
  ['no auth key', {}, {}],
  ['auth null', { auth: null }, {}],
  ['empty client id (nginx with sign-in off)', auth({ clientId: '', authority: '', scopes: [''] }), {}],
  ['Entra ID', auth(), { auth: { clientId: CLIENT, authority: AUTHORITY, scopes: [SCOPE], protocol: 'entra' } }],
  ['protocol defaults to entra; trailing slash trimmed', auth({ protocol: '', authority: `${AUTHORITY}/` }), { auth: { clientId: CLIENT, authority: AUTHORITY, scopes: [SCOPE], protocol: 'entra' } }],
  ['local issuer', auth({ clientId: 'job-runner-spa', authority: 'https://127.0.0.1:9443/oidc', scopes: ['jobs'], protocol: 'oidc' }), { auth: { clientId: 'job-runner-spa', authority: 'https://127.0.0.1:9443/oidc', scopes: ['jobs'], protocol: 'oidc' } }],
])('accepts %s', (_name, body, expected) => {
  expect(parseRuntimeConfig(body)).toEqual(expected);
});

test.each([
  ['not an object', [], /expected a JSON object/],
  ['auth not an object', { auth: 'x' }, /auth must be an object or null/],
  ['non-GUID client id for Entra', auth({ clientId: 'spa' }), /auth.clientId "spa" must be a GUID for Entra ID/],
  ['http authority', auth({ authority: 'http://login.microsoftonline.com/t' }), /auth.authority .* must use https/],
  ['authority with a query', auth({ authority: `${AUTHORITY}?p=1` }), /must have no query or fragment/],
  ['authority not a URL', auth({ authority: 'login' }), /auth.authority "login" is not a URL/],
  ['no scopes', auth({ scopes: [] }), /auth.scopes \[\] must be a non-empty list/],
  ['scope with a space', auth({ scopes: ['a b'] }), /auth.scopes \["a b"\]/],
  ['unknown protocol', auth({ protocol: 'saml' }), /auth.protocol "saml" must be "entra" or "oidc"/],
])('rejects %s with a message naming the field', (_name, body, message) => {
  expect(() => parseRuntimeConfig(body)).toThrow(message);
});

test('loadRuntimeConfig reads /config.json without the cache and reports an HTTP failure', async () => {
  const calls: Array<[string, RequestInit | undefined]> = [];
  const ok = (async (url: string, init?: RequestInit) => {
    calls.push([url, init]);
    return new Response(JSON.stringify(auth()), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  await expect(loadRuntimeConfig(ok)).resolves.toEqual({ auth: expect.objectContaining({ clientId: CLIENT }) });
  expect(calls).toEqual([['/config.json', expect.objectContaining({ cache: 'no-store' })]]);
  const missing = (async () => new Response('nope', { status: 404 })) as typeof fetch;
  await expect(loadRuntimeConfig(missing)).rejects.toThrow('/config.json: HTTP 404');
});
