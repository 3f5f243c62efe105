/**
 * The api: HTTP (fastify) + Socket.IO on one port.
 *  - POST /api/jobs, GET /api/jobs/:id           the job feature (Postgres is the source of truth)
 *  - GET /api/health (liveness/startup), GET /api/ready (readiness), GET /metrics
 *  - Socket.IO `job:subscribe` → room `job:<id>`; status changes arrive on Redis pub/sub
 *    `jobs:events` (published by agents) and are relayed to the room as `job:status`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import {
  CORRELATION_HEADER,
  Counter,
  Gauge,
  JOB_EVENTS_CHANNEL,
  checkDependencies,
  closeRedis,
  createLogger,
  createMetrics,
  createPool,
  createRedis,
  enqueueJobs,
  errorMessage,
  getJob,
  insertJob,
  isUuid,
  loadApiConfig,
  markEnqueued,
  ensureSchema,
  resolveCorrelationId,
  startOutboxRelay,
  startTracing,
  sweepIdleConnections,
  validateJobRequest,
  withTimeout,
  type ApiConfig,
  type Env,
  type Job,
  type Logger,
  type Tracing,
} from '@aks-platform/common';
import { AuthError, authErrorBody, bearerToken, createAuthenticator, wwwAuthenticate, type Authenticator, type Caller } from './auth';
import { TokenBucket, createHttpLimiter, type LimitClass } from './limits';
import { clientErrorResponse, isAllowedOrigin } from './http';
import { registerQueueMetrics } from './queue-metrics';
import { registerRequestTracing, requestSpan } from './request-tracing';

export const SERVICE = 'api';
/** Paths logged at debug level: probes and scrapes would drown the log otherwise. */
const QUIET_ROUTES = new Set(['/api/health', '/api/ready', '/metrics']);
/** Routes that answer without a token: probes and the in-cluster scrape. */
const PUBLIC_ROUTES = new Set(['/api/health', '/api/ready', '/metrics']);
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
/** Methods that change nothing: the only ones a read-only (standby) api serves. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Retry-After of a write refused by a read-only api: the time a planned switchover takes from
 * the replica's promotion to Front Door preferring the promoted region (docs/runbooks.md).
 */
export const READ_ONLY_RETRY_AFTER_S = 60;

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

export interface StartApiOptions {
  /** Parsed config; defaults to loadApiConfig(env). */
  config?: ApiConfig;
  /** Environment to parse when `config` is absent (defaults to process.env). */
  env?: Env;
  /** Overrides config.port; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  logger?: Logger;
  /** Overrides the JWKS lookup (tests). */
  authenticator?: Authenticator;
  /** Tracing; default from the environment (exporter only when OTEL_EXPORTER_OTLP_ENDPOINT or APPLICATIONINSIGHTS_CONNECTION_STRING is set). */
  tracing?: Tracing;
}

