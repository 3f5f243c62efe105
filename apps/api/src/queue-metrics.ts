/**
 * Queue gauges, read at scrape time: how far the agents are behind. The api
 * exports them (not the agent) so they stay visible when no agent runs, which
 * is exactly when they matter. Every replica reports the same values; queries
 * take `max()`.
 *  - jobs_queue_lag: stream entries not yet delivered to the `agents` group
 *    (XINFO GROUPS `lag`; when Redis cannot tell, XLEN minus pending, since
 *    acknowledged entries are deleted).
 *  - jobs_queue_pending: entries delivered to an agent and not acknowledged yet.
 *  - jobs_oldest_pending_age_seconds: age of the oldest job still `queued` in
 *    PostgreSQL (the source of truth; covers jobs the outbox has not enqueued).
 */
import { Gauge, JOB_GROUP, JOB_STREAM, errorMessage, withTimeout, type Logger, type Pool, type Redis, type Registry } from '@aks-platform/common';

export interface QueueSnapshot {
  lag: number;
  pending: number;
  oldestPendingAgeSeconds: number;
}

/** Reads the queue state from Redis and PostgreSQL. */
export async function readQueueSnapshot(pool: Pool, redis: Redis): Promise<QueueSnapshot> {
  const [groups, length, oldest] = await Promise.all([
    (redis.xinfo('GROUPS', JOB_STREAM) as Promise<unknown[][]>).catch((err: Error) => {
      if (/no such key/i.test(err.message)) return [] as unknown[][];
      throw err;
    }),
    redis.xlen(JOB_STREAM),
    pool.query<{ age: string | null }>(`SELECT EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM jobs WHERE status = 'queued'`),
  ]);
  const group = groups
    .map((fields) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [String(fields[2 * i]), fields[2 * i + 1]])))
    .find((g) => g.name === JOB_GROUP);
  const pending = Number(group?.pending ?? 0);
  const lag = group?.lag !== undefined && group.lag !== null ? Number(group.lag) : Math.max(0, length - pending);
  const age = oldest.rows[0]?.age;
  return { lag, pending, oldestPendingAgeSeconds: age === null || age === undefined ? 0 : Math.max(0, Number(age)) };
}

/** Registers the queue gauges; each scrape reads one snapshot (shared by the three gauges, ≤ 1 s old). */
export function registerQueueMetrics(registry: Registry, pool: Pool, redis: Redis, logger: Logger, timeoutMs = 1000): void {
  let current: { at: number; snapshot: Promise<QueueSnapshot | undefined> } | undefined;
  const snapshot = () => {
    if (!current || Date.now() - current.at > 1000) {
      current = {
        at: Date.now(),
        snapshot: withTimeout(readQueueSnapshot(pool, redis), timeoutMs, 'queue metrics').catch((err) => {
          // The gauges keep their last value; the readiness probe reports the dependency.
          logger.debug({ err: { message: errorMessage(err) } }, 'queue metrics not refreshed');
          return undefined;
        }),
      };
    }
    return current.snapshot;
  };
  const gauge = (name: string, help: string, pick: (s: QueueSnapshot) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        if (s) this.set(pick(s));
      },
    });
  gauge('jobs_queue_lag', 'Job stream entries not yet delivered to any agent', (s) => s.lag);
  gauge('jobs_queue_pending', 'Job stream entries delivered to an agent and not acknowledged', (s) => s.pending);
  gauge('jobs_oldest_pending_age_seconds', 'Age of the oldest job still queued, in seconds (0 when none)', (s) => s.oldestPendingAgeSeconds);
}
