/** Job types, request validation and the wire shape shared by api, agent and clients. */
import { z } from 'zod';

export const JOB_TYPES = ['wordcount', 'sha256', 'sleep'] as const;
export type JobType = (typeof JOB_TYPES)[number];
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed'];

export const MAX_INPUT_CHARS = 10000;
export const MAX_SLEEP_MS = 60000;

/** The job as returned by the API and pushed over Socket.IO / Redis pub/sub. */
export interface Job {
  id: string;
  type: JobType;
  input: string;
  status: JobStatus;
  result: unknown;
  error: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Characters refused in text fields: NUL (PostgreSQL cannot store it in text) and the other
 * C0/C1 control characters except tab, line feed and carriage return, plus DEL.
 */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Schema of a POST /api/jobs body; `sleepMaxMs` caps the sleep job (config JOB_SLEEP_MAX_MS). */
export function jobRequestSchemaFor(sleepMaxMs: number = MAX_SLEEP_MS) {
  return z
    .object(
      {
        type: z.enum(JOB_TYPES, { message: `must be one of: ${JOB_TYPES.join(', ')}` }),
        input: z
          .string({ message: 'must be a string' })
          .min(1, `must be a string of 1..${MAX_INPUT_CHARS} characters`)
          .max(MAX_INPUT_CHARS, `must be a string of 1..${MAX_INPUT_CHARS} characters`)
          .refine((v) => !CONTROL_CHARS.test(v), 'must not contain NUL or other control characters (tab, CR and LF are allowed)'),
      },
      { message: 'body must be a JSON object { type, input }' },
    )
    .strict()
    .superRefine((v, ctx) => {
      if (v.type === 'sleep') {
        const ok = /^\d{1,5}$/.test(v.input) && Number(v.input) >= 1 && Number(v.input) <= sleepMaxMs;
        if (!ok) {
          ctx.addIssue({
            code: 'custom',
            path: ['input'],
            message: `for type "sleep" input must be a decimal number of milliseconds 1..${sleepMaxMs}`,
          });
        }
      }
    });
}

export const jobRequestSchema = jobRequestSchemaFor(MAX_SLEEP_MS);

export type JobRequest = z.infer<typeof jobRequestSchema>;

export type Validation<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const schemas = new Map<number, typeof jobRequestSchema>([[MAX_SLEEP_MS, jobRequestSchema]]);

/** Validates a POST /api/jobs body; on failure names the first failing field. */
export function validateJobRequest(body: unknown, opts: { sleepMaxMs?: number } = {}): Validation<JobRequest> {
  const max = opts.sleepMaxMs ?? MAX_SLEEP_MS;
  let schema = schemas.get(max);
  if (!schema) schemas.set(max, (schema = jobRequestSchemaFor(max)));
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  let field = issue.path.join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    field = issue.keys[0] ?? '';
    message = 'unknown field; allowed fields: type, input';
  }
  return { ok: false, field: field || '(body)', message };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID.test(s);