export interface ApiHandle {
  app: FastifyInstance;
  io: SocketServer;
  port: number;
  url: string;
  logger: Logger;
  /** Resolves once migrations are applied (the api serves before that, unready). */
  schemaReady: Promise<boolean>;
  /**
   * Graceful stop: unready, stop accepting, close Socket.IO transports (standard clients
   * reconnect to another replica), drain requests (stalled ones are cut after `drainMs`), close pools.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
}

export async function startApi(opts: StartApiOptions = {}): Promise<ApiHandle> {
  const config = opts.config ?? loadApiConfig(opts.env ?? process.env);
  const logger = opts.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const tracing = opts.tracing ?? (await startTracing(SERVICE, opts.env ?? process.env));
  const metrics = createMetrics(SERVICE);
  const jobsSubmitted = new Counter({
    name: 'jobs_submitted_total',
    help: 'Jobs accepted (stored) by type',
    labelNames: ['type'] as const,
    registers: [metrics.registry],
  });
  const jobsRejected = new Counter({
    name: 'jobs_rejected_total',
    help: 'Job submissions not accepted, by reason',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
  });
  const enqueueDeferred = new Counter({
    name: 'jobs_enqueue_deferred_total',
    help: 'Accepted jobs whose immediate enqueue failed and were left to the outbox relay',
    registers: [metrics.registry],
  });
  const outboxRelayed = new Counter({
    name: 'jobs_outbox_relayed_total',
    help: 'Jobs (re-)enqueued by the outbox relay',
    registers: [metrics.registry],
  });
  const eventsRelayed = new Counter({
    name: 'job_events_relayed_total',
    help: 'Job status events relayed from Redis to Socket.IO rooms, by status',
    labelNames: ['status'] as const,
    registers: [metrics.registry],
  });
  const socketClients = new Gauge({
    name: 'socketio_connected_clients',
    help: 'Connected Socket.IO clients',
    registers: [metrics.registry],
  });

  const pool = createPool(config.pg, logger, { applicationName: SERVICE });
  const redis = createRedis(config.redis, logger, { name: `${SERVICE}-commands` });
  const subscriber = createRedis(config.redis, logger, { name: `${SERVICE}-events`, offlineQueue: true });
  registerQueueMetrics(metrics.registry, pool, redis, logger);

  const lifetime = new AbortController();
  let schemaOk = false;
  let shuttingDown = false;
  const schemaReady = ensureSchema(pool, logger, lifetime.signal, config.migrateOnStart).then((ok) => (schemaOk = ok));
  const authenticator = opts.authenticator ?? createAuthenticator(config.auth);
  if (config.auth.mode === 'none') logger.warn('AUTH_MODE=none (APP_ENVIRONMENT=local): every caller is the user "local"');

  const app = Fastify<HttpServer>({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    bodyLimit: 64 * 1024,
    requestIdHeader: false,
    genReqId: (req) => resolveCorrelationId(req.headers[CORRELATION_HEADER]),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A hop count is accepted at run time (fastify docs: Server#trustproxy); the types omit it.
    trustProxy: config.trustProxy as boolean | string[],
    // Node's own limits: a request (headers + body) must arrive within requestTimeout (408),
    // headers within headersTimeout; idle keep-alive sockets close after keepAliveTimeout.
    // Checked every second (Node's default interval is 30 s).
    serverFactory: (handler: RequestListener) => {
      const server = createServer(
        {
          requestTimeout: config.requestTimeoutMs,
          headersTimeout: config.headersTimeoutMs,
          keepAliveTimeout: config.keepAliveTimeoutMs,
          connectionsCheckingInterval: 1000,
        },
        handler,
      );
      return server;
    },
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Errors of Node's HTTP parser (bad method, missing Host, oversized headers, conflicting
    // lengths, timeouts) get a raw response that still carries a correlation id.
    // Router rejections (malformed URL encoding, a path parameter over maxParamLength) answer
    // before any hook runs: give them the correlation id and a JSON error too.
    frameworkErrors: (err, req, reply) => {
      const status: number = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
      void (reply as unknown as FastifyReply)
        .code(status)
        .header(CORRELATION_HEADER, req.id)
        .send(status === 414 ? { error: 'uri_too_long', message: 'a path parameter is too long' } : { error: 'bad_request', message: 'the URL is not valid' });
    },
    clientErrorHandler: (err, socket) => {
      const { head, correlationId } = clientErrorResponse(err);
      if (head) logger.info({ correlationId, code: (err as NodeJS.ErrnoException).code }, 'request rejected by the HTTP parser');
      if (head && socket.writable) socket.end(head);
      else socket.destroy();
    },
  });
  await app.register(helmet, {
    // A JSON api: nothing may be framed, scripted or embedded.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, { origin: config.corsOrigins, exposedHeaders: [CORRELATION_HEADER, 'retry-after', 'location'], allowedHeaders: ['authorization', 'content-type', CORRELATION_HEADER, 'idempotency-key'] });
  }
  // Shared counters in Redis; a Redis outage turns the limits off instead of failing requests.
  await app.register(rateLimit, { global: false, redis, skipOnError: true, nameSpace: 'ratelimit:' });
  const limiter = createHttpLimiter(app, config.rateLimit);

  registerRequestTracing(app, tracing);

  // JSON only: any other body type is answered 415.
  app.removeContentTypeParser('text/plain');

  const readOnlyBody = { error: 'read_only', message: 'this region is the standby and accepts no writes until it is promoted; retry later' };
  const tooMany = (reply: FastifyReply, retryAfterS: number, limit: number) =>
    reply
      .code(429)
      .header('retry-after', String(retryAfterS))
      .header('ratelimit-limit', String(limit))
      .send({ error: 'rate_limited', message: `too many requests; retry in ${retryAfterS} s` });

  app.addHook('onRequest', async (req, reply) => {
    reply.header(CORRELATION_HEADER, req.id);
    const route = req.routeOptions.url;
    if (req.method === 'OPTIONS' || (route !== undefined && PUBLIC_ROUTES.has(route))) return;
    // Everything else needs a token: limit the caller's address first (token guessing),
    // then check the token, then limit the user.
    const cls: LimitClass = req.method === 'POST' && route === '/api/jobs' ? 'submit' : 'read';
    const ip = await limiter.byIp(cls, req);
    if (ip.limited) return tooMany(reply, ip.retryAfterS, ip.limit);
    try {
      req.caller = await authenticator.verify(bearerToken(req.headers.authorization));
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      const f = err.failure;
      req.log.info({ code: f.code, reason: f.reason }, 'request not authenticated');
      const challenge = wwwAuthenticate(f, config.auth.requiredScope);
      if (challenge) reply.header('www-authenticate', challenge);
      if (f.status === 503) reply.header('retry-after', '5');
      return reply.code(f.status).send(authErrorBody(f));
    }
    const user = await limiter.byUser(cls, req, req.caller.oid);
    if (user.limited) return tooMany(reply, user.retryAfterS, user.limit);
    // A standby region's api (READ_ONLY=true) refuses every write on a known route: its database
    // is a read replica until promotion. Unknown routes still answer 404.
    if (config.readOnly && route !== undefined && !SAFE_METHODS.has(req.method)) {
      if (route === '/api/jobs') jobsRejected.inc({ reason: 'read_only' });
      return reply.code(503).header('retry-after', String(READ_ONLY_RETRY_AFTER_S)).send(readOnlyBody);
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const line = { method: req.method, route: route ?? null, url: req.url, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 };
    if (route && QUIET_ROUTES.has(route)) req.log.debug(line, 'request completed');
    else req.log.info(line, 'request completed');
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).header(CORRELATION_HEADER, req.id).send({ error: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0]}` });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    reply.header(CORRELATION_HEADER, req.id);
    const status = err.statusCode ?? 500;
    if (status === 408) {
      return reply.code(408).send({ error: 'request_timeout', message: 'the request was not received in time' });
    }
    if (status === 413) {
      return reply.code(413).send({ error: 'payload_too_large', message: 'request body must be at most 65536 bytes' });
    }
    if (status === 415) {
      return reply.code(415).send({ error: 'unsupported_media_type', message: 'send the body as application/json' });
    }
    if (status >= 400 && status < 500) {
      // The body parser's messages name no internals ("Unexpected end of JSON input", ...).
      return reply.code(status).send({ error: 'bad_request', message: err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'body must not be empty' : 'the request body is not valid JSON' });
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
  });

  const unavailable = { error: 'unavailable', message: 'job store unavailable; retry later' };

  app.get('/api/health', async () => ({ status: 'ok' }));

  // Readiness = what this pod can serve: it accepts and reads jobs whenever Postgres answers and
  // the schema is current. A Redis outage keeps it ready (jobs are accepted through the outbox;
  // live events pause). Callers get only ok/fail; the details go to the log.
  let lastReadyLog = 0;
  app.get('/api/ready', async (req, reply) => {
    if (shuttingDown) return reply.code(503).send({ status: 'fail' });
    const deps = await checkDependencies(pool, redis, 1000);
    const ok = deps.checks.postgres === 'ok' && schemaOk;
    if (!deps.ok || !ok) {
      const now = Date.now();
      if (now - lastReadyLog > 5000 || !ok) {
        lastReadyLog = now;
        req.log.warn({ ready: ok, checks: { ...deps.checks, schema: schemaOk ? 'ok' : 'pending' } }, ok ? 'ready with a degraded dependency' : 'not ready');
      }
    }
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'fail' });
  });

  app.get('/metrics', async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post('/api/jobs', async (req, reply) => {
    const caller = req.caller as Caller;
    const v = validateJobRequest(req.body, { sleepMaxMs: config.sleepMaxMs });
    if (!v.ok) {
      jobsRejected.inc({ reason: 'validation' });
      return reply.code(400).send({ error: 'validation_failed', field: v.field, message: v.message });
    }
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      jobsRejected.inc({ reason: 'validation' });
      return reply.code(400).send({ error: 'validation_failed', field: 'Idempotency-Key', message: 'must be 1..128 visible ASCII characters (no spaces or control characters)' });
    }
    const id = randomUUID();
    let job: Job;
    try {
      const r = await insertJob(pool, id, v.value, { owner: caller.oid, idempotencyKey });
      job = r.job;
      if (!r.created) {
        // A retry of an accepted submission: the same job, never a second one.
        if (r.request.type !== v.value.type || r.request.input !== v.value.input) {
          return reply.code(422).send({ error: 'idempotency_key_reused', field: 'Idempotency-Key', message: 'this key was used for a different request' });
        }
        req.log.info({ jobId: job.id }, 'idempotent retry: returning the existing job');
        return reply
          .code(202)
          .header('location', `/api/jobs/${job.id}`)
          .header('idempotent-replayed', 'true')
          .send({ id: job.id, type: job.type, status: job.status, createdAt: job.createdAt });
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '22P05' || code === '22021') {
        // Postgres cannot store the text (e.g. an encoding it refuses): the input is at fault.
        jobsRejected.inc({ reason: 'validation' });
        return reply.code(400).send({ error: 'validation_failed', field: 'input', message: 'contains characters that cannot be stored' });
      }
      // Not stored means not accepted: the client must retry (503), nothing is half-done.
      jobsRejected.inc({ reason: 'store_unavailable' });
      req.log.warn({ err: { message: errorMessage(err) } }, 'job not accepted: postgres unavailable');
      return reply.code(503).header('retry-after', '2').send(unavailable);
    }
    jobsSubmitted.inc({ type: job.type });
    try {
      await withTimeout(enqueueJobs(redis, [id], { traceparent: requestSpan(req)?.traceparent }), 1000, 'enqueue');
      await markEnqueued(pool, [id]);
    } catch (err) {
      // Accepted and stored: the outbox relay enqueues it once Redis is back.
      enqueueDeferred.inc();
      req.log.warn({ jobId: id, err: { message: errorMessage(err) } }, 'enqueue deferred to outbox relay');
    }
    req.log.info({ jobId: id, type: job.type }, 'job accepted');
    return reply
      .code(202)
      .header('location', `/api/jobs/${id}`)
      .send({ id: job.id, type: job.type, status: job.status, createdAt: job.createdAt });
  });

  app.get<{ Params: { id: string } }>('/api/jobs/:id', async (req, reply) => {
    if (!isUuid(req.params.id)) {
      return reply.code(400).send({ error: 'validation_failed', field: 'id', message: 'must be a UUID' });
    }
    try {
      // Someone else's job is answered exactly like a job that does not exist.
      const job = await getJob(pool, req.params.id, (req.caller as Caller).oid);
      if (!job) return reply.code(404).send({ error: 'not_found', message: `no job ${req.params.id}` });
      return job;
    } catch (err) {
      req.log.warn({ err: { message: errorMessage(err) } }, 'job lookup failed: postgres unavailable');
      return reply.code(503).header('retry-after', '2').send(unavailable);
    }
  });

  const io = new SocketServer(app.server, {
    serveClient: false,
    maxHttpBufferSize: config.socket.maxMessageBytes,
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins } : undefined,
    // Cross-site WebSocket hijacking: a browser handshake from any other origin is refused.
    allowRequest: (req: IncomingMessage, callback) => {
      const ok = isAllowedOrigin(req.headers.origin, req.headers.host, config.corsOrigins);
      if (!ok) logger.info({ origin: req.headers.origin }, 'socket.io handshake refused: origin not allowed');
      callback(ok ? null : 'origin not allowed', ok);
    },
  });
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token = typeof auth?.token === 'string' ? auth.token : bearerToken(socket.handshake.headers.authorization);
    authenticator.verify(token).then(
      (caller) => {
        socket.data.caller = caller;
        next();
      },
      (err) => {
        const failure = err instanceof AuthError ? err.failure : undefined;
        logger.info({ code: failure?.code, reason: failure?.reason ?? errorMessage(err) }, 'socket.io handshake not authenticated');
        const e = new Error(failure?.status === 403 ? 'forbidden' : failure?.status === 503 ? 'unavailable' : 'unauthorized') as Error & { data?: unknown };
        e.data = { status: failure?.status ?? 401, ...authErrorBody(failure ?? { status: 401, code: 'invalid_token', reason: '' }) };
        next(e);
      },
    );
  });
  io.on('connection', (socket) => {
    socketClients.inc();
    const caller = socket.data.caller as Caller;
    const log = logger.child({ correlationId: resolveCorrelationId(socket.handshake.headers[CORRELATION_HEADER]), socketId: socket.id });
    const subscriptions = new Set<string>();
    const bucket = new TokenBucket(config.socket.subscribesPerSecond);
    socket.on('disconnect', () => socketClients.dec());
    socket.on('job:subscribe', async (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      if (Date.now() > caller.expiresAt) {
        return reply({ ok: false, error: 'unauthorized', message: 'the access token expired; reconnect with a new one' });
      }
      const waitMs = bucket.take();
      if (waitMs > 0) return reply({ ok: false, error: 'rate_limited', message: 'too many subscribe calls', retryAfterMs: waitMs });
      const id = (payload as { id?: unknown } | null)?.id;
      if (!isUuid(id)) return reply({ ok: false, error: 'validation_failed', field: 'id', message: 'must be a UUID' });
      const room = `job:${id}`;
      if (!subscriptions.has(id) && subscriptions.size >= config.socket.maxSubscriptions) {
        return reply({ ok: false, error: 'too_many_subscriptions', message: `at most ${config.socket.maxSubscriptions} subscriptions per connection; unsubscribe finished jobs` });
      }
      // The SPA sends its trace context with the subscription (browsers cannot set WebSocket headers).
      const span = tracing.startSpan('job:subscribe', { traceparent: (payload as { traceparent?: string }).traceparent, kind: 'server', attributes: { 'job.id': id } });
      const jobLog = log.child({ jobId: id, ...span.logFields });
      // Join the room before reading the job: an event published after the join
      // reaches the client, and the read reflects every event before it. Reading
      // first would lose a status change that lands between the read and the join.
      try {
        subscriptions.add(id);
        await socket.join(room);
        const job = await getJob(pool, id, caller.oid);
        if (!job) {
          subscriptions.delete(id);
          await socket.leave(room);
          return reply({ ok: false, error: 'not_found', message: `no job ${id}` });
        }
        jobLog.debug('socket subscribed to job');
        return reply({ ok: true, job });
      } catch (err) {
        subscriptions.delete(id);
        await socket.leave(room);
        jobLog.warn({ err: { message: errorMessage(err) } }, 'job:subscribe failed');
        span.setError(errorMessage(err));
        return reply({ ok: false, ...unavailable });
      } finally {
        span.end();
      }
    });
    socket.on('job:unsubscribe', async (payload: unknown) => {
      const id = (payload as { id?: unknown } | null)?.id;
      if (isUuid(id)) {
        subscriptions.delete(id);
        await socket.leave(`job:${id}`);
      }
    });
  });

  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== JOB_EVENTS_CHANNEL) return;
    try {
      const job = JSON.parse(message) as Job;
      if (!isUuid(job.id)) return;
      io.to(`job:${job.id}`).emit('job:status', job);
      eventsRelayed.inc({ status: String(job.status) });
    } catch (err) {
      logger.warn({ err: { message: errorMessage(err) } }, 'ignoring malformed job event');
    }
  });
  subscriber.subscribe(JOB_EVENTS_CHANNEL).catch((err: Error) => logger.error({ err: { message: err.message } }, 'subscribe failed'));

  // The outbox relay writes (enqueued_at): a read-only api runs none. Once promoted (READ_ONLY
  // off), this region's relay finds no queue epoch in its own Redis (an empty standby cache) and
  // re-enqueues every unfinished job on its first pass.
  const relay = config.readOnly
    ? { stop: async () => undefined }
    : startOutboxRelay(pool, redis, logger, {
        intervalMs: config.outboxIntervalMs,
        requeueAfterMs: config.jobRequeueAfterMs,
        onRelayed: (n) => outboxRelayed.inc(n),
      });
  if (config.readOnly) logger.warn({ retryAfterS: READ_ONLY_RETRY_AFTER_S }, 'READ_ONLY=true (standby region): writes are refused with 503 until promotion; no outbox relay');

  await app.listen({ port: opts.port ?? config.port, host: opts.host ?? '0.0.0.0' });
  const port = (app.server.address() as AddressInfo).port;
  logger.info({ port }, 'api listening');

  let closing: Promise<void> | undefined;
  const close = (closeOpts: { drainMs?: number } = {}) =>
    (closing ??= (async () => {
      shuttingDown = true;
      lifetime.abort();
      await relay.stop();
      // Close the Socket.IO transports, not the sessions: a server-side disconnect() tells
      // clients not to retry, a closed transport makes every standard client reconnect
      // (to another replica once this pod left the Service).
      io.engine.close();
      // Keep-alive connections whose request finishes during the drain become idle after
      // close() began; close them as they go idle so the drain ends with the last response.
      const stopSweep = sweepIdleConnections(app.server);
      // A request that is still not complete after the drain window (a stalled body) is cut.
      const drainMs = closeOpts.drainMs ?? Math.min(10000, Math.floor(config.shutdownTimeoutMs / 2));
      const cut = setTimeout(() => {
        logger.warn({ drainMs }, 'drain window over; closing the remaining connections');
        app.server.closeAllConnections();
      }, drainMs);
      await app.close().finally(() => {
        stopSweep();
        clearTimeout(cut);
      });
      logger.info('http server closed; in-flight requests drained');
      await Promise.all([closeRedis(subscriber), closeRedis(redis)]);
      await pool.end();
      logger.info('redis and postgres connections closed');
      await tracing.shutdown();
    })());

  return { app, io, port, url: `http://127.0.0.1:${port}`, logger, schemaReady, close };
}
