/** Redis connections and the queue/event protocol (stream + consumer group + pub/sub). */
import Redis from 'ioredis';
import type { RedisConfig } from './config';
import type { Job } from './jobs';
import type { Logger } from './logger';

export { Redis };

/** Contract names (see apps/CONTRACT.md). */
export const JOB_STREAM = 'jobs:stream';
export const JOB_GROUP = 'agents';
export const JOB_EVENTS_CHANNEL = 'jobs:events';

export interface RedisOptions {
  /** Connection name shown in CLIENT LIST. */
  name: string;
  /**
   * Queue commands while disconnected (subscriber connections need this so
   * SUBSCRIBE survives a start without Redis). Defaults to false: commands
   * fail fast while Redis is unreachable instead of piling up.
   */
  offlineQueue?: boolean;
}

export function createRedis(cfg: RedisConfig, logger: Logger, opts: RedisOptions): Redis {
  const redis = new Redis({
    host: cfg.host,
    port: cfg.port,
    password: cfg.password,
    tls: cfg.tls ? { servername: cfg.host } : undefined,
    connectionName: opts.name,
    connectTimeout: 2000,
    enableOfflineQueue: opts.offlineQueue ?? false,
    maxRetriesPerRequest: opts.offlineQueue ? null : 1,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // ioredis reports every failed reconnect; log at most every 5 s per connection.
    const now = Date.now();
    if (now - lastLogged > 5000) {
      lastLogged = now;
      logger.warn({ connection: opts.name, err: { message: err.message } }, 'redis connection error');
    }
  });
  return redis;
}

/** Closes a connection without waiting for a server that may be gone. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'ready') {
    try {
      await Promise.race([redis.quit(), new Promise((r) => setTimeout(r, 500))]);
    } catch {
      /* fall through to disconnect */
    }
  }
  redis.disconnect();
}

/** Field of a stream entry carrying the W3C trace context of the request that created the job. */
export const JOB_TRACEPARENT_FIELD = 'traceparent';

/** Adds job ids to the stream (one entry per id), with the creating request's `traceparent` when given. */
export async function enqueueJobs(redis: Redis, ids: string[], opts: { traceparent?: string } = {}): Promise<void> {
  if (ids.length === 0) return;
  const p = redis.pipeline();
  const trace = opts.traceparent ? [JOB_TRACEPARENT_FIELD, opts.traceparent] : [];
  for (const id of ids) p.xadd(JOB_STREAM, '*', 'id', id, ...trace);
  const results = (await p.exec()) ?? [];
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
}

/** Creates the consumer group (and stream) if missing; starts at 0 so nothing enqueued earlier is skipped. */
export async function ensureConsumerGroup(redis: Redis): Promise<void> {
  try {
    await redis.xgroup('CREATE', JOB_STREAM, JOB_GROUP, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
  }
}

export async function publishJobEvent(redis: Redis, job: Job): Promise<void> {
  await redis.publish(JOB_EVENTS_CHANNEL, JSON.stringify(job));
}
