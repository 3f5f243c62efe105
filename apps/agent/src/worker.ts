/**
 * Redis Streams consumer with at-least-once delivery.
 *  - XREADGROUP (consumer group `agents`) hands each stream entry to one consumer; the entry
 *    stays in the group's pending list until XACK, so a crash never loses it.
 *  - XAUTOCLAIM takes over entries idle for longer than the visibility timeout (their consumer
 *    died); while a job runs, a heartbeat (XCLAIM ... JUSTID to ourselves) keeps it non-idle.
 *  - Processing is idempotent by job id: a finished job is acknowledged without rework, and
 *    the outcome is written only while the job is unfinished.
 *  - Postgres unreachable: the job's store steps are retried in place with backoff (the entry
 *    stays in flight and heartbeated, the slot stays taken), so the agent stops reading instead
 *    of draining the stream into its pending list, and resumes within one backoff step (<= 2 s)
 *    after Postgres is back.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  JOB_GROUP,
  JOB_STREAM,
  JOB_TRACEPARENT_FIELD,
  TERMINAL_STATUSES,
  ackJobEntry,
  ensureConsumerGroup,
  errorMessage,
  finishJob,
  getJob,
  handBackJobEntry,
  isUuid,
  publishJobEvent,
  requeueJob,
  sleep,
  startAttempt,
  type Counter,
  type Gauge,
  type Histogram,
  type Job,
  type Logger,
  type Pool,
  type Redis,
  type Tracing,
  type WorkSpan,
} from '@aks-platform/common';
import { executeJob } from './execute';

export interface WorkerMetrics {
  processed: Counter<'type' | 'outcome'>;
  duration: Histogram<'type'>;
  reclaimed: Counter<string>;
  inFlight: Gauge<string>;
}

export interface WorkerDeps {
  pool: Pool;
  /** Non-blocking commands (ack, claim, publish). */
  redis: Redis;
  /** Dedicated connection for the blocking XREADGROUP. */
  reader: Redis;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency: number;
  visibilityTimeoutMs: number;
  maxAttempts: number;
  /** Longest XREADGROUP block; also bounds how fast stop() interrupts a read. */
  blockMs?: number;
  /** Longest pause between two attempts of a failed store step (default 2000 ms). */
  maxBackoffMs?: number;
  /** Tracing: each delivery runs in a span continuing the `traceparent` of its stream entry. */
  tracing?: Tracing;
}

/** Raised when a store step is abandoned because the worker is stopping (entry stays pending). */
class StoppingError extends Error {}

type Entry = [id: string, fields: string[]];

interface InFlight {
  jobId: string;
  abort: AbortController;
  done: Promise<void>;
  /**
   * Other entries of the same job delivered to this agent while it runs the job (the job was
   * re-added after Redis lost its data, or a dead consumer's copy was reclaimed): held
   * (heartbeated) and acknowledged with the job's own entry, never run a second time here.
   */
  adopted: string[];
}

export class Worker {
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly inFlight = new Map<string, InFlight>();
  /** Entry id → the flight that adopted it (see InFlight.adopted). */
  private readonly adopted = new Map<string, InFlight>();
  private stopping = false;
  private slotFreed: (() => void) | undefined;
  private loops: Promise<void>[] = [];
  private readonly stopSignal = new AbortController();

  constructor(private readonly d: WorkerDeps) {}

  get busy(): number {
    return this.inFlight.size;
  }

  start(): void {
    this.loops = [this.readLoop(), this.reclaimLoop()];
    this.d.logger.info({ consumer: this.consumer, concurrency: this.d.concurrency }, 'worker started');
  }

