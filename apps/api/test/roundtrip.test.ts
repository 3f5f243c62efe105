/**
 * Full job round trip against real PostgreSQL and Redis:
 * POST /api/jobs → Postgres + Redis stream → agent → Postgres → Redis pub/sub → Socket.IO `job:status`.
 */
import { io as connectSocket, type Socket } from 'socket.io-client';
import { startAgent, type AgentHandle } from '../../agent/src';
import { appEnv, httpJson, postgresDatabase, startOidcIssuer, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let agent: AgentHandle;
let issuer: OidcIssuer;
let auth: Record<string, string>;
const sockets: Socket[] = [];

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  auth = { authorization: `Bearer ${await issuer.token({ oid: 'roundtrip-user' })}` };
  const env = appEnv(pg, redis, { OUTBOX_INTERVAL_MS: '200', ...issuer.apiEnv() });
  api = await startApi({ env, port: 0, host: '127.0.0.1' });
  agent = await startAgent({ env: { ...env, JOB_VISIBILITY_TIMEOUT_MS: '2000' }, port: 0, host: '127.0.0.1' });
  await Promise.all([api.schemaReady, agent.warm]);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await agent?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

function socket(): Promise<Socket> {
  const s = connectSocket(api.url, { transports: ['websocket'], reconnection: false, auth: { token: auth.authorization.slice(7) } });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...headers }, body: JSON.stringify(body) });
const get = (path: string) => httpJson(`${api.url}${path}`, { headers: auth });

test('probes: liveness and readiness report healthy dependencies', async () => {
  const live = await httpJson(`${api.url}/api/health`);
  expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
  const ready = await httpJson(`${api.url}/api/ready`);
  expect(ready.status).toBe(200);
  expect(ready.body).toEqual({ status: 'ok' });
  expect(await httpJson(`${agent.url}/health`)).toMatchObject({ status: 200 });
  expect(await httpJson(`${agent.url}/ready`)).toMatchObject({ status: 200, body: { checks: { warm: 'ok' } } });
});

test('a job goes api → redis → agent → postgres and its status changes arrive over Socket.IO', async () => {
  const s = await socket();
  const statuses: string[] = [];
  const finished = new Promise<any>((resolve) =>
    s.on('job:status', (job: any) => {
      statuses.push(job.status);
      if (job.status === 'succeeded' || job.status === 'failed') resolve(job);
    }),
  );
  // A short sleep job leaves time to subscribe before it finishes.
  const res = await post({ type: 'sleep', input: '400' }, { 'x-correlation-id': 'roundtrip-1' });
  expect(res.status).toBe(202);
  expect(res.headers.get('x-correlation-id')).toBe('roundtrip-1');
  expect(res.headers.get('location')).toBe(`/api/jobs/${res.body.id}`);
  expect(res.body).toEqual({ id: expect.any(String), type: 'sleep', status: 'queued', createdAt: expect.any(String) });
  const ack: any = await s.timeout(5000).emitWithAck('job:subscribe', { id: res.body.id });
  expect(ack.ok).toBe(true);
  expect(ack.job.id).toBe(res.body.id);
  const job = await finished;
  // One delivery with no fault, also on a loaded machine: the queue holds a job at most once
  // (apps/common/src/queue.ts), so a slow `enqueued_at` write never makes the relay add a copy.
  expect(job).toMatchObject({ id: res.body.id, status: 'succeeded', result: { sleptMs: 400 }, attempts: 1, error: null });
  expect(statuses).toContain('succeeded');
  const stored = await get(`/api/jobs/${res.body.id}`);
  expect(stored.status).toBe(200);
  expect(stored.body).toMatchObject({ id: res.body.id, type: 'sleep', input: '400', status: 'succeeded', result: { sleptMs: 400 } });
});

test('wordcount and sha256 produce their results', async () => {
  const a = await post({ type: 'wordcount', input: 'one two  three\nfour' });
  const b = await post({ type: 'sha256', input: 'abc' });
  const done = (id: string) =>
    waitFor(async () => {
      const r = await get(`/api/jobs/${id}`);
      return r.body.status === 'succeeded' ? r.body : undefined;
    }, 10000, `job ${id}`);
  expect((await done(a.body.id)).result).toEqual({ words: 4, lines: 2, characters: 19 });
  expect((await done(b.body.id)).result).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
});

test('bad requests get clear errors naming the field', async () => {
  expect(await post({ type: 'nope', input: 'x' })).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'type', message: expect.stringContaining('wordcount, sha256, sleep') } });
  expect(await post({ type: 'sleep', input: '0' })).toMatchObject({ status: 400, body: { field: 'input' } });
  expect(await post({ type: 'sha256', input: 'x', extra: 1 })).toMatchObject({ status: 400, body: { field: 'extra' } });
  const big = await post({ type: 'sha256', input: 'x'.repeat(70 * 1024) });
  expect(big).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  const badJson = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"type":' });
  expect(badJson.status).toBe(400);
  const text = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: 'sha256 x' });
  expect(text).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
  expect(await get('/api/jobs/not-a-uuid')).toMatchObject({ status: 400, body: { field: 'id' } });
  expect(await get('/api/jobs/7d0e3b8e-8a4c-4c2e-9d38-0d7c4f0b9a11')).toMatchObject({ status: 404, body: { error: 'not_found' } });
  const s = await socket();
  expect(await s.timeout(5000).emitWithAck('job:subscribe', { id: 'x' })).toMatchObject({ ok: false, field: 'id' });
});

test('correlation id: a malformed header is replaced, a missing one generated', async () => {
  const bad = await httpJson(`${api.url}/api/health`, { headers: { 'x-correlation-id': 'has spaces and ${}' } });
  expect(bad.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  const none = await httpJson(`${api.url}/api/health`);
  expect(none.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('metrics expose request counts and latency by route template and status, plus job counters', async () => {
  const text = (await httpJson(`${api.url}/metrics`)).body as string;
  expect(text).toMatch(/http_requests_total\{method="POST",route="\/api\/jobs",status_code="202",service="api"\} [1-9]/);
  expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",service="api",method="GET",route="\/api\/jobs\/:id",status_code="200"\}/);
  expect(text).not.toContain('route="/api/jobs/7d0e3b8e');
  expect(text).toMatch(/jobs_submitted_total\{type="sleep",service="api"\} 1/);
  const agentText = (await httpJson(`${agent.url}/metrics`)).body as string;
  expect(agentText).toMatch(/jobs_processed_total\{type="sha256",outcome="succeeded",service="agent"\} 1/);
  // No job of this file was delivered twice (no fault was injected).
  expect(agentText).not.toMatch(/outcome="duplicate"/);
});
