/** The SPA's Socket.IO client (src/realtime.ts) against a real Socket.IO server speaking the contract. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { connectJobFeed, type ConnectionState, type JobFeed } from '../src/realtime';
import type { Job } from '../src/types';
import { waitFor } from '../../common/test-support';

const ID = '3f1c9a52-7d0e-4b8e-9c1a-2b6f0d4e8a11';
const job = (status: Job['status'], extra: Partial<Job> = {}): Job => ({
  id: ID,
  type: 'wordcount',
  input: 'a b',
  status,
  result: null,
  error: null,
  attempts: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

let http: HttpServer;
let io: Server;
let url: string;
let feed: JobFeed | undefined;
const subscribes: unknown[] = [];
let answer: (payload: { id?: string }) => unknown;
const transports: string[] = [];

beforeEach(async () => {
  subscribes.length = 0;
  transports.length = 0;
  answer = (p) => ({ ok: true, job: job('queued', { id: p.id ?? ID }) });
  http = createServer();
  io = new Server(http, { path: '/socket.io/' });
  io.on('connection', (socket) => {
    transports.push(socket.conn.transport.name);
    socket.on('job:subscribe', (payload: { id?: string }, ack: (r: unknown) => void) => {
      subscribes.push(payload);
      void socket.join(`job:${payload.id}`);
      ack(answer(payload));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  feed?.close();
  feed = undefined;
  io.close();
  await new Promise((resolve) => http.close(resolve));
});

function connect() {
  const statuses: Job[] = [];
  const states: ConnectionState[] = [];
  feed = connectJobFeed({ onStatus: (j) => statuses.push(j), onConnection: (s) => states.push(s) }, { url, reconnectionDelayMs: 50 });
  return { feed, statuses, states };
}

test('subscribe joins the job room, resolves with the ack job; job:status events reach the handler', async () => {
  const { feed, statuses, states } = connect();
  await expect(feed.subscribe(ID)).resolves.toEqual(job('queued'));
  // The trace context rides in the payload (browsers cannot set WebSocket headers).
  expect(subscribes).toEqual([{ id: ID, traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) }]);
  expect(transports).toEqual(['websocket']); // no long-polling: no sticky sessions needed
  expect(states).toEqual(['connecting', 'connected']);

  io.to(`job:${ID}`).emit('job:status', job('running', { updatedAt: '2026-01-01T00:00:01.000Z' }));
  io.to(`job:${ID}`).emit('job:status', { id: ID, status: 'succeeded' }); // malformed: dropped
  io.to(`job:${ID}`).emit('job:status', job('succeeded', { result: { words: 2 } }));
  await waitFor(() => statuses.length === 2, 2000, 'two status events');
  expect(statuses.map((j) => j.status)).toEqual(['running', 'succeeded']);
  expect(statuses[1].result).toEqual({ words: 2 });
});

test('a refused subscription rejects with the server message; an ack without a valid job rejects too', async () => {
  const { feed } = connect();
  answer = () => ({ ok: false, error: 'validation_failed', field: 'id', message: 'id must be a UUID' });
  await expect(feed.subscribe('nope')).rejects.toThrow('the api refused the subscription: id must be a UUID');
  answer = () => ({ ok: false, error: 'not_found' });
  await expect(feed.subscribe(ID)).rejects.toThrow('the api refused the subscription: not_found');
  answer = () => ({ ok: true, job: { id: ID } });
  await expect(feed.subscribe(ID)).rejects.toThrow('the subscription answer carried no valid job');
});

test('a lost connection is reported and re-established', async () => {
  const { feed, states } = connect();
  await feed.subscribe(ID);
  io.disconnectSockets(true);
  await waitFor(() => states.filter((s) => s === 'connected').length === 2, 5000, 'reconnect after a server disconnect');
  for (const socket of io.sockets.sockets.values()) socket.conn.close(); // transport lost
  await waitFor(() => states.filter((s) => s === 'connected').length === 3, 5000, 'reconnect after a transport loss');
  expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
  await expect(feed.subscribe(ID)).resolves.toMatchObject({ id: ID }); // usable again
});
