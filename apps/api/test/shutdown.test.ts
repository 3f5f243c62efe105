/**
 * SIGTERM on a real api process (`node dist/main.js`): unready, stops accepting connections,
 * finishes the in-flight request, closes Socket.IO transports (clients reconnect by themselves),
 * cuts a stalled body after the drain window, closes pools, exits 0. And a rollout: a plain
 * socket.io-client reconnects to the replacement and re-subscribes.
 */
import { request } from 'node:http';
import { io as connectSocket } from 'socket.io-client';
import { appEnv, builtEntry, freePort, httpJson, spawnNode, postgresDatabase, startOidcIssuer, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi } from '../src';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let issuer: OidcIssuer;
let token: string;

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  token = await issuer.token();
});
afterAll(async () => {
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

test('SIGTERM drains the in-flight request and sockets, then exits 0', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawnNode(builtEntry('api'), appEnv(pg, redis, { ...issuer.apiEnv(), LOG_LEVEL: 'info', PORT: String(port), SHUTDOWN_TIMEOUT_MS: '5000' }));
  await api.waitForLog((l) => l.message === 'api listening', 15000, 'api listening');
  await waitFor(async () => (await httpJson(`${url}/api/ready`)).status === 200, 15000, 'api ready');
  expect((await httpJson(`${url}/api/jobs/7d0e3b8e-8a4c-4c2e-9d38-0d7c4f0b9a11`)).status).toBe(401);

  const socket = connectSocket(url, { transports: ['websocket'], reconnection: false, auth: { token } });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const socketGone = new Promise<string>((r) => socket.once('disconnect', r));

  // An in-flight request: headers and half of the body sent before SIGTERM.
  const body = JSON.stringify({ type: 'sha256', input: 'in flight during shutdown' });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-correlation-id': 'drain-1', authorization: `Bearer ${token}` } }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    setTimeout(() => {
      api.kill('SIGTERM');
      // Finish the body only once the server no longer accepts new connections.
      waitFor(async () => {
        try {
          await httpJson(`${url}/api/health`, { timeoutMs: 300 });
          return false;
        } catch {
          return true;
        }
      }, 4000, 'listener closed', 20).then(() => req.end(body.slice(10)), reject);
    }, 200);
  });

  const t0 = Date.now();
  const res = await response;
  expect(res.status).toBe(202);
  expect(JSON.parse(res.body)).toMatchObject({ status: 'queued', type: 'sha256' });
  // A closed transport, not a server-side disconnect: clients with reconnection on retry.
  expect(await socketGone).toBe('transport close');
  const code = await api.exited;
  if (code !== 0) console.log(JSON.stringify(api.logs.slice(-3), null, 1));
  expect(code).toBe(0);
  expect(Date.now() - t0).toBeLessThan(5000);

  const messages = api.logs.map((l) => l.message);
  expect(messages).toEqual(expect.arrayContaining(['shutdown started', 'shutdown complete']));
  const accepted = api.logs.find((l) => l.message === 'job accepted');
  expect(accepted).toMatchObject({ correlationId: 'drain-1', service: 'api', level: 'info' });
  // No secret reaches the log.
  const text = JSON.stringify(api.logs);
  expect(text).not.toContain(pg.password);
  expect(text).not.toContain(redis.password);
});

test('a stalled request body does not hold shutdown: cut after the drain window, exit 0', async () => {
  const port = await freePort();
  const api = spawnNode(builtEntry('api'), appEnv(pg, redis, { ...issuer.apiEnv(), LOG_LEVEL: 'info', PORT: String(port), SHUTDOWN_TIMEOUT_MS: '4000', REQUEST_TIMEOUT_MS: '60000', HEADERS_TIMEOUT_MS: '5000' }));
  await api.waitForLog((l) => l.message === 'api listening', 15000, 'api listening');
  const ended = new Promise<string>((resolve) => {
    const req = request(`http://127.0.0.1:${port}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000, authorization: `Bearer ${token}` } }, (res) => resolve(`status ${res.statusCode}`));
    req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`));
    req.write('{"type":"sha'); // and never more
  });
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  api.kill('SIGTERM');
  expect(await api.exited).toBe(0);
  const elapsed = Date.now() - t0;
  expect(elapsed).toBeLessThan(3500); // drain window = SHUTDOWN_TIMEOUT_MS / 2 = 2 s, plus closing pools
  expect(await ended).toMatch(/^error (ECONNRESET|EPIPE)$|^status /);
  expect(api.logs.map((l) => l.message)).toContain('drain window over; closing the remaining connections');
});

test('rollout: a plain socket.io-client reconnects to the replacement by itself and re-subscribes', async () => {
  const port = await freePort();
  const env = appEnv(pg, redis, issuer.apiEnv());
  const first = await startApi({ env, port, host: '127.0.0.1' });
  await first.schemaReady;
  const created = await httpJson(`${first.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"type":"sha256","input":"rollout"}' });
  // Default client options: reconnection on, no transport pinning.
  const socket = connectSocket(`http://127.0.0.1:${port}`, { auth: { token } });
  let connects = 0;
  socket.on('connect', () => {
    connects++;
    socket.timeout(5000).emitWithAck('job:subscribe', { id: created.body.id }).catch(() => undefined);
  });
  try {
    await waitFor(() => connects === 1, 5000, 'first connect');
    const reason = new Promise<string>((r) => socket.once('disconnect', r));
    await first.close();
    // Never "io server disconnect" (which turns retries off): the polling transport sees an
    // error or a close, the websocket a close; either way the client retries.
    expect(await reason).toMatch(/^transport (close|error)$/);
    const second = await startApi({ env, port, host: '127.0.0.1' });
    try {
      const t0 = Date.now();
      await waitFor(() => connects === 2, 15000, 'reconnect to the new replica', 50);
      const ack = await socket.timeout(5000).emitWithAck('job:subscribe', { id: created.body.id });
      expect(ack).toMatchObject({ ok: true, job: { id: created.body.id } });
      expect(Date.now() - t0).toBeLessThan(10000);
    } finally {
      socket.disconnect();
      await second.close();
    }
    return;
  } finally {
    socket.disconnect();
  }
});

test('invalid configuration: exit code 2 with a message naming the variable and allowed values', async () => {
  const api = spawnNode(builtEntry('api'), { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'u', REDIS_HOST: 'cache', REDIS_TLS: 'maybe', PGPASSWORD: 'never-logged' });
  expect(await api.exited).toBe(2);
  expect(api.logs).toEqual([expect.objectContaining({ level: 'fatal', service: 'api', message: 'invalid configuration: REDIS_TLS: must be one of: true, false' })]);
});

test('auth cannot be switched off outside local mode: exit 2 naming AUTH_MODE', async () => {
  const api = spawnNode(builtEntry('api'), { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'u', REDIS_HOST: 'cache', AUTH_MODE: 'none', APP_ENVIRONMENT: 'prod' });
  expect(await api.exited).toBe(2);
  expect(api.logs).toEqual([expect.objectContaining({ level: 'fatal', message: 'invalid configuration: AUTH_MODE: "none" is accepted only with APP_ENVIRONMENT=local (got prod); allowed: entra' })]);
});
