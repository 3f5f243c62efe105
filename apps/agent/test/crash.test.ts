/**
 * Crash test: an agent process is killed (SIGKILL) in the middle of a job; the job's stream entry
 * stays pending, another agent reclaims it after the visibility timeout and completes it.
 */
import { startApi, type ApiHandle } from '../../api/src';
import { recordTiming } from '../../common/test-support/timings';
import { appEnv, builtEntry, freePort, httpJson, spawnNode, postgresDatabase, startOidcIssuer, startRedis, waitFor, type NodeProcess, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startAgent, type AgentHandle } from '../src';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let first: NodeProcess | undefined;
let second: AgentHandle | undefined;
let issuer: OidcIssuer;
let auth: Record<string, string>;

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  api = await startApi({ env: appEnv(pg, redis, issuer.apiEnv()), port: 0, host: '127.0.0.1' });
  auth = { authorization: `Bearer ${await issuer.token()}` };
  await api.schemaReady;
});

afterAll(async () => {
  first?.kill('SIGKILL');
  await second?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

test('a job survives the crash of the agent running it and is completed by another agent', async () => {
  // Default visibility timeout (5 s) and reclaim interval: the timings a deployment runs with.
  const env = appEnv(pg, redis, { LOG_LEVEL: 'info', AGENT_CONCURRENCY: '1' });
  first = spawnNode(builtEntry('agent'), { ...env, PORT: String(await freePort()) });
  await first.waitForLog((l) => l.message === 'warm-up complete; ready', 15000, 'first agent warm');
  const res = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ type: 'sleep', input: '5000' }) });
  expect(res.status).toBe(202);
  const id = res.body.id as string;
  await first.waitForLog((l) => l.message === 'job started' && l.jobId === id, 10000, 'first agent starts the job');
  // Another replica runs already when the first dies, idle: the stream holds no other entry.
  // (Started after the first agent took the job, so that agent is the one that has it.)
  second = await startAgent({ env: { ...env, LOG_LEVEL: 'silent' }, port: 0, host: '127.0.0.1' });
  await second.warm;

  first.kill('SIGKILL');
  const killedAt = Date.now();
  expect(await first.exited).toBeNull(); // killed by signal, no graceful hand-back
  expect((await httpJson(`${api.url}/api/jobs/${id}`, { headers: auth })).body).toMatchObject({ status: 'running', attempts: 1 });

  await waitFor(async () => (await httpJson(`${api.url}/api/jobs/${id}`, { headers: auth })).body.attempts === 2, 15000, 'the second agent takes the job over', 50);
  const pickupMs = Date.now() - killedAt;
  const done = await waitFor(async () => {
    const j = (await httpJson(`${api.url}/api/jobs/${id}`, { headers: auth })).body;
    return j.status === 'succeeded' ? j : undefined;
  }, 20000, 'job completed by the second agent', 100);
  const completedMs = Date.now() - killedAt;
  console.log(`agent kill: taken over after ${pickupMs} ms, completed after ${completedMs} ms (job runs 5000 ms)`);
  expect(pickupMs).toBeLessThan(10000);
  recordTiming('recovery: agent kill, job taken over', pickupMs);
  recordTiming('recovery: agent kill, job completed', completedMs);
  // Exactly one more delivery: the dead consumer's entry reclaimed by the second agent. The
  // queue holds a job at most once (apps/common/src/queue.ts), so no relay copy competes.
  expect(done).toMatchObject({ status: 'succeeded', attempts: 2, result: { sleptMs: 5000 } });
  const metrics = (await httpJson(`${second.url}/metrics`)).body as string;
  expect(metrics).toMatch(/jobs_reclaimed_total\{service="agent"\} 1\n/);
  expect(metrics).toMatch(/jobs_processed_total\{type="sleep",outcome="succeeded",service="agent"\} 1\n/);
  expect(metrics).not.toMatch(/outcome="duplicate"/);
});
