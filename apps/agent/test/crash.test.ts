/**
 * Crash test: an agent process is killed (SIGKILL) in the middle of a job; the job's stream entry
 * stays pending, another agent reclaims it after the visibility timeout and completes it.
 */
import { startApi, type ApiHandle } from '../../api/src';
import { appEnv, builtEntry, freePort, httpJson, spawnNode, postgresDatabase, startRedis, waitFor, type NodeProcess, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startAgent, type AgentHandle } from '../src';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let first: NodeProcess | undefined;
let second: AgentHandle | undefined;

beforeAll(async () => {
  [pg, redis] = await Promise.all([postgresDatabase(), startRedis()]);
  api = await startApi({ env: appEnv(pg, redis), port: 0, host: '127.0.0.1' });
  await api.schemaReady;
});

afterAll(async () => {
  first?.kill('SIGKILL');
  await second?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

test('a job survives the crash of the agent running it and is completed by another agent', async () => {
  const env = appEnv(pg, redis, { LOG_LEVEL: 'info', AGENT_CONCURRENCY: '1', JOB_VISIBILITY_TIMEOUT_MS: '1000' });
  first = spawnNode(builtEntry('agent'), { ...env, PORT: String(await freePort()) });
  await first.waitForLog((l) => l.message === 'warm-up complete; ready', 15000, 'first agent warm');

  const res = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'sleep', input: '2500' }) });
  expect(res.status).toBe(202);
  const id = res.body.id as string;
  await first.waitForLog((l) => l.message === 'job started' && l.jobId === id, 10000, 'first agent starts the job');

  first.kill('SIGKILL');
  expect(await first.exited).toBeNull(); // killed by signal, no graceful hand-back
  expect((await httpJson(`${api.url}/api/jobs/${id}`)).body).toMatchObject({ status: 'running', attempts: 1 });

  second = await startAgent({ env: { ...env, LOG_LEVEL: 'silent' }, port: 0, host: '127.0.0.1' });
  const done = await waitFor(async () => {
    const j = (await httpJson(`${api.url}/api/jobs/${id}`)).body;
    return j.status === 'succeeded' ? j : undefined;
  }, 20000, 'job completed by the second agent', 100);
  expect(done).toMatchObject({ status: 'succeeded', attempts: 2, result: { sleptMs: 2500 } });
  const metrics = (await httpJson(`${second.url}/metrics`)).body as string;
  expect(metrics).toMatch(/jobs_reclaimed_total\{service="agent"\} 1/);
});
