import { newTraceparent } from './traceparent';
import { isJob, isJobSummary, type Job, type JobSummary, type JobType } from './types';

/** Human names for the request fields the api may report in a 400 `field`. */
const FIELD_LABELS: Record<string, string> = {
  type: 'Job type',
  input: 'Input',
};

export type ApiErrorCode =
  | 'validation_failed'
  | 'payload_too_large'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'server_error'
  | 'network_error'
  | 'timeout'
  | 'bad_response'
  | 'http_error';

/** An api failure in a form the UI can show: which field (if any) and what is allowed. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  /** Request field path reported by the api (`input`, `type`, ...), when the error is about one field. */
  readonly field: string | undefined;
  readonly correlationId: string | undefined;

  constructor(opts: { status: number; code: ApiErrorCode; message: string; field?: string; correlationId?: string }) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.code = opts.code;
    this.field = opts.field || undefined;
    this.correlationId = opts.correlationId || undefined;
  }

  /** Label of the offending field for display, e.g. "Input"; undefined when the error is not about a field. */
  get fieldLabel(): string | undefined {
    if (!this.field) return undefined;
    return FIELD_LABELS[this.field] ?? this.field;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns a non-2xx response into an ApiError. The api's 400 body is
 * `{ error: "validation_failed", field, message }`; other statuses get a
 * message of their own when the body does not carry one.
 */
export function parseApiError(status: number, body: unknown, correlationId?: string): ApiError {
  const record = isRecord(body) ? body : undefined;
  const bodyMessage = typeof record?.message === 'string' && record.message.trim() !== '' ? record.message : undefined;
  const field = typeof record?.field === 'string' ? record.field : undefined;

  if (status === 400) {
    return new ApiError({
      status,
      code: 'validation_failed',
      field,
      message: bodyMessage ?? 'The request was rejected as invalid.',
      correlationId,
    });
  }
  if (status === 413) {
    return new ApiError({
      status,
      code: 'payload_too_large',
      field: field ?? 'input',
      message: bodyMessage ?? 'The request is too large: the api accepts bodies of at most 64 KiB.',
      correlationId,
    });
  }
  if (status === 401) {
    return new ApiError({ status, code: 'unauthorized', message: 'Your sign-in has expired: reload the page to sign in again.', correlationId });
  }
  if (status === 403) {
    return new ApiError({ status, code: 'forbidden', message: bodyMessage ?? 'Your account is not allowed to do this.', correlationId });
  }
  if (status === 404) {
    return new ApiError({ status, code: 'not_found', message: bodyMessage ?? 'The job was not found.', correlationId });
  }
  if (status === 429) {
    return new ApiError({
      status,
      code: 'rate_limited',
      message: bodyMessage ?? 'Too many requests: wait a moment and try again.',
      correlationId,
    });
  }
  if (status >= 500) {
    return new ApiError({
      status,
      code: 'server_error',
      message: `The service is unavailable right now (HTTP ${status}). Try again shortly.`,
      correlationId,
    });
  }
  return new ApiError({
    status,
    code: 'http_error',
    message: bodyMessage ?? `The request failed with HTTP ${status}.`,
    correlationId,
  });
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Origin-relative base of the api; the SPA is served from the same origin as `/api/`. */
  baseUrl?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Access token for the api (`Authorization: Bearer`); omitted when the deployment runs without sign-in. */
  getToken?: () => Promise<string>;
  /** New idempotency key per submission (default `crypto.randomUUID`); a retried request reuses its key. */
  newIdempotencyKey?: () => string;
  /** New W3C `traceparent` per request (default: a random sampled trace); the api and agent log its trace id. */
  newTraceparent?: () => string;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface ApiClient {
  createJob(request: { type: JobType; input: string }): Promise<JobSummary>;
  getJob(id: string): Promise<Job>;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const newIdempotencyKey = options.newIdempotencyKey ?? (() => crypto.randomUUID());
  const traceparent = options.newTraceparent ?? (() => newTraceparent());

  async function request(path: string, init: RequestInit): Promise<unknown> {
    let response: Response;
    const authorization: Record<string, string> = options.getToken ? { authorization: `Bearer ${await options.getToken()}` } : {};
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        ...init,
        headers: { accept: 'application/json', traceparent: traceparent(), ...authorization, ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      // DOMException is not an Error subclass in every runtime: read the name structurally.
      const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
      if (name === 'TimeoutError' || name === 'AbortError') {
        return Promise.reject(
          new ApiError({ status: 0, code: 'timeout', message: `The api did not answer within ${timeoutMs / 1000} s.` }),
        );
      }
      return Promise.reject(
        new ApiError({ status: 0, code: 'network_error', message: 'Could not reach the api: check the connection and try again.' }),
      );
    }
    const correlationId = response.headers.get('x-correlation-id') ?? undefined;
    const body = await readBody(response);
    if (!response.ok) throw parseApiError(response.status, body, correlationId);
    return body;
  }

  return {
    async createJob({ type, input }) {
      const body = await request('/api/jobs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': newIdempotencyKey() },
        body: JSON.stringify({ type, input }),
      });
      if (!isJobSummary(body)) {
        throw new ApiError({ status: 202, code: 'bad_response', message: 'The api answered with an unexpected job format.' });
      }
      return body;
    },
    async getJob(id) {
      const body = await request(`/api/jobs/${encodeURIComponent(id)}`, { method: 'GET' });
      if (!isJob(body)) {
        throw new ApiError({ status: 200, code: 'bad_response', message: 'The api answered with an unexpected job format.' });
      }
      return body;
    },
  };
}