  /**
   * Stops taking work, lets running jobs finish within `graceMs`, then aborts the rest and
   * hands them back to the queue (job → queued, stream entry re-added) for another agent.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    this.slotFreed?.();
    this.d.reader.disconnect(); // interrupts a blocking XREADGROUP
    await Promise.all(this.loops);
    const all = () => Promise.all([...this.inFlight.values()].map((f) => f.done));
    if (this.inFlight.size > 0) {
      this.d.logger.info({ inFlight: this.inFlight.size, graceMs }, 'waiting for in-flight jobs');
      await Promise.race([all(), sleep(graceMs)]);
    }
    if (this.inFlight.size > 0) {
      this.d.logger.warn({ inFlight: this.inFlight.size }, 'grace period over; handing jobs back');
      for (const f of this.inFlight.values()) f.abort.abort(new Error('agent shutting down'));
      await all();
    }
  }

  private async readLoop(): Promise<void> {
    const { reader, logger } = this.d;
    while (!this.stopping) {
      if (this.inFlight.size >= this.d.concurrency) {
        await new Promise<void>((r) => (this.slotFreed = r));
        continue;
      }
      try {
        const res = (await reader.xreadgroup(
          'GROUP', JOB_GROUP, this.consumer,
          'COUNT', this.d.concurrency - this.inFlight.size,
          'BLOCK', this.d.blockMs ?? 1000,
          'STREAMS', JOB_STREAM, '>',
        )) as [string, Entry[]][] | null;
        for (const [, entries] of res ?? []) for (const e of entries) this.dispatch(e, false);
      } catch (err) {
        if (this.stopping) break;
        const msg = errorMessage(err);
        if (msg.includes('NOGROUP')) {
          // Redis lost its data (restart without persistence): recreate the group; the outbox relay re-enqueues.
          logger.warn('consumer group missing; recreating');
          await ensureConsumerGroup(this.d.redis).catch(() => undefined);
        } else {
          logger.debug({ err: { message: msg } }, 'xreadgroup failed; retrying');
          await sleep(500, this.stopSignal.signal).catch(() => undefined);
        }
      }
    }
  }

  private async reclaimLoop(): Promise<void> {
    // Check often: an entry is taken over at most `every` after it passed the visibility timeout.
    const every = Math.min(Math.max(Math.floor(this.d.visibilityTimeoutMs / 4), 250), 1000);
    while (!this.stopping) {
      await sleep(every, this.stopSignal.signal).catch(() => undefined);
      if (this.stopping) break;
      try {
        await this.reclaimOnce();
      } catch (err) {
        this.d.logger.debug({ err: { message: errorMessage(err) } }, 'xautoclaim failed; retrying');
      }
    }
  }

  /** Claims entries idle longer than the visibility timeout (their consumer is gone). */
  async reclaimOnce(): Promise<number> {
    let cursor = '0-0';
    let claimed = 0;
    do {
      const free = this.d.concurrency - this.inFlight.size;
      if (free <= 0 || this.stopping) break;
      const [next, entries, deleted] = (await this.d.redis.xautoclaim(
        JOB_STREAM, JOB_GROUP, this.consumer, this.d.visibilityTimeoutMs, cursor, 'COUNT', free,
      )) as [string, (Entry | null)[], string[]?];
      cursor = next;
      for (const e of entries) {
        if (!e) continue;
        if (this.inFlight.has(e[0]) || this.adopted.has(e[0])) continue;
        claimed++;
        this.d.metrics.reclaimed.inc();
        this.dispatch(e, true);
      }
      if (deleted && deleted.length > 0) await this.d.redis.xack(JOB_STREAM, JOB_GROUP, ...deleted);
    } while (cursor !== '0-0');
    return claimed;
  }

  private dispatch([entryId, fields]: Entry, reclaimed: boolean): void {
    const field = (name: string) => {
      const i = fields.indexOf(name);
      return i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
    };
    const jobId = field('id');
    if (this.inFlight.has(entryId) || this.adopted.has(entryId)) return;
    const holder = jobId ? [...this.inFlight.values()].find((f) => f.jobId === jobId) : undefined;
    if (holder) {
      // This agent runs the job already: hold the copy and acknowledge it with the job's entry.
      holder.adopted.push(entryId);
      this.adopted.set(entryId, holder);
      this.d.metrics.processed.inc({ type: 'unknown', outcome: 'duplicate' });
      this.d.logger.info({ jobId, entryId }, 'second entry of a job this agent is running; held until the job ends');
      return;
    }
    // The api's request span, carried in the entry: the job continues the client's trace.
    const span = this.d.tracing?.startSpan('job process', { traceparent: field(JOB_TRACEPARENT_FIELD), kind: 'consumer', attributes: { 'job.id': jobId ?? '', 'messaging.message.id': entryId } });
    const abort = new AbortController();
    const flight: InFlight = { jobId: jobId ?? '', abort, done: Promise.resolve(), adopted: [] };
    this.inFlight.set(entryId, flight);
    this.d.metrics.inFlight.set(this.inFlight.size);
    // Keep the entry non-idle for as long as this agent holds it (including store retries),
    // so no other agent reclaims a job that is still being handled.
    const heartbeat = setInterval(() => {
      this.d.redis.xclaim(JOB_STREAM, JOB_GROUP, this.consumer, 0, entryId, ...flight.adopted, 'JUSTID').catch(() => undefined);
    }, Math.max(Math.floor(this.d.visibilityTimeoutMs / 3), 100));
    flight.done = this.process(entryId, jobId, reclaimed, abort.signal, span)
      .catch((err) => {
        // Infrastructure failure (Postgres/Redis): leave the entry pending; it is reclaimed later.
        span?.setError(errorMessage(err));
        this.d.logger.warn({ jobId, entryId, ...span?.logFields, err: { message: errorMessage(err) } }, 'job processing interrupted; will be retried');
        this.d.metrics.processed.inc({ type: 'unknown', outcome: 'retry' });
      })
      .finally(() => {
        clearInterval(heartbeat);
        span?.end();
        // Adopted copies not acknowledged (the job was interrupted) stay pending: reclaimed later.
        for (const e of flight.adopted) this.adopted.delete(e);
        this.inFlight.delete(entryId);
        this.d.metrics.inFlight.set(this.inFlight.size);
        const r = this.slotFreed;
        this.slotFreed = undefined;
        r?.();
      });
  }

