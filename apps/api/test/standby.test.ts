/**
 * The standby region (READ_ONLY=true), on real PostgreSQL and Redis: its database behaves like a
 * read replica (default_transaction_read_only, so any write would fail as on a hot standby).
 * The api serves reads, health, readiness and Socket.IO subscriptions and refuses every write with
 * 503 + Retry-After and a JSON error, before touching the database; no outbox relay runs; the
 * agent consumes nothing and deletes nothing. Promotion (the database writable, both restarted
 * without READ_ONLY) then runs the waiting job to the end.
 */
import Redis from 'ioredis';
import { Client } from 'pg';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { JOB_GROUP, JOB_STREAM, QUEUE_EPOCH_KEY, migrate, createLogger, createPool, enqueueJobs } from '@aks-platform/common';
import { startAgent, type AgentHandle } from '../../agent/src';
import { appEnv, httpJson, postgresDatabase, startOidcIssuer, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { READ_ONLY_RETRY_AFTER_S, startApi, type ApiHandle } from '../src';

jest.setTimeout(30000);

let pg: PostgresServer;
let redis: RedisServer;
let issuer: OidcIssuer;
let owner: Client;
let commands: Redis;
let api: ApiHandle | undefined;
let agent: AgentHandle | undefined;
let auth: Record<string, string>;
let env: Record<string, string>;
const sockets: Socket[] = [];
const QUEUED = '22222222-2222-4222-8222-222222222222'; // in the stream, waiting for an agent
const UNSENT = '33333333-3333-4333-8333-333333333333'; // accepted, never enqueued (the outbox's job)

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  const logger = createLogger({ service: 'test', level: 'silent' });
  const pool = createPool({ host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password, sslMode: 'disable' }, logger, { max: 1 });
  await migrate(pool, logger);
  await pool.end();
  owner = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database });
  await owner.connect();
  // What the primary wrote and replication brought over: one job in the queue, one not yet enqueued.
  await owner.query(
    `INSERT INTO jobs (id, type, input, owner, created_at, enqueued_at) VALUES
       ($1, 'wordcount', 'replicated job', 'standby-user', now() - interval '1 minute', now() - interval '1 minute'),
       ($2, 'sha256', 'not yet enqueued', 'standby-user', now() - interval '1 minute', NULL)`,
    [QUEUED, UNSENT],
  );
  // Explicit <'legacy'> (the declared type's): inferring it from `commands: Redis` costs tsc seconds.
  commands = new Redis<'legacy'>({ host: redis.host, port: redis.port, password: redis.password });
  await enqueueJobs(commands, [QUEUED]);
  // From here on the database refuses writes, like a read replica.
  await owner.query(`ALTER DATABASE "${pg.database}" SET default_transaction_read_only = on`);
  auth = { authorization: `Bearer ${await issuer.token({ oid: 'standby-user' })}` };
  env = appEnv(pg, redis, { MIGRATE_ON_START: 'false', OUTBOX_INTERVAL_MS: '100', ...issuer.apiEnv() });
  api = await startApi({ env: { ...env, READ_ONLY: 'true' }, port: 0, host: '127.0.0.1' });
  agent = await startAgent({ env: { ...env, READ_ONLY: 'true', RETENTION_INTERVAL_MS: '1000' }, port: 0, host: '127.0.0.1' });
  await Promise.all([api.schemaReady, agent.warm]);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await agent?.close();
  await api?.close();
  commands?.disconnect();
  await owner?.end();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

const url = () => api!.url;
const post = (body: unknown, headers: Record<string, string> = auth) =>
  httpJson(`${url()}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('writes are refused with 503, Retry-After and a JSON error; nothing is stored', async () => {
  const res = await post({ type: 'wordcount', input: 'a b' }, { ...auth, 'idempotency-key': 'k1' });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe(String(READ_ONLY_RETRY_AFTER_S));
  expect(res.headers.get('x-correlation-id')).toBeTruthy();
  expect(res.body).toEqual({ error: 'read_only', message: 'this region is the standby and accepts no writes until it is promoted; retry later' });
  expect((await owner.query('SELECT count(*)::int AS n FROM jobs')).rows[0].n).toBe(2);
  // Authentication still comes first, and unknown routes are still unknown.
  expect((await post({ type: 'wordcount', input: 'a' }, {})).status).toBe(401);
  expect((await httpJson(`${url()}/api/nothing`, { method: 'POST', headers: auth })).status).toBe(404);
  const metrics = await (await fetch(`${url()}/metrics`)).text();
  expect(metrics).toMatch(/jobs_rejected_total\{[^}]*reason="read_only"[^}]*\} 1/);
});

test('reads, health, readiness and Socket.IO subscriptions work', async () => {
  expect(await httpJson(`${url()}/api/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect(await httpJson(`${url()}/api/ready`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect(await httpJson(`${url()}/api/jobs/${QUEUED}`, { headers: auth })).toMatchObject({ status: 200, body: { id: QUEUED, status: 'queued', input: 'replicated job' } });
  const s = connectSocket(url(), { transports: ['websocket'], reconnection: false, auth: { token: auth.authorization.slice(7) } });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
  const ack: any = await s.timeout(5000).emitWithAck('job:subscribe', { id: UNSENT });
  expect(ack).toMatchObject({ ok: true, job: { id: UNSENT, status: 'queued' } });
  expect(await httpJson(`${agent!.url}/ready`)).toMatchObject({ status: 200, body: { status: 'ready', readOnly: true, checks: { postgres: 'ok', redis: 'ok', warm: 'ok' } } });
});

test('no outbox relay and no consumer: the queue is left as the primary left it', async () => {
  // Several relay intervals (100 ms) and agent read cycles.
  await new Promise((r) => setTimeout(r, 600));
  expect(await commands.get(QUEUE_EPOCH_KEY)).toBeNull();
  expect(await commands.xlen(JOB_STREAM)).toBe(1);
  const groups = (await commands.xinfo('GROUPS', JOB_STREAM)) as unknown[];
  expect(groups).toEqual([]); // no consumer group: nothing was read
  const { rows } = await owner.query('SELECT id, status, attempts, enqueued_at FROM jobs ORDER BY id');
  expect(rows).toEqual([
    { id: QUEUED, status: 'queued', attempts: 0, enqueued_at: expect.any(Date) },
    { id: UNSENT, status: 'queued', attempts: 0, enqueued_at: null },
  ]);
});

test('promotion: writable database, READ_ONLY off, and both waiting jobs run', async () => {
  await agent!.close();
  await api!.close();
  agent = api = undefined;
  await owner.query(`ALTER DATABASE "${pg.database}" SET default_transaction_read_only = off`);
  api = await startApi({ env, port: 0, host: '127.0.0.1' });
  agent = await startAgent({ env, port: 0, host: '127.0.0.1' });
  await Promise.all([api.schemaReady, agent.warm]);
  expect((await post({ type: 'sleep', input: '1' })).status).toBe(202);
  await waitFor(
    async () => {
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM jobs WHERE status = 'succeeded'`);
      return rows[0].n === 3;
    },
    15000,
    'the two waiting jobs and a new one to succeed after promotion',
  );
  // Every delivery acknowledged (nothing left in flight for the agent's shutdown to wait for).
  await waitFor(async () => ((await commands.xpending(JOB_STREAM, JOB_GROUP)) as [number])[0] === 0, 5000, 'the deliveries to be acknowledged');
});
