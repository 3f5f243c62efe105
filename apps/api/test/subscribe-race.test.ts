/**
 * A status change that lands while a client is subscribing must reach it.
 * The api joins the Socket.IO room before it reads the job; this test holds
 * that read on a table lock, publishes a status event in the window, and
 * expects the event on the socket (reading first and joining later would drop it).
 */
import { Client } from 'pg';
import Redis from 'ioredis';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { JOB_EVENTS_CHANNEL } from '@aks-platform/common';
import { appEnv, httpJson, postgresDatabase, startOidcIssuer, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(30000);

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let socket: Socket;
let issuer: OidcIssuer;
let token: string;

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  api = await startApi({ env: appEnv(pg, redis, issuer.apiEnv()), port: 0, host: '127.0.0.1' });
  token = await issuer.token();
  await api.schemaReady;
});

afterAll(async () => {
  socket?.disconnect();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

test('an event published while job:subscribe is reading the job still reaches the subscriber', async () => {
  const created = await httpJson(`${api.url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: 'wordcount', input: 'race' }),
  });
  expect(created.status).toBe(202);
  const id: string = created.body.id;

  socket = connectSocket(api.url, { transports: ['websocket'], reconnection: false, auth: { token } });
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
  const events: Array<{ status: string }> = [];
  socket.on('job:status', (job: { status: string }) => events.push(job));

  // Hold every read of the jobs table until the event is out.
  const locker = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database });
  await locker.connect();
  const publisher = new Redis({ host: redis.host, port: redis.port, password: redis.password, lazyConnect: true });
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE');
    const ack = socket.timeout(10000).emitWithAck('job:subscribe', { id });
    // The api is now inside job:subscribe, waiting for the lock on its read.
    await waitFor(async () => {
      const waiting = await locker.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'jobs'::regclass");
      return waiting.rows[0].n > 0;
    }, 10000, 'the subscribe read to wait for the lock');
    await publisher.connect();
    await publisher.publish(JOB_EVENTS_CHANNEL, JSON.stringify({ ...created.body, status: 'succeeded', updatedAt: new Date().toISOString() }));
    await waitFor(() => events.length > 0, 5000, 'the job:status event');
    await locker.query('ROLLBACK');
    expect(await ack).toMatchObject({ ok: true, job: { id } });
    expect(events).toEqual([expect.objectContaining({ id, status: 'succeeded' })]);
  } finally {
    await locker.end();
    publisher.disconnect();
  }
});
