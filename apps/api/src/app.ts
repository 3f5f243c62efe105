/**
 * The api: HTTP (fastify) + Socket.IO on one port.
 *  - POST /api/jobs, GET /api/jobs/:id           the job feature (Postgres is the source of truth)
 *  - GET /api/health (liveness/startup), GET /api/ready (readiness), GET /metrics
 *  - Socket.IO `job:subscribe` → room `job:<id>`; status changes arrive on Redis pub/sub
 *    `jobs:events` (published by agents) and are relayed to the room as `job:status`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
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
  migrateWithRetry,
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
import { registerQueueMetrics } from './queue-metrics';
import { registerRequestTracing, requestSpan } from './request-tracing';

export const SERVICE = 'api';
/** Paths logged at debug level: probes and scrapes would drown the log otherwise. */
const QUIET_ROUTES = new Set(['/api/health', '/api/ready', '/metrics']);

export interface StartApiOptions {
  /** Parsed config; defaults to loadApiConfig(env). */
  config?: ApiConfig;
  /** Environment to parse when `config` is absent (defaults to process.env). */
  env?: Env;
  /** Overrides config.port; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  logger?: Logger;
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
  /** Graceful stop: unready, stop accepting, drain requests and sockets, close pools. */
  close(): Promise<void>;
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
  const schemaReady = migrateWithRetry(pool, logger, lifetime.signal).then((ok) => (schemaOk = ok));

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    bodyLimit: 64 * 1024,
    requestIdHeader: false,
    genReqId: (req) => resolveCorrelationId(req.headers[CORRELATION_HEADER]),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  if (config.corsOrigin) {
    await app.register(cors, { origin: config.corsOrigin, exposedHeaders: [CORRELATION_HEADER] });
  }

  registerRequestTracing(app, tracing);

  // JSON only: any other body type is answered 415.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (req, reply) => {
    reply.header(CORRELATION_HEADER, req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const line = { method: req.method, route: route ?? null, url: req.url, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10 };
    if (route && QUIET_ROUTES.has(route)) req.log.debug(line, 'request completed');
    else req.log.info(line, 'request completed');
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0]}` });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send({ error: 'payload_too_large', message: 'request body must be at most 65536 bytes' });
    }
    if (status === 415) {
      return reply.code(415).send({ error: 'unsupported_media_type', message: 'send the body as application/json' });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'bad_request', message: err.message });
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
  });

  const unavailable = { error: 'unavailable', message: 'job store unavailable; retry later' };

  app.get('/api/health', async () => ({ status: 'ok' }));

  app.get('/api/ready', async (_req, reply) => {
    if (shuttingDown) return reply.code(503).send({ status: 'shutting_down' });
    const deps = await checkDependencies(pool, redis, 1000);
    const ok = deps.ok && schemaOk;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unready', checks: { ...deps.checks, schema: schemaOk ? 'ok' : 'pending' } });
  });

  app.get('/metrics', async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post('/api/jobs', async (req, reply) => {
    const v = validateJobRequest(req.body);
    if (!v.ok) {
      jobsRejected.inc({ reason: 'validation' });
      return reply.code(400).send({ error: 'validation_failed', field: v.field, message: v.message });
    }
    const id = randomUUID();
    let job: Job;
    try {
      job = await insertJob(pool, id, v.value);
    } catch (err) {
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
      const job = await getJob(pool, req.params.id);
      if (!job) return reply.code(404).send({ error: 'not_found', message: `no job ${req.params.id}` });
      return job;
    } catch (err) {
      req.log.warn({ err: { message: errorMessage(err) } }, 'job lookup failed: postgres unavailable');
      return reply.code(503).header('retry-after', '2').send(unavailable);
    }
  });

  const io = new SocketServer(app.server, {
    serveClient: false,
    cors: config.corsOrigin ? { origin: config.corsOrigin } : undefined,
  });
  io.on('connection', (socket) => {
    socketClients.inc();
    const log = logger.child({ correlationId: resolveCorrelationId(socket.handshake.headers[CORRELATION_HEADER]), socketId: socket.id });
    socket.on('disconnect', () => socketClients.dec());
    socket.on('job:subscribe', async (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => undefined;
      const id = (payload as { id?: unknown } | null)?.id;
      if (!isUuid(id)) return reply({ ok: false, error: 'validation_failed', field: 'id', message: 'must be a UUID' });
      // The SPA sends its trace context with the subscription (browsers cannot set WebSocket headers).
      const span = tracing.startSpan('job:subscribe', { traceparent: (payload as { traceparent?: string }).traceparent, kind: 'server', attributes: { 'job.id': id } });
      const jobLog = log.child({ jobId: id, ...span.logFields });
      // Join the room before reading the job: an event published after the join
      // reaches the client, and the read reflects every event before it. Reading
      // first would lose a status change that lands between the read and the join.
      const room = `job:${id}`;
      try {
        await socket.join(room);
        const job = await getJob(pool, id);
        if (!job) {
          await socket.leave(room);
          return reply({ ok: false, error: 'not_found', message: `no job ${id}` });
        }
        jobLog.debug('socket subscribed to job');
        return reply({ ok: true, job });
      } catch (err) {
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
      if (isUuid(id)) await socket.leave(`job:${id}`);
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

  const relay = startOutboxRelay(pool, redis, logger, {
    intervalMs: config.outboxIntervalMs,
    requeueAfterMs: config.jobRequeueAfterMs,
    onRelayed: (n) => outboxRelayed.inc(n),
  });

  await app.listen({ port: opts.port ?? config.port, host: opts.host ?? '0.0.0.0' });
  const port = (app.server.address() as AddressInfo).port;
  logger.info({ port }, 'api listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      lifetime.abort();
      await relay.stop();
      // Tell Socket.IO clients to go (they reconnect to another replica), then drain HTTP.
      io.disconnectSockets(true);
      io.engine.close();
      // Keep-alive connections whose request finishes during the drain become idle after
      // close() began; close them as they go idle so the drain ends with the last response.
      const stopSweep = sweepIdleConnections(app.server);
      await app.close().finally(stopSweep);
      logger.info('http server closed; in-flight requests drained');
      await Promise.all([closeRedis(subscriber), closeRedis(redis)]);
      await pool.end();
      logger.info('redis and postgres connections closed');
      await tracing.shutdown();
    })());

  return { app, io, port, url: `http://127.0.0.1:${port}`, logger, schemaReady, close };
}
