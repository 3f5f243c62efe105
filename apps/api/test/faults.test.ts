/**
 * Recovery against real servers with the DEFAULT timings (no tuned intervals): Redis stopped and
 * restarted empty, then Postgres restarted, mid-run. The api stays ready while Redis is down (it
 * accepts jobs through the outbox), the processes stay up, and after each outage the backlog
 * starts draining within 10 s and finishes; no accepted job is lost. Measured times are printed.
 */
import { JOB_GROUP, JOB_STREAM, createLogger, createRedis, closeRedis, type Redis } from '@aks-platform/common';
import { startAgent, type AgentHandle } from '../../agent/src';
import { recordTiming } from '../../common/test-support/timings';
import { appEnv, httpJson, startOidcIssuer, startPostgres, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(90000);

let pg: PostgresServer;
let redis: RedisServer;
let issuer: OidcIssuer;
let api: ApiHandle;
let agent: AgentHandle;
let auth: Record<string, string>;
let client: Redis;
const measured: Record<string, number> = {};

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([startPostgres(), startRedis(), startOidcIssuer()]);
  const env = appEnv(pg, redis, issuer.apiEnv());
  api = await startApi({ env, port: 0, host: '127.0.0.1' });
  agent = await startAgent({ env: { ...env, AGENT_CONCURRENCY: '2' }, port: 0, host: '127.0.0.1' });
  auth = { authorization: `Bearer ${await issuer.token()}` };
  client = createRedis({ host: redis.host, port: redis.port, password: redis.password, tls: false }, createLogger({ service: 'test', level: 'silent' }), { name: 'test', offlineQueue: true });
  await Promise.all([api.schemaReady, agent.warm]);
});

afterAll(async () => {
  console.log(`recovery times (ms): ${JSON.stringify(measured)}`);
  for (const [what, ms] of Object.entries(measured)) recordTiming(`recovery: ${what}`, ms);
  await closeRedis(client);
  await agent?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

const submit = async (type: string, input: string) => {
  const r = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ type, input }) });
  expect(r.status).toBe(202);
  return r.body.id as string;
};
const job = async (id: string) => (await httpJson(`${api.url}/api/jobs/${id}`, { headers: auth })).body;
const waitStatus = (id: string, status: string, timeoutMs = 20000) =>
  waitFor(async () => {
    const j = await job(id);
    return j.status === status ? j : undefined;
  }, timeoutMs, `job ${id} ${status}`, 50);
/**
 * Waits until every job has `status`, polling one job at a time (a job already there costs one
 * request): when the last one gets there is seen as soon as by one poller per job, for a
 * fraction of the requests (20 pollers at 50 ms were ~400 requests a second on the api).
 */
const waitAllStatus = async (ids: string[], status: string, timeoutMs = 20000) => {
  const deadline = Date.now() + timeoutMs;
  const results = [];
  for (const id of ids) results.push(await waitStatus(id, status, Math.max(deadline - Date.now(), 0)));
  return results;
};
const firstDone = (ids: string[], timeoutMs: number) =>
  waitFor(async () => {
    for (const id of ids) if ((await job(id)).status === 'succeeded') return true;
    return undefined;
  }, timeoutMs, 'the first job of the backlog to finish', 50);

test('Redis down and back EMPTY: api stays ready and accepts; the backlog starts draining within 10 s', async () => {
  const a = await submit('sleep', '1500');
  await waitStatus(a, 'running');
  const b = await submit('sha256', 'in the stream before the loss');

  await redis.stop('SIGKILL');
  await waitFor(async () => (await httpJson(`${agent.url}/ready`)).status === 503, 10000, 'agent unready');
  // Readiness rule: the api serves (accepts via the outbox, reads from Postgres) without Redis.
  expect(await httpJson(`${api.url}/api/ready`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  const accepted = [await submit('wordcount', 'accepted while redis was down'), await submit('sha256', 'also while down')];
  expect((await job(accepted[0])).status).toBe('queued');

  const t0 = Date.now();
  await redis.start(); // same port, no data: stream, group and queued entries are gone
  await firstDone([b, ...accepted], 10000);
  measured.redisLossFirstJobMs = Date.now() - t0;
  const results = await waitAllStatus([a, b, ...accepted], 'succeeded');
  measured.redisLossBacklogMs = Date.now() - t0;
  expect(results.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  expect(results[2].result).toEqual({ words: 5, lines: 1, characters: 29 });
  expect(measured.redisLossFirstJobMs).toBeLessThan(10000);
});

test('Redis emptied while up (FLUSHALL, as a failover to an empty node): the relay re-enqueues within seconds, each job runs once', async () => {
  const a = await submit('sleep', '1500');
  await waitStatus(a, 'running');
  const queued = [await submit('sleep', '1200'), await submit('sleep', '1200'), await submit('sha256', 'queued when redis was emptied')];
  const t0 = Date.now();
  await client.flushall(); // stream, group, queue index and epoch gone; the servers stay up
  await firstDone(queued, 10000);
  measured.redisEmptiedFirstJobMs = Date.now() - t0;
  const results = await waitAllStatus([a, ...queued], 'succeeded');
  measured.redisEmptiedBacklogMs = Date.now() - t0;
  expect(measured.redisEmptiedFirstJobMs).toBeLessThan(10000);
  // The running job finished where it ran (its entry's ack finds nothing, harmlessly); the lost
  // entries were re-added once each, so every job ran exactly once.
  expect(results.map((j) => [j.status, j.attempts])).toEqual([['succeeded', 1], ['succeeded', 1], ['succeeded', 1], ['succeeded', 1]]);
});

test('Postgres restart: the agent backs off instead of draining the stream; the backlog resumes within 10 s', async () => {
  const backlog: string[] = [];
  for (let i = 0; i < 20; i++) backlog.push(await submit('sleep', '50'));
  await pg.stop();
  // Outage: jobs cannot be stored or read; the api answers 503 on submit (not accepted).
  const rejected = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"type":"sha256","input":"x"}' });
  expect(rejected).toMatchObject({ status: 503, body: { error: 'unavailable' } });
  expect(rejected.headers.get('retry-after')).toBe('2');
  expect((await httpJson(`${api.url}/api/ready`)).status).toBe(503);
  await new Promise((r) => setTimeout(r, 3000));
  // At most one entry per slot was taken while Postgres was down; the rest wait in the stream.
  const pending = (await client.xpending(JOB_STREAM, JOB_GROUP)) as [number, ...unknown[]];
  expect(pending[0]).toBeLessThanOrEqual(2);

  const t0 = Date.now();
  await pg.start();
  await waitFor(async () => {
    const statuses = await Promise.all(backlog.map(async (id) => (await job(id).catch(() => ({ status: 'unknown' }))).status));
    return statuses.includes('succeeded') ? true : undefined;
  }, 10000, 'the first backlog job to finish', 50);
  measured.pgRestartFirstJobMs = Date.now() - t0;
  await waitAllStatus(backlog, 'succeeded', 30000);
  measured.pgRestartBacklogMs = Date.now() - t0;
  expect(measured.pgRestartFirstJobMs).toBeLessThan(10000);
  for (const id of backlog) expect((await job(id)).attempts).toBe(1); // no redelivery churn
});