  /**
   * Runs a Postgres step until it succeeds, backing off 100 ms → maxBackoffMs between attempts.
   * Gives up only when the worker stops (the entry stays pending for another agent).
   */
  private async store<T>(what: string, fn: () => Promise<T>, log: Logger): Promise<T> {
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (this.stopping) throw new StoppingError(`${what} abandoned: agent stopping (${errorMessage(err)})`);
        if (attempt === 1) log.warn({ step: what, err: { message: errorMessage(err) } }, 'store step failed; retrying with backoff');
        await sleep(delay, this.stopSignal.signal).catch(() => undefined);
        delay = Math.min(delay * 2, this.d.maxBackoffMs ?? 2000);
      }
    }
  }

  /** Acknowledges the entry and any copies of the same job this agent adopted meanwhile. */
  private async ack(entryId: string, jobId: string | undefined): Promise<void> {
    await ackJobEntry(this.d.redis, entryId, jobId);
    for (const e of this.inFlight.get(entryId)?.adopted ?? []) await ackJobEntry(this.d.redis, e, jobId);
  }

  private async publish(job: Job | undefined): Promise<void> {
    if (!job) return;
    // Best effort: clients also get the current state on subscribe and via GET.
    await publishJobEvent(this.d.redis, job).catch((err) =>
      this.d.logger.debug({ jobId: job.id, err: { message: errorMessage(err) } }, 'status event not published'),
    );
  }

  private async process(entryId: string, jobId: string | undefined, reclaimed: boolean, signal: AbortSignal, span?: WorkSpan): Promise<void> {
    const { pool, metrics } = this.d;
    const log = this.d.logger.child({ correlationId: jobId, jobId, entryId, ...span?.logFields });
    if (!isUuid(jobId)) {
      log.warn('dropping malformed stream entry');
      return this.ack(entryId, jobId);
    }
    const current = await this.store('read job', () => getJob(pool, jobId), log);
    if (!current) {
      log.warn('dropping entry for unknown job');
      return this.ack(entryId, jobId);
    }
    if (TERMINAL_STATUSES.includes(current.status)) {
      log.info({ status: current.status }, 'job already finished; acknowledging duplicate delivery');
      metrics.processed.inc({ type: current.type, outcome: 'duplicate' });
      return this.ack(entryId, jobId);
    }
    if (current.attempts >= this.d.maxAttempts) {
      const failed = await this.store('store outcome', () => finishJob(pool, jobId, { status: 'failed', error: `gave up after ${current.attempts} attempts` }), log);
      metrics.processed.inc({ type: current.type, outcome: 'failed' });
      log.warn({ attempts: current.attempts }, 'job failed: too many attempts');
      await this.publish(failed);
      return this.ack(entryId, jobId);
    }
    const running = await this.store('start attempt', () => startAttempt(pool, jobId), log);
    if (!running) return this.ack(entryId, jobId);
    log.info({ type: running.type, attempt: running.attempts, reclaimed }, 'job started');
    await this.publish(running);

    const t0 = process.hrtime.bigint();
    let outcome: { status: 'succeeded'; result: unknown } | { status: 'failed'; error: string };
    try {
      outcome = { status: 'succeeded', result: await executeJob(running.type, running.input, signal) };
    } catch (err) {
      if (signal.aborted) return this.handBack(entryId, jobId, running, log, span);
      outcome = { status: 'failed', error: errorMessage(err) };
    }
    metrics.duration.observe({ type: running.type }, Number(process.hrtime.bigint() - t0) / 1e9);
    const done = await this.store('store outcome', () => finishJob(pool, jobId, outcome), log);
    metrics.processed.inc({ type: running.type, outcome: outcome.status });
    span?.setAttributes({ 'job.type': running.type, 'job.status': outcome.status });
    if (outcome.status === 'failed') span?.setError(outcome.error);
    log.info({ status: outcome.status }, 'job finished');
    await this.publish(done);
    await this.ack(entryId, jobId);
  }

  private async handBack(entryId: string, jobId: string, job: Job, log: Logger, span?: WorkSpan): Promise<void> {
    const queued = await requeueJob(this.d.pool, jobId);
    // One script: the new entry is added (and indexed) and the old one removed together.
    await handBackJobEntry(this.d.redis, entryId, jobId, { traceparent: span?.traceparent });
    for (const e of this.inFlight.get(entryId)?.adopted ?? []) await ackJobEntry(this.d.redis, e, jobId);
    this.d.metrics.processed.inc({ type: job.type, outcome: 'handed_back' });
    log.info('job handed back to the queue');
    await this.publish(queued);
  }
}
