/**
 * The job queue's write side: one stream entry per unfinished job, never two.
 *
 * A job's presence in the stream used to be inferred from Postgres (`jobs.enqueued_at`), which
 * is written in a second step after the XADD. When that step was slow (longer than the relay's
 * grace period on a loaded machine) or failed (pool timeout), the outbox relay added a second
 * entry for a job that was already in the stream, and a second agent slot ran it while the
 * first was still at it (`attempts: 2` with no fault). Now Redis itself answers "is this job in
 * the stream?": an index hash maps job id → stream entry id, and every enqueue is a Lua script
 * that adds an entry only when the indexed entry no longer exists (XRANGE on that id). The
 * request path, the relay (grace period, safety net, lost-data epoch) and a stopping agent's
 * hand-back all go through it, so a job is in the stream at most once whatever the timing.
 * An emptied Redis loses stream and index together, so the relay re-enqueues everything.
 *
 * The index key carries the hash tag `{jobs:stream}`: its hash slot is the slot of the key
 * `jobs:stream`, so the scripts touch one slot, as a clustered Azure Managed Redis requires
 * of multi-key scripts (Learn "Client libraries and development best practices" for Azure
 * Managed Redis, multi-key commands, checked 2026-12-01).
 */
import { JOB_GROUP, JOB_STREAM, JOB_TRACEPARENT_FIELD, type Redis } from './redis';

/** Hash job id → id of the job's stream entry (same hash slot as {@link JOB_STREAM}). */
export const JOB_INDEX = '{jobs:stream}:entries';

/** KEYS: stream, index. ARGV: traceparent ('' for none), job ids. Returns the ids added. */
const ENQUEUE = `
local added = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local entry = redis.call('HGET', KEYS[2], id)
  if (not entry) or #redis.call('XRANGE', KEYS[1], entry, entry) == 0 then
    local e
    if ARGV[1] ~= '' then
      e = redis.call('XADD', KEYS[1], '*', 'id', id, '${JOB_TRACEPARENT_FIELD}', ARGV[1])
    else
      e = redis.call('XADD', KEYS[1], '*', 'id', id)
    end
    redis.call('HSET', KEYS[2], id, e)
    added[#added + 1] = id
  end
end
return added`;

/** KEYS: stream, index. ARGV: group, entry id, job id ('' when unknown). */
const ACK = `
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if ARGV[3] ~= '' and redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[3])
end
return 1`;

/** KEYS: stream, index. ARGV: group, old entry id, job id, traceparent (''). Returns the new entry id. */
const HAND_BACK = `
local e
if ARGV[4] ~= '' then
  e = redis.call('XADD', KEYS[1], '*', 'id', ARGV[3], '${JOB_TRACEPARENT_FIELD}', ARGV[4])
else
  e = redis.call('XADD', KEYS[1], '*', 'id', ARGV[3])
end
redis.call('HSET', KEYS[2], ARGV[3], e)
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return e`;

interface QueueCommands {
  jobsEnqueue(stream: string, index: string, traceparent: string, ...ids: string[]): Promise<string[]>;
  jobsAck(stream: string, index: string, group: string, entryId: string, jobId: string): Promise<number>;
  jobsHandBack(stream: string, index: string, group: string, entryId: string, jobId: string, traceparent: string): Promise<string>;
}

/** The scripts as commands of this connection (EVALSHA, loaded on first use; defined once per connection). */
function commands(redis: Redis): QueueCommands {
  const r = redis as Redis & Partial<QueueCommands>;
  if (!r.jobsEnqueue) {
    redis.defineCommand('jobsEnqueue', { numberOfKeys: 2, lua: ENQUEUE });
    redis.defineCommand('jobsAck', { numberOfKeys: 2, lua: ACK });
    redis.defineCommand('jobsHandBack', { numberOfKeys: 2, lua: HAND_BACK });
  }
  // Not `as Redis & QueueCommands`: relating two intersections with ioredis's Redis compares its
  // thousands of command overloads (seconds of tsc per program).
  return r as QueueCommands;
}

/**
 * Adds each job to the stream unless it is in it already (its indexed entry still exists,
 * pending or not). Returns the ids that were added; the others were left alone.
 */
export async function enqueueJobs(redis: Redis, ids: string[], opts: { traceparent?: string } = {}): Promise<string[]> {
  if (ids.length === 0) return [];
  return commands(redis).jobsEnqueue(JOB_STREAM, JOB_INDEX, opts.traceparent ?? '', ...ids);
}

/** Acknowledges and removes a handled entry, and forgets it in the index when it is the job's entry. */
export async function ackJobEntry(redis: Redis, entryId: string, jobId: string | undefined): Promise<void> {
  await commands(redis).jobsAck(JOB_STREAM, JOB_INDEX, JOB_GROUP, entryId, jobId ?? '');
}

/** Re-adds a job as a new entry (another agent takes it) and removes the old one, atomically. */
export async function handBackJobEntry(redis: Redis, entryId: string, jobId: string, opts: { traceparent?: string } = {}): Promise<string> {
  return commands(redis).jobsHandBack(JOB_STREAM, JOB_INDEX, JOB_GROUP, entryId, jobId, opts.traceparent ?? '');
}
