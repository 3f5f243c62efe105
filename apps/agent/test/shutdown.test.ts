/**
 * SIGTERM on a real agent process (`node dist/main.js`): it stops taking jobs, finishes what
 * completes within the grace period, hands the rest back to the queue, closes and exits 0.
 */
import { JOB_GROUP, JOB_STREAM, createLogger, createRedis, closeRedis, type Redis } from '@aks-platform/common';
import { startApi, type ApiHandle } from '../../api/src';
import { appEnv, builtEntry, freePort, httpJson, spawnNode, postgresDatabase, startOidcIssuer, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let client: Redis;
let issuer: OidcIssuer;
let auth: Record<string, string>;

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  api = await startApi({ env: appEnv(pg, redis, issuer.apiEnv()), port: 0, host: '127.0.0.1' });
  auth = { authorization: `Bearer ${await issuer.token()}` };
  await api.schemaReady;
  client = createRedis({ host: redis.host, port: redis.port, password: redis.password, tls: false }, createLogger({ service: 'test', level: 'silent' }), { name: 'test', offlineQueue: true });
});

afterAll(async () => {
  await closeRedis(client);
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

const submit = async (input: string) =>
  (await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ type: 'sleep', input }) })).body.id as string;
const job = async (id: string) => (await httpJson(`${api.url}/api/jobs/${id}`, { headers: auth })).body;

test('SIGTERM: short job finishes, long job is handed back, exit 0 within the timeout', async () => {
  const port = await freePort();
  const agent = spawnNode(builtEntry('agent'), appEnv(pg, redis, { LOG_LEVEL: 'info', PORT: String(port), AGENT_CONCURRENCY: '2', SHUTDOWN_TIMEOUT_MS: '4000' }));
  await agent.waitForLog((l) => l.message === 'warm-up complete; ready', 15000, 'agent warm');
  expect((await httpJson(`http://127.0.0.1:${port}/ready`)).status).toBe(200);

  const short = await submit('700');
  const long = await submit('20000');
  await waitFor(async () => (await job(short)).status === 'running' && (await job(long)).status === 'running', 10000, 'both jobs running');

  const t0 = Date.now();
  agent.kill('SIGTERM');
  expect(await agent.exited).toBe(0);
  const elapsed = Date.now() - t0;
  expect(elapsed).toBeLessThan(4000);

  expect(await job(short)).toMatchObject({ status: 'succeeded', result: { sleptMs: 700 } });
  expect(await job(long)).toMatchObject({ status: 'queued', attempts: 1 });
  const messages = agent.logs.map((l) => l.message);
  expect(messages).toEqual(expect.arrayContaining(['shutdown started', 'waiting for in-flight jobs', 'grace period over; handing jobs back', 'job handed back to the queue', 'shutdown complete']));
  for (const l of agent.logs.filter((x) => !('raw' in x))) expect(l).toMatchObject({ service: 'agent', level: expect.any(String), timestamp: expect.any(String) });

  // Handed back = a fresh, undelivered entry; nothing left pending for the dead consumer.
  const pending = (await client.xpending(JOB_STREAM, JOB_GROUP)) as [number, ...unknown[]];
  expect(pending[0]).toBe(0);
  const entries = (await client.xrange(JOB_STREAM, '-', '+')) as [string, string[]][];
  expect(entries.map(([, f]) => f[1])).toContain(long);
});
