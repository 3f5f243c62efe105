/** Redis connections and the queue/event protocol (stream + consumer group + pub/sub). */
import Redis from 'ioredis';
import type { RedisConfig } from './config';
import { ENTRA_REDIS_SCOPE, entraTokenSource, fileSecret, type EntraTokenOptions, type SecretSource } from './credentials';
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
  /** Overrides the Entra token source (tests inject a credential). */
  entra?: EntraTokenOptions;
}

/** Where the Redis password comes from when it can change (Entra token, rotated file); undefined when static. */
export function redisSecretSource(cfg: RedisConfig, entra?: EntraTokenOptions): SecretSource | undefined {
  if (cfg.auth === 'entra') return entraTokenSource(ENTRA_REDIS_SCOPE, entra);
  if (cfg.passwordFile) return fileSecret(cfg.passwordFile);
  return undefined;
}

export function createRedis(cfg: RedisConfig, logger: Logger, opts: RedisOptions): Redis {
  const source = redisSecretSource(cfg, opts.entra);
  const redis = new Redis({
    host: cfg.host,
    port: cfg.port,
    username: cfg.auth === 'entra' ? cfg.username : undefined,
    password: cfg.auth === 'entra' ? undefined : cfg.password,
    // An Entra token must be fetched before the first connection.
    lazyConnect: cfg.auth === 'entra',
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
  if (source) keepRedisCredentialFresh(redis, source, cfg, logger, opts.name);
  return redis;
}

/**
 * Keeps a connection's credential current: every `secretRefreshMs` (and before the first
 * connect for Entra) it takes the current secret; when it changed, reconnects use the new
 * value and a live connection re-authenticates (AUTH) so an expiring token never drops it.
 */
function keepRedisCredentialFresh(redis: Redis, source: SecretSource, cfg: RedisConfig, logger: Logger, name: string): void {
  let current = cfg.auth === 'entra' ? undefined : cfg.password;
  const refresh = async () => {
    let next: string;
    try {
      next = await source();
    } catch (err) {
      logger.warn({ connection: name, err: { message: (err as Error).message } }, 'redis credential refresh failed; keeping the current one');
      return;
    }
    if (next === current) return;
    current = next;
    redis.options.password = next;
    if (redis.status === 'ready') {
      const auth = cfg.username ? redis.auth(cfg.username, next) : redis.auth(next);
      await auth.catch((err: Error) => logger.warn({ connection: name, err: { message: err.message } }, 'redis re-AUTH failed'));
    }
  };
  const timer = setInterval(() => void refresh(), cfg.secretRefreshMs ?? 30000);
  timer.unref();
  redis.once('end', () => clearInterval(timer));
  if (cfg.auth === 'entra') {
    void refresh().then(() => redis.connect().catch(() => undefined));
  }
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
