/**
 * SIGTERM on a real api process (`node dist/main.js`): unready, stops accepting connections,
 * finishes the in-flight request, disconnects Socket.IO clients, closes pools, exits 0.
 */
import { request } from 'node:http';
import { io as connectSocket } from 'socket.io-client';
import { appEnv, builtEntry, freePort, httpJson, spawnNode, postgresDatabase, startRedis, waitFor, type PostgresServer, type RedisServer } from '../../common/test-support';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;

beforeAll(async () => {
  [pg, redis] = await Promise.all([postgresDatabase(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

test('SIGTERM drains the in-flight request and sockets, then exits 0', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawnNode(builtEntry('api'), appEnv(pg, redis, { LOG_LEVEL: 'info', PORT: String(port), SHUTDOWN_TIMEOUT_MS: '5000' }));
  await api.waitForLog((l) => l.message === 'api listening', 15000, 'api listening');
  await waitFor(async () => (await httpJson(`${url}/api/ready`)).status === 200, 15000, 'api ready');

  const socket = connectSocket(url, { transports: ['websocket'], reconnection: false });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const socketGone = new Promise<string>((r) => socket.once('disconnect', r));

  // An in-flight request: headers and half of the body sent before SIGTERM.
  const body = JSON.stringify({ type: 'sha256', input: 'in flight during shutdown' });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-correlation-id': 'drain-1' } }, (res) => {
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
  expect(await socketGone).toBe('io server disconnect');
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

test('invalid configuration: exit code 2 with a message naming the variable and allowed values', async () => {
  const api = spawnNode(builtEntry('api'), { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'u', REDIS_HOST: 'cache', REDIS_TLS: 'maybe', PGPASSWORD: 'never-logged' });
  expect(await api.exited).toBe(2);
  expect(api.logs).toEqual([expect.objectContaining({ level: 'fatal', service: 'api', message: 'invalid configuration: REDIS_TLS: must be one of: true, false' })]);
});
