/**
 * The queue holds a job at most once (./src/queue.ts), against real Redis and PostgreSQL:
 * the request path's enqueue, the outbox relay and a hand-back never put a second entry in the
 * stream for a job whose entry is still there (waiting or pending at an agent). This was the
 * cause of `attempts: 2` with no fault: the relay re-added a job whose `enqueued_at` write was
 * slow or failed after the XADD had succeeded.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  JOB_GROUP,
  JOB_INDEX,
  JOB_STREAM,
  ackJobEntry,
  closeRedis,
  createLogger,
  createPool,
  createRedis,
  enqueueJobs,
  ensureConsumerGroup,
  handBackJobEntry,
  insertJob,
  migrate,
  relayOutbox,
  type Pool,
  type Redis,
} from '../src';
import { postgresDatabase, startRedis, type PostgresServer, type RedisServer } from '../test-support';

jest.setTimeout(60000);

const logger = createLogger({ service: 'test', level: 'silent', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
let pg: PostgresServer;
let server: RedisServer;
let pool: Pool;
let redis: Redis;

beforeAll(async () => {
  [pg, server] = await Promise.all([postgresDatabase(), startRedis()]);
  pool = createPool({ host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password, sslMode: 'disable' }, logger, { max: 2 });
  redis = createRedis({ host: server.host, port: server.port, password: server.password, tls: false }, logger, { name: 'queue-test', offlineQueue: true });
  await migrate(pool, logger);
});
afterAll(async () => {
  await closeRedis(redis);
  await pool?.end();
  await Promise.all([pg?.dispose(), server?.dispose()]);
});
beforeEach(async () => {
  await redis.flushall();
  await ensureConsumerGroup(redis);
});

const entriesOf = async (id: string) => ((await redis.xrange(JOB_STREAM, '-', '+')) as [string, string[]][]).filter(([, f]) => f[1] === id);
const read = async (consumer: string) => (await redis.xreadgroup('GROUP', JOB_GROUP, consumer, 'COUNT', 10, 'STREAMS', JOB_STREAM, '>')) as [string, [string, string[]][]][] | null;

test('the index key is in the stream key\'s hash slot (one-slot scripts on a clustered Redis)', () => {
  // Redis cluster spec: a key with a {hash tag} hashes only the tag; a key without braces hashes whole.
  expect(JOB_STREAM).not.toMatch(/[{}]/);
  expect(JOB_INDEX.match(/^[^{]*\{([^}]+)\}/)?.[1]).toBe(JOB_STREAM);
});

test('a job is added once while its entry waits or is pending; again once it was acknowledged or Redis lost it', async () => {
  const id = randomUUID();
  expect(await enqueueJobs(redis, [id], { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })).toEqual([id]);
  expect(await enqueueJobs(redis, [id])).toEqual([]);
  const [[entryId, fields]] = await entriesOf(id);
  expect(fields).toEqual(['id', id, 'traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']);

  // Delivered to an agent (pending, not acknowledged): still in the stream, not added again.
  expect((await read('agent-1'))?.[0][1].map(([e]) => e)).toEqual([entryId]);
  expect(await enqueueJobs(redis, [id])).toEqual([]);
  expect(await entriesOf(id)).toHaveLength(1);

  // Acknowledged (finished): gone from stream and index; an enqueue adds it again.
  await ackJobEntry(redis, entryId, id);
  expect(await redis.hget(JOB_INDEX, id)).toBeNull();
  expect(await redis.xlen(JOB_STREAM)).toBe(0);
  expect(await enqueueJobs(redis, [id])).toEqual([id]);

  // Redis emptied: stream and index are lost together, and the job can be enqueued again.
  await redis.flushall();
  await ensureConsumerGroup(redis);
  expect(await enqueueJobs(redis, [id])).toEqual([id]);
  expect(await entriesOf(id)).toHaveLength(1);
});

test('a hand-back replaces the entry atomically: the index follows, nothing is added twice', async () => {
  const id = randomUUID();
  await enqueueJobs(redis, [id]);
  const [[oldEntry]] = await entriesOf(id);
  await read('agent-1');
  const newEntry = await handBackJobEntry(redis, oldEntry, id, {});
  expect(newEntry).not.toBe(oldEntry);
  expect((await entriesOf(id)).map(([e]) => e)).toEqual([newEntry]);
  expect(await redis.hget(JOB_INDEX, id)).toBe(newEntry);
  expect(await enqueueJobs(redis, [id])).toEqual([]);
  // Acknowledging a stale entry id leaves the job's current index entry alone.
  await ackJobEntry(redis, oldEntry, id);
  expect(await redis.hget(JOB_INDEX, id)).toBe(newEntry);
});

test('the outbox relay leaves a job alone whose entry is in the stream although enqueued_at was never written', async () => {
  // The request path: INSERT, XADD ... and then the `enqueued_at` UPDATE is slow or fails.
  const { job } = await insertJob(pool, randomUUID(), { type: 'sleep', input: '10' }, { owner: 'u' });
  await enqueueJobs(redis, [job.id]);
  await pool.query(`UPDATE jobs SET created_at = now() - interval '5 seconds' WHERE id = $1`, [job.id]);
  const pass = await relayOutbox(pool, redis, { graceMs: 1000, requeueAfterMs: 120000 });
  expect(pass).toEqual({ checked: 1, enqueued: 0 });
  expect(await entriesOf(job.id)).toHaveLength(1);
  // ... and the pass recorded it: the next pass does not look at it again.
  expect(await relayOutbox(pool, redis, { graceMs: 1000, requeueAfterMs: 120000 })).toEqual({ checked: 0, enqueued: 0 });

  // The lost-data sweep (requeueBefore) re-adds only what the stream does not hold.
  const lost = (await insertJob(pool, randomUUID(), { type: 'sleep', input: '10' }, { owner: 'u' })).job;
  await pool.query(`UPDATE jobs SET enqueued_at = now() - interval '1 second' WHERE id = $1`, [lost.id]);
  expect(await relayOutbox(pool, redis, { graceMs: 1000, requeueAfterMs: 120000, requeueBefore: new Date(Date.now() + 1000) })).toEqual({ checked: 2, enqueued: 1 });
  expect(await entriesOf(lost.id)).toHaveLength(1);
  expect(await entriesOf(job.id)).toHaveLength(1);
});

test('the relay does not enqueue a finished job whose enqueued_at was never written', async () => {
  const { job } = await insertJob(pool, randomUUID(), { type: 'sleep', input: '10' }, { owner: 'u' });
  await pool.query(`UPDATE jobs SET status = 'succeeded', finished_at = now(), created_at = now() - interval '5 seconds' WHERE id = $1`, [job.id]);
  expect(await relayOutbox(pool, redis, { graceMs: 1000, requeueAfterMs: 120000 })).toEqual({ checked: 0, enqueued: 0 });
  expect(await redis.xlen(JOB_STREAM)).toBe(0);
});
