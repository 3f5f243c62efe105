/**
 * Job model of the workload contract. The types come from apps/common (the api's
 * and agent's own definitions) as type-only imports: nothing of common's runtime
 * (zod, pg, ioredis) reaches the browser bundle, and a job type or status added
 * there fails this workspace's type check until the UI handles it.
 */
import type {
  Job as CommonJob,
  JobStatus as CommonJobStatus,
  JobType as CommonJobType,
  MAX_INPUT_CHARS,
  MAX_SLEEP_MS,
} from '../../common/src/jobs';

export type JobType = CommonJobType;
export type JobStatus = CommonJobStatus;
/** Full job as returned by GET /api/jobs/:id, the `job:subscribe` ack and `job:status` events. */
export type Job = CommonJob;

/** 202 body of POST /api/jobs. */
export type JobSummary = Pick<Job, 'id' | 'type' | 'status' | 'createdAt'>;

/** What the UI knows about a job: a summary right after submission, the full job once seen. */
export type KnownJob = JobSummary & Partial<Omit<Job, keyof JobSummary>>;

/** Limits of the api's validation; typed as common's literal constants, so a change there fails this type check. */
export const MAX_INPUT_LENGTH: typeof MAX_INPUT_CHARS = 10000;
export const MAX_SLEEP_MILLIS: typeof MAX_SLEEP_MS = 60000;
const fmt = (n: number) => n.toLocaleString('en-US');

export const JOB_TYPE_INFO: Record<JobType, { label: string; inputLabel: string; hint: string; placeholder: string }> = {
  wordcount: {
    label: 'Word count',
    inputLabel: 'Text',
    hint: `Counts the words, lines and characters of the text (1 to ${fmt(MAX_INPUT_LENGTH)} characters).`,
    placeholder: 'The quick brown fox jumps over the lazy dog',
  },
  sha256: {
    label: 'SHA-256',
    inputLabel: 'Text',
    hint: `Computes the SHA-256 digest of the text (1 to ${fmt(MAX_INPUT_LENGTH)} characters).`,
    placeholder: 'hello world',
  },
  sleep: {
    label: 'Sleep',
    inputLabel: 'Duration (milliseconds)',
    hint: `Waits for the given number of milliseconds, a whole number from 1 to ${MAX_SLEEP_MILLIS}.`,
    placeholder: '1500',
  },
};

/** Job types in the order the form offers them (the keys of JOB_TYPE_INFO, which must cover every type). */
export const JOB_TYPES = Object.keys(JOB_TYPE_INFO) as JobType[];

export const STATUS_LABEL: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

export function isJobType(value: unknown): value is JobType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(JOB_TYPE_INFO, value);
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(STATUS_LABEL, value);
}

export function isTerminal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shape check for the 202 body: id, type, status and createdAt must be present and valid. */
export function isJobSummary(value: unknown): value is JobSummary {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    value.id.length > 0 &&
    isJobType(value.type) &&
    isJobStatus(value.status) &&
    typeof value.createdAt === 'string'
  );
}

/** Shape check for a full job (socket payloads are untrusted input like any response). */
export function isJob(value: unknown): value is Job {
  if (!isJobSummary(value)) return false;
  const v = value as unknown as Record<string, unknown>;
  return (
    typeof v.updatedAt === 'string' &&
    typeof v.input === 'string' &&
    (v.error === null || typeof v.error === 'string') &&
    typeof v.attempts === 'number'
  );
}
