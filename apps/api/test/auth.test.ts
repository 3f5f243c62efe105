/**
 * Sign-in, ownership and abuse limits against real PostgreSQL, Redis and a real local OIDC
 * issuer (JWKS over HTTP): 401/403/404 on every route and Socket.IO event, two users who cannot
 * see each other's jobs, 429 with Retry-After from limits shared in Redis, control characters
 * refused with a 400 naming the field, Socket.IO origin/size/subscription/rate limits,
 * idempotent submission, security headers and correlation ids on parser rejections.
 */
import { connect as connectTcp } from 'node:net';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { appEnv, httpJson, postgresDatabase, startOidcIssuer, startRedis, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let issuer: OidcIssuer;
let api: ApiHandle;
let limited: ApiHandle;
let alice: string;
let bob: string;
const sockets: Socket[] = [];
const UNKNOWN = '7d0e3b8e-8a4c-4c2e-9d38-0d7c4f0b9a11';

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  const env = appEnv(pg, redis, { ...issuer.apiEnv(), CORS_ORIGIN: 'https://app.example.com', SOCKET_MAX_SUBSCRIPTIONS: '3', SOCKET_SUBSCRIBES_PER_SECOND: '5', SOCKET_MAX_MESSAGE_BYTES: '1024', JOB_SLEEP_MAX_MS: '5000' });
  api = await startApi({ env, port: 0, host: '127.0.0.1' });
  // A second replica with small limits: counters are shared through Redis.
  // It trusts the loopback proxy, so X-Forwarded-For gives each test its own client address.
  limited = await startApi({ env: { ...env, TRUST_PROXY: '127.0.0.1', RATE_LIMIT_SUBMIT_PER_USER: '3', RATE_LIMIT_SUBMIT_PER_IP: '5', RATE_LIMIT_WINDOW_MS: '60000' }, port: 0, host: '127.0.0.1' });
  await Promise.all([api.schemaReady, limited.schemaReady]);
  [alice, bob] = await Promise.all([issuer.token({ oid: 'alice' }), issuer.token({ oid: 'bob' })]);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([api?.close(), limited?.close()]);
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const submit = (token: string | undefined, body: unknown = { type: 'sha256', input: 'x' }, headers: Record<string, string> = {}, base = api.url) =>
  httpJson(`${base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? bearer(token) : {}), ...headers }, body: JSON.stringify(body) });
const read = (token: string | undefined, id: string) => httpJson(`${api.url}/api/jobs/${id}`, { headers: token ? bearer(token) : {} });

function socket(opts: { token?: string; origin?: string } = {}): Promise<Socket> {
  const s = connectSocket(api.url, {
    transports: ['websocket'],
    reconnection: false,
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: opts.origin ? { origin: opts.origin } : undefined,
  });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

describe('tokens', () => {
  test.each([
    ['no token', async () => undefined, 401, 'Bearer realm="api"'],
    ['a malformed header', async () => 'not-a-jwt', 401, 'Bearer realm="api", error="invalid_token"'],
    ['an expired token', () => issuer.token({ expiresInS: -120 }), 401, 'Bearer realm="api", error="invalid_token"'],
    ['a token not valid yet', () => issuer.token({ notBeforeS: 600 }), 401, 'Bearer realm="api", error="invalid_token"'],
    ['another audience', () => issuer.token({ aud: 'api://someone-else' }), 401, 'Bearer realm="api", error="invalid_token"'],
    ['another issuer', () => issuer.token({ iss: 'https://login.microsoftonline.com/other/v2.0' }), 401, 'Bearer realm="api", error="invalid_token"'],
    ['a forged signature', () => issuer.token({ forge: true }), 401, 'Bearer realm="api", error="invalid_token"'],
    ['no oid claim', () => issuer.token({ claims: { oid: undefined } }), 401, 'Bearer realm="api", error="invalid_token"'],
    ['a missing scope', () => issuer.token({ scp: 'User.Read' }), 403, 'Bearer realm="api", error="insufficient_scope", scope="Jobs.ReadWrite"'],
  ])('%s: the status on every job route, with a challenge that names no internals', async (_what, make, status, challenge) => {
    const token = await make();
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const responses = await Promise.all([
      httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"type":"sha256","input":"x"}' }),
      httpJson(`${api.url}/api/jobs/${UNKNOWN}`, { headers }),
      httpJson(`${api.url}/api/jobs/not-a-uuid`, { headers }),
      httpJson(`${api.url}/api/unknown-route`, { headers }),
    ]);
    for (const r of responses) {
      expect(r.status).toBe(status);
      expect(r.headers.get('www-authenticate')).toBe(challenge);
      expect(r.body).toEqual(status === 401 ? { error: 'unauthorized', message: 'a valid bearer access token is required' } : { error: 'forbidden', message: 'the access token lacks the required scope' });
      expect(r.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test('an app role (client credentials) carries the scope too; health, readiness and metrics stay public', async () => {
    const app = await issuer.token({ oid: 'daemon', scp: '', roles: ['Jobs.ReadWrite'] });
    expect((await submit(app)).status).toBe(202);
    for (const path of ['/api/health', '/api/ready', '/metrics']) expect((await httpJson(`${api.url}${path}`)).status).toBe(200);
    expect((await httpJson(`${api.url}/api/ready`)).body).toEqual({ status: 'ok' });
  });

  test('fastify\'s route table: every route but health, readiness and metrics answers 401 without a token', async () => {
    // A route added later without the token check fails here. OPTIONS is the CORS preflight
    // (answered by @fastify/cors, no data); path parameters are filled with a well-formed id.
    const routes = api.routes.filter((r) => r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const open: string[] = [];
    for (const r of routes) {
      const url = `${api.url}${r.url.replace(/:[A-Za-z]+/g, UNKNOWN).replace('*', 'anything')}`;
      const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) ? '{"type":"sha256","input":"x"}' : undefined;
      const res = await httpJson(url, { method: r.method, headers: body ? { 'content-type': 'application/json' } : {}, body });
      if (res.status !== 401) open.push(`${r.method} ${r.url} ${res.status}`);
    }
    expect(open.sort()).toEqual(['GET /api/health 200', 'GET /api/ready 200', 'GET /metrics 200', 'HEAD /api/health 200', 'HEAD /api/ready 200', 'HEAD /metrics 200']);
  });

  test('Socket.IO: the handshake needs a valid token; wrong scope and foreign origins are refused', async () => {
    await expect(socket()).rejects.toMatchObject({ message: 'unauthorized', data: { status: 401, error: 'unauthorized' } });
    await expect(socket({ token: await issuer.token({ expiresInS: -120 }) })).rejects.toMatchObject({ message: 'unauthorized' });
    await expect(socket({ token: await issuer.token({ scp: 'User.Read' }) })).rejects.toMatchObject({ message: 'forbidden', data: { status: 403 } });
    await expect(socket({ token: alice, origin: 'https://evil.example.net' })).rejects.toMatchObject({ message: 'websocket error' });
    await expect(socket({ token: alice, origin: 'https://app.example.com' })).resolves.toMatchObject({ connected: true });
  });
});

describe('ownership', () => {
  test('a job is visible to its owner only: GET and job:subscribe answer 404 to anyone else', async () => {
    const created = await submit(alice, { type: 'wordcount', input: 'mine only' });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    expect(await read(alice, id)).toMatchObject({ status: 200, body: { id, input: 'mine only' } });
    const other = await read(bob, id);
    expect(other).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(JSON.stringify(other.body)).not.toContain('mine only');
    expect(await read(bob, UNKNOWN)).toMatchObject({ status: 404, body: { error: 'not_found', message: `no job ${UNKNOWN}` } });
    expect(other.body.message).toBe(`no job ${id}`); // same answer as for a job that does not exist

    const bobSocket = await socket({ token: bob });
    expect(await bobSocket.timeout(5000).emitWithAck('job:subscribe', { id })).toEqual({ ok: false, error: 'not_found', message: `no job ${id}` });
    const aliceSocket = await socket({ token: alice });
    expect(await aliceSocket.timeout(5000).emitWithAck('job:subscribe', { id })).toMatchObject({ ok: true, job: { id } });
  });
});

describe('input', () => {
  test.each([
    ['NUL', 'a\u0000b'],
    ['ESC', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['C1', 'a\u0085b'],
  ])('%s in input → 400 naming the field', async (_what, input) => {
    const r = await submit(alice, { type: 'wordcount', input });
    expect(r).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'input', message: expect.stringContaining('control characters') } });
  });

  test('tab, CR and LF stay allowed; the sleep cap comes from config', async () => {
    expect((await submit(alice, { type: 'wordcount', input: 'a\tb\r\nc' })).status).toBe(202);
    expect(await submit(alice, { type: 'sleep', input: '5001' })).toMatchObject({ status: 400, body: { field: 'input', message: 'for type "sleep" input must be a decimal number of milliseconds 1..5000' } });
  });

  test('Idempotency-Key: a retry returns the first job, a reuse with another body is refused', async () => {
    const key = `key-${Date.now()}`;
    const first = await submit(alice, { type: 'sha256', input: 'once' }, { 'idempotency-key': key });
    const again = await submit(alice, { type: 'sha256', input: 'once' }, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await submit(alice, { type: 'sha256', input: 'other' }, { 'idempotency-key': key })).toMatchObject({ status: 422, body: { error: 'idempotency_key_reused', field: 'Idempotency-Key' } });
    // Keys are per owner: bob's same key is a new job.
    const bobs = await submit(bob, { type: 'sha256', input: 'once' }, { 'idempotency-key': key });
    expect(bobs.status).toBe(202);
    expect(bobs.body.id).not.toBe(first.body.id);
    expect(await submit(alice, undefined, { 'idempotency-key': 'has space' })).toMatchObject({ status: 400, body: { field: 'Idempotency-Key' } });
  });
});

describe('limits', () => {
  test('per-user submissions: 429 with Retry-After once over the limit, other users unaffected', async () => {
    const carol = await issuer.token({ oid: 'carol' });
    const from = { 'x-forwarded-for': '203.0.113.7' };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await submit(carol, undefined, from, limited.url)).status);
    expect(codes).toEqual([202, 202, 202, 429]);
    const over = await submit(carol, undefined, from, limited.url);
    expect(over).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(over.headers.get('x-correlation-id')).toBeTruthy();
    // Per IP (5 per window on this replica): after carol's 5 calls, dave from the same address is limited too.
    const dave = await issuer.token({ oid: 'dave' });
    expect((await submit(dave, undefined, from, limited.url)).status).toBe(429);
    expect((await submit(dave, undefined, { 'x-forwarded-for': '203.0.113.8' }, limited.url)).status).toBe(202);
    // Unauthenticated floods count against the address before any token check.
    expect((await submit(undefined, undefined, from, limited.url)).status).toBe(429);
    // The counters live in Redis: the other replica sees carol over her limit too.
    expect((await submit(carol, undefined, { 'x-forwarded-for': '203.0.113.9' }, limited.url)).status).toBe(429);
  });

  test('Socket.IO: subscriptions per socket, subscribe rate and message size are capped', async () => {
    const s = await socket({ token: alice });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await submit(alice, { type: 'sha256', input: `s${i}` })).body.id);
    const acks = [];
    for (const id of ids) acks.push(await s.timeout(5000).emitWithAck('job:subscribe', { id }));
    expect(acks.slice(0, 3).every((a: any) => a.ok)).toBe(true);
    expect(acks[3]).toMatchObject({ ok: false, error: 'too_many_subscriptions' });
    // 5 per second: a burst of 10 gets rate_limited acks.
    const burst = await Promise.all(Array.from({ length: 10 }, () => s.timeout(5000).emitWithAck('job:subscribe', { id: ids[0] })));
    expect(burst.filter((a: any) => a.error === 'rate_limited').length).toBeGreaterThanOrEqual(4);
    // A message over maxHttpBufferSize closes the connection.
    const closed = new Promise<string>((r) => s.once('disconnect', r));
    s.emit('job:subscribe', { id: 'x'.repeat(4096) });
    expect(await closed).toBe('transport close');
  });
});

describe('http edge', () => {
  test('security headers on api responses', async () => {
    const r = await httpJson(`${api.url}/api/health`);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  const raw = (payload: string) =>
    new Promise<string>((resolve, reject) => {
      const s = connectTcp(api.port, '127.0.0.1', () => s.write(payload));
      let data = '';
      // A server that never closes the connection ends the wait after 3 s; the timer is cleared
      // as soon as the socket ends (left running, it was the open handle jest reported).
      const timer = setTimeout(() => (s.destroy(), resolve(data)), 3000);
      s.on('data', (d) => (data += d.toString()));
      s.on('end', () => (clearTimeout(timer), resolve(data)));
      s.on('error', (err) => (clearTimeout(timer), reject(err)));
    });

  test.each([
    ['a bad method', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['conflicting lengths', 'POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['oversized headers', `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`, 431],
  ])('%s: the parser rejection carries x-correlation-id', async (_what, payload, status) => {
    const res = await raw(payload);
    expect(res).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(res).toMatch(/\r\nx-correlation-id: [0-9a-f-]{36}\r\n/);
  });

  test('an over-long id is a 400 or 414 with a correlation id, never a bare error', async () => {
    const r = await httpJson(`${api.url}/api/jobs/${'a'.repeat(3000)}`, { headers: bearer(alice) });
    expect([400, 414]).toContain(r.status);
    expect(r.headers.get('x-correlation-id')).toBeTruthy();
  });
});
