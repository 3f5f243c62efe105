import { io, type Socket } from 'socket.io-client';
import { newTraceparent } from './traceparent';
import { isJob, type Job } from './types';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface JobFeedHandlers {
  /** Access token for the handshake (sent as `auth.token` on every connect and reconnect). */
  getToken?: () => Promise<string>;
  onStatus(job: Job): void;
  onConnection(state: ConnectionState): void;
}

export interface JobFeed {
  /** Joins the job's room; resolves with the job's current state from the ack. */
  subscribe(id: string): Promise<Job>;
  close(): void;
}

const ACK_TIMEOUT_MS = 8_000;

/**
 * Live job updates over Socket.IO at the same origin (nginx proxies
 * `/socket.io/` to the api). WebSocket-only transport: it needs no sticky
 * sessions when several api replicas sit behind the Service.
 */
export function connectJobFeed(handlers: JobFeedHandlers, options: { url?: string; reconnectionDelayMs?: number } = {}): JobFeed {
  const settings = {
    path: '/socket.io/',
    transports: ['websocket'],
    reconnectionDelay: options.reconnectionDelayMs ?? 1_000,
    reconnectionDelayMax: 10_000,
    // Called on every (re)connect, so a reconnect after a rollout presents a fresh token.
    ...(handlers.getToken
      ? {
          auth: (send: (data: object) => void) => {
            handlers.getToken!().then(
              (token) => send({ token }),
              () => send({}), // the api refuses the handshake; Socket.IO retries with backoff
            );
          },
        }
      : {}),
  };
  // No url: the page's own origin (nginx or the Vite dev server proxies /socket.io/).
  const socket: Socket = options.url === undefined ? io(settings) : io(options.url, settings);

  handlers.onConnection('connecting');
  socket.on('connect', () => handlers.onConnection('connected'));
  let closed = false;
  socket.on('disconnect', (reason) => {
    handlers.onConnection('reconnecting');
    // Socket.IO reconnects by itself after transport losses, but not when the server ended the
    // session (an api pod draining on SIGTERM): connect again, to whichever replica answers.
    if (reason === 'io server disconnect') {
      setTimeout(() => {
        if (!closed) socket.connect();
      }, settings.reconnectionDelay);
    }
  });
  socket.on('connect_error', () => handlers.onConnection('reconnecting'));
  socket.on('job:status', (payload: unknown) => {
    if (isJob(payload)) handlers.onStatus(payload);
  });

  return {
    async subscribe(id) {
      // Browsers cannot set WebSocket headers: the trace context rides in the payload.
      const ack: unknown = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('job:subscribe', { id, traceparent: newTraceparent() });
      if (typeof ack === 'object' && ack !== null && (ack as { ok?: unknown }).ok === true) {
        const job = (ack as { job?: unknown }).job;
        if (isJob(job)) return job;
        throw new Error('the subscription answer carried no valid job');
      }
      const reason = typeof ack === 'object' && ack !== null ? (ack as { error?: unknown; message?: unknown }) : {};
      const detail = typeof reason.message === 'string' ? reason.message : typeof reason.error === 'string' ? reason.error : 'refused';
      throw new Error(`the api refused the subscription: ${detail}`);
    },
    close() {
      closed = true;
      socket.removeAllListeners();
      socket.close();
    },
  };
}
