/**
 * Fault tests against real servers: Redis, then Postgres, stopped mid-run. Readiness turns 503,
 * the processes stay up, they recover when the server comes back on the same port, and no
 * accepted job is lost (outbox relay, stale re-enqueue, XAUTOCLAIM of unacknowledged entries).
 */
import { startAgent, type AgentHandle } from '../../agent/src';
import { appEnv, httpJson, startPostgres, startRedis, waitFor, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(90000);

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let agent: AgentHandle;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const env = appEnv(pg, redis, { OUTBOX_INTERVAL_MS: '200', JOB_REQUEUE_AFTER_MS: '3000' });
  api = await startApi({ env, port: 0, host: '127.0.0.1' });
  agent = await startAgent({ env: { ...env, AGENT_CONCURRENCY: '1', JOB_VISIBILITY_TIMEOUT_MS: '1500' }, port: 0, host: '127.0.0.1' });
  await Promise.all([api.schemaReady, agent.warm]);
});

afterAll(async () => {
  await agent?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

const submit = async (type: string, input: string) => {
  const r = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type, input }) });
  expect(r.status).toBe(202);
  return r.body.id as string;
};
const job = async (id: string) => (await httpJson(`${api.url}/api/jobs/${id}`)).body;
const waitStatus = (id: string, status: string, timeoutMs = 20000) =>
  waitFor(async () => ((await job(id)).status === status ? job(id) : undefined), timeoutMs, `job ${id} ${status}`, 100);
const readiness = async () => ({ api: await httpJson(`${api.url}/api/ready`), agent: await httpJson(`${agent.url}/ready`) });
const waitReady = (ok: boolean) =>
  waitFor(async () => {
    const r = await readiness();
    return (r.api.status === 200) === ok && (r.agent.status === 200) === ok ? r : undefined;
  }, 20000, `readiness ${ok ? 200 : 503}`, 100);

test('Redis down mid-run: unready, still serving, recovers, and every accepted job completes', async () => {
  const a = await submit('sleep', '1500');
  await waitStatus(a, 'running');
  const b = await submit('sha256', 'queued behind a'); // in the stream, not yet delivered (concurrency 1)

  await redis.stop('SIGKILL');
  const down = await waitReady(false);
  expect(down.api.body.checks).toMatchObject({ postgres: 'ok', redis: expect.stringMatching(/^error: /) });
  expect(down.agent.body.checks).toMatchObject({ postgres: 'ok', redis: expect.stringMatching(/^error: /) });
  expect((await httpJson(`${api.url}/api/health`)).status).toBe(200);
  expect((await httpJson(`${agent.url}/health`)).status).toBe(200);

  // Accepted while Redis is down: stored, and enqueued later by the outbox relay.
  const c = await submit('wordcount', 'accepted while redis was down');
  expect((await job(c)).status).toBe('queued');

  await redis.start(); // same port, empty: the stream and consumer group are gone
  await waitReady(true);
  const results = await Promise.all([a, b, c].map((id) => waitStatus(id, 'succeeded')));
  expect(results.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  expect(results[2].result).toEqual({ words: 5, lines: 1, characters: 29 });
  const metrics = (await httpJson(`${api.url}/metrics`)).body as string;
  expect(metrics).toMatch(/jobs_enqueue_deferred_total\{service="api"\} [1-9]/);
  expect(metrics).toMatch(/jobs_outbox_relayed_total\{service="api"\} [1-9]/);
});

test('Postgres down mid-run: 503 on submit, unready, still serving, recovers, and the running job completes', async () => {
  const d = await submit('sleep', '1000');
  await waitStatus(d, 'running');

  await pg.stop();
  const down = await waitReady(false);
  expect(down.api.body.checks).toMatchObject({ postgres: expect.stringMatching(/^error: /), redis: 'ok' });
  expect(down.agent.body.checks).toMatchObject({ postgres: expect.stringMatching(/^error: /) });
  const rejected = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'sha256', input: 'x' }) });
  expect(rejected).toMatchObject({ status: 503, body: { error: 'unavailable' } });
  expect(rejected.headers.get('retry-after')).toBe('2');
  expect((await httpJson(`${api.url}/api/health`)).status).toBe(200);
  expect((await httpJson(`${agent.url}/health`)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1200)); // d finishes executing while its result cannot be stored

  await pg.start();
  await waitReady(true);
  const done = await waitStatus(d, 'succeeded');
  expect(done.result).toEqual({ sleptMs: 1000 });
  expect(done.attempts).toBeGreaterThanOrEqual(2); // redelivered after the failed write
  const e = await submit('sha256', 'after recovery');
  expect((await waitStatus(e, 'succeeded')).result).toHaveProperty('sha256');
});
