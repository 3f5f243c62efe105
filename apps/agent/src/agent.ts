/**
 * The agent: warm-up, then the Redis Streams worker; a small HTTP server on PORT serves
 * GET /health (liveness/startup), GET /ready (readiness: warm and dependencies reachable)
 * and GET /metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CORRELATION_HEADER,
  Counter,
  Gauge,
  Histogram,
  checkDependencies,
  closeHttpServer,
  closeRedis,
  createLogger,
  createMetrics,
  createPool,
  createRedis,
  ensureConsumerGroup,
  errorMessage,
  loadAgentConfig,
  deleteFinishedJobs,
  ensureSchema,
  resolveCorrelationId,
  sleep,
  startTracing,
  type AgentConfig,
  type Env,
  type Logger,
  type Tracing,
} from '@aks-platform/common';
import { executeJob } from './execute';
import { Worker } from './worker';

export const SERVICE = 'agent';

export interface StartAgentOptions {
  config?: AgentConfig;
  env?: Env;
  /** Overrides config.port; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  logger?: Logger;
  /** Tracing; default from the environment (exporter only when OTEL_EXPORTER_OTLP_ENDPOINT or APPLICATIONINSIGHTS_CONNECTION_STRING is set). */
  tracing?: Tracing;
}

export interface AgentHandle {
  port: number;
  url: string;
  logger: Logger;
  worker: Worker;
  /** Resolves true once warm-up finished and the worker runs (false if closed first). */
  warm: Promise<boolean>;
  isWarm(): boolean;
  close(): Promise<void>;
}

