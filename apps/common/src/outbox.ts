/**
 * Transactional-outbox relay. A job row is the source of truth; the stream
 * entry is derived from it. The api enqueues right after the INSERT; when that
 * fails (Redis down) `enqueued_at` stays NULL and this relay enqueues it later.
 * It also re-enqueues unfinished jobs whose last enqueue is older than
 * `requeueAfterMs`, which covers stream entries lost with a Redis restart
 * without persistence. The enqueue itself is idempotent in Redis (./queue.ts):
 * a job whose entry is still in the stream (waiting or pending at an agent) is
 * left alone, so a slow or failed `enqueued_at` write on the request path, or a
 * long job past `requeueAfterMs`, never puts a second entry in the stream.
 * Safe across replicas: rows are claimed with FOR UPDATE SKIP LOCKED.
 */
import { randomUUID } from 'node:crypto';
import { withClient, type Pool } from './db';
import type { Logger } from './logger';
import { enqueueJobs } from './queue';
import type { Redis } from './redis';
import { errorMessage } from './util';

export interface RelayOptions {
  /** Leave fresh rows to the request path that inserted them. */
  graceMs?: number;
  requeueAfterMs: number;
  batchSize?: number;
  /** Also re-enqueue every unfinished job last enqueued before this time (Redis lost its data). */
  requeueBefore?: Date;
}

/**
 * Marker key: set (NX) by the relay when missing. A missing key, or one whose value changed,
 * means Redis lost its data since the last pass (restart without persistence, failover to an
 * empty node): every unfinished job is re-enqueued at once instead of after requeueAfterMs.
 */
export const QUEUE_EPOCH_KEY = 'jobs:epoch';

/** Returns the current epoch and whether this call created it (the key was missing). */
export async function queueEpoch(redis: Redis): Promise<{ epoch: string; created: boolean }> {
  const existing = await redis.get(QUEUE_EPOCH_KEY);
  if (existing) return { epoch: existing, created: false };
  const mine = randomUUID();
  const set = await redis.set(QUEUE_EPOCH_KEY, mine, 'NX');
  return set ? { epoch: mine, created: true } : { epoch: (await redis.get(QUEUE_EPOCH_KEY)) ?? mine, created: false };
}

export interface RelayPass {
  /** Unfinished jobs the pass looked at (not yet enqueued, or enqueued long ago). */
  checked: number;
  /** Of those, the ones that were not in the stream and were added to it. */
  enqueued: number;
}

/** One relay pass. */
export async function relayOutbox(pool: Pool, redis: Redis, opts: RelayOptions): Promise<RelayPass> {
  return withClient(pool, async (client) => {
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM jobs
          WHERE (status IN ('queued', 'running') AND enqueued_at IS NULL AND created_at < now() - make_interval(secs => $1::float8 / 1000))
             OR (status IN ('queued', 'running') AND enqueued_at < now() - make_interval(secs => $2::float8 / 1000))
             OR (status IN ('queued', 'running') AND enqueued_at < $4::timestamptz)
          ORDER BY created_at
          LIMIT $3
          FOR UPDATE SKIP LOCKED`,
        [opts.graceMs ?? 1000, opts.requeueAfterMs, opts.batchSize ?? 100, opts.requeueBefore ?? null],
      );
      const ids = rows.map((r) => r.id);
      let added: string[] = [];
      if (ids.length > 0) {
        added = await enqueueJobs(redis, ids);
        await client.query('UPDATE jobs SET enqueued_at = now() WHERE id = ANY($1::uuid[])', [ids]);
      }
      await client.query('COMMIT');
      return { checked: ids.length, enqueued: added.length };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

export interface RelayHandle {
  stop(): Promise<void>;
}

/** Runs relay passes every `intervalMs` until stopped; failures are logged and retried next tick. */
export function startOutboxRelay(
  pool: Pool,
  redis: Redis,
  logger: Logger,
  opts: RelayOptions & { intervalMs: number; onRelayed?: (n: number) => void },
): RelayHandle {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let lastEpoch: string | undefined;
  let requeueBefore: Date | undefined;
  const batchSize = opts.batchSize ?? 100;
  const tick = () => {
    running = (async () => {
      try {
        const { epoch, created } = await queueEpoch(redis);
        if (created || (lastEpoch !== undefined && epoch !== lastEpoch)) {
          requeueBefore = new Date();
          logger.warn('redis lost its data (queue epoch changed); re-enqueueing every unfinished job');
        }
        lastEpoch = epoch;
        let pass: RelayPass;
        do {
          pass = await relayOutbox(pool, redis, { ...opts, batchSize, requeueBefore });
          if (pass.enqueued > 0) {
            logger.info({ count: pass.enqueued, checked: pass.checked }, 'outbox relay enqueued jobs');
            opts.onRelayed?.(pass.enqueued);
          } else if (pass.checked > 0) {
            logger.debug({ checked: pass.checked }, 'outbox relay: every job checked is in the stream already');
          }
        } while (pass.checked === batchSize && !stopped);
        requeueBefore = undefined;
      } catch (err) {
        logger.debug({ err: { message: errorMessage(err) } }, 'outbox relay pass failed; will retry');
      }
      if (!stopped) timer = setTimeout(tick, opts.intervalMs);
    })();
  };
  timer = setTimeout(tick, opts.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