export async function startAgent(opts: StartAgentOptions = {}): Promise<AgentHandle> {
  const config = opts.config ?? loadAgentConfig(opts.env ?? process.env);
  const logger = opts.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const tracing = opts.tracing ?? (await startTracing(SERVICE, opts.env ?? process.env));
  const metrics = createMetrics(SERVICE);
  const workerMetrics = {
    processed: new Counter({
      name: 'jobs_processed_total',
      help: 'Job deliveries handled, by type and outcome (succeeded, failed, duplicate, handed_back, retry)',
      labelNames: ['type', 'outcome'] as const,
      registers: [metrics.registry],
    }),
    duration: new Histogram({
      name: 'job_processing_seconds',
      help: 'Job execution time by type',
      labelNames: ['type'] as const,
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 30, 60],
      registers: [metrics.registry],
    }),
    reclaimed: new Counter({ name: 'jobs_reclaimed_total', help: 'Stream entries taken over from idle consumers (XAUTOCLAIM)', registers: [metrics.registry] }),
    inFlight: new Gauge({ name: 'jobs_in_flight', help: 'Jobs being processed now', registers: [metrics.registry] }),
  };

  const pool = createPool(config.pg, logger, { applicationName: SERVICE, max: config.concurrency + 2 });
  const redis = createRedis(config.redis, logger, { name: `${SERVICE}-commands` });
  const reader = createRedis(config.redis, logger, { name: `${SERVICE}-reader` });
  const worker = new Worker({
    pool,
    redis,
    reader,
    logger,
    metrics: workerMetrics,
    concurrency: config.concurrency,
    visibilityTimeoutMs: config.visibilityTimeoutMs,
    maxAttempts: config.maxAttempts,
    tracing,
  });

  const lifetime = new AbortController();
  let warmDone = false;
  let stopping = false;
  let retention: Promise<void> = Promise.resolve();
  const retentionDeleted = new Counter({ name: 'jobs_retention_deleted_total', help: 'Finished jobs deleted by the retention job', registers: [metrics.registry] });

  /**
   * Retention: every RETENTION_INTERVAL_MS (and once after warm-up) delete finished jobs older
   * than JOB_RETENTION_DAYS in batches of RETENTION_BATCH rows, each batch its own short
   * statement that skips locked rows. Every agent runs it; SKIP LOCKED keeps them apart.
   */
  const runRetention = async () => {
    while (!lifetime.signal.aborted) {
      try {
        const n = await deleteFinishedJobs(pool, { olderThanDays: config.retentionDays, batchSize: config.retentionBatch, pauseMs: 50, signal: lifetime.signal });
        if (n > 0) {
          retentionDeleted.inc(n);
          logger.info({ deleted: n, olderThanDays: config.retentionDays }, 'retention: deleted finished jobs');
        }
      } catch (err) {
        logger.warn({ err: { message: errorMessage(err) } }, 'retention pass failed; retrying next interval');
      }
      await sleep(config.retentionIntervalMs, lifetime.signal).catch(() => undefined);
    }
  };

  /** Warm-up: schema migrated, consumer group present, executors primed. Retries until done. */
  const warm = (async () => {
    if (!(await ensureSchema(pool, logger, lifetime.signal, config.migrateOnStart))) return false;
    if (config.readOnly) {
      // Standby region: its database is a read replica until promotion. Consuming would take
      // entries it can never complete (and, with a geo-replicated cache, from the primary's
      // agents), and retention would delete: it does neither. Promotion restarts it without READ_ONLY.
      warmDone = true;
      logger.warn('READ_ONLY=true (standby region): not consuming the queue and not running retention until promotion');
      return true;
    }
    while (!lifetime.signal.aborted) {
      try {
        await ensureConsumerGroup(redis);
        break;
      } catch (err) {
        logger.debug({ err: { message: errorMessage(err) } }, 'redis not ready for warm-up; retrying');
        await sleep(1000, lifetime.signal).catch(() => undefined);
      }
    }
    if (lifetime.signal.aborted) return false;
    // Prime the executors (JIT, crypto) so the first real job is not the slow one.
    await executeJob('sha256', 'warm-up', lifetime.signal);
    await executeJob('wordcount', 'warm up', lifetime.signal);
    worker.start();
    retention = runRetention();
    warmDone = true;
    logger.info('warm-up complete; ready');
    return true;
  })();

  const server: Server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const correlationId = resolveCorrelationId(req.headers[CORRELATION_HEADER]);
    res.setHeader(CORRELATION_HEADER, correlationId);
    const send = (status: number, body: unknown, route: string | undefined, type = 'application/json; charset=utf-8') => {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
      metrics.observe(req.method ?? 'GET', route, status, Number(process.hrtime.bigint() - started) / 1e9);
      logger.debug({ correlationId, method: req.method, url: path, statusCode: status }, 'request completed');
    };
    const handle = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method_not_allowed' }, undefined);
      switch (path) {
        case '/health':
          return send(200, { status: 'ok' }, '/health');
        case '/ready': {
          if (stopping) return send(503, { status: 'shutting_down' }, '/ready');
          const deps = await checkDependencies(pool, redis, 1000);
          const ok = deps.ok && warmDone;
          return send(
            ok ? 200 : 503,
            { status: ok ? 'ready' : 'unready', checks: { ...deps.checks, warm: warmDone ? 'ok' : 'pending' }, ...(config.readOnly ? { readOnly: true } : {}) },
            '/ready',
          );
        }
        case '/metrics':
          return send(200, await metrics.registry.metrics(), '/metrics', metrics.registry.contentType);
        default:
          return send(404, { error: 'not_found' }, undefined);
      }
    };
    handle().catch((err) => {
      logger.error({ correlationId, err: { message: errorMessage(err) } }, 'request failed');
      if (!res.headersSent) send(500, { error: 'internal_error' }, undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? config.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, consumer: worker.consumer }, 'agent listening; warming up');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      lifetime.abort();
      await warm;
      await retention;
      // Leave a margin of the shutdown budget for hand-back and closing connections.
      await worker.stop(Math.max(config.shutdownTimeoutMs - 3000, 500));
      await closeHttpServer(server);
      await Promise.all([closeRedis(redis), closeRedis(reader)]);
      await pool.end();
      await tracing.shutdown();
    })());

  return { port, url: `http://127.0.0.1:${port}`, logger, worker, warm, isWarm: () => warmDone, close };
}
