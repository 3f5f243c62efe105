/**
 * Post-deploy smoke test, run against the public ingress of a deployed stack:
 *
 *   npm run smoke -- <baseUrl> [--wait socket|poll] [--ready-timeout-ms N]
 *                              [--request-timeout-ms N] [--job-timeout-ms N]
 *
 * Steps (each one must pass, in order):
 *   1. GET  /healthz        frontend (nginx) answers 200
 *   2. GET  /api/health     api liveness through the frontend/ingress answers 200
 *   3. GET  /api/ready      api readiness (Postgres + Redis) answers 200
 *   4. POST /api/jobs       a sha256 job is accepted (202, status "queued")
 *   5. wait                 the job reaches "succeeded", observed over Socket.IO
 *                           (`job:subscribe` / `job:status`, WebSocket transport)
 *                           or by polling GET /api/jobs/:id (--wait poll)
 *   6. GET  /api/jobs/:id   the stored job is "succeeded" and its result carries
 *                           the sha256 digest computed here
 *
 * Steps 1-3 are retried until --ready-timeout-ms, because a fresh ingress or
 * a rolling deployment may need a little while. Every request carries an
 * `x-correlation-id` (printed on failure) so the matching api/agent log lines
 * can be found. Exit code 0 on success, 1 on a failed check, 2 on bad usage.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';

export type WaitMode = 'socket' | 'poll';

export interface SmokeOptions {
  /** Base URL of the ingress, e.g. https://app.example.com or http://20.1.2.3 */
  baseUrl: string;
  /** How the job result is awaited. Default: socket. */
  wait?: WaitMode;
  /** Per-request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** How long the health/readiness checks are retried. Default 180 s. */
  readyTimeoutMs?: number;
  /** How long the job may take from POST to "succeeded". Default 120 s. */
  jobTimeoutMs?: number;
  /** Delay between retries and polls. Default 2 s. */
  intervalMs?: number;
  /** Progress sink. Default: console.log. */
  log?: (line: string) => void;
}

export interface SmokeReport {
  baseUrl: string;
  jobId: string;
  correlationId: string;
  wait: WaitMode;
  durationsMs: Record<string, number>;
}

/** A failed smoke check: `step` names the check, the message says what was expected and what came back. */
export class SmokeError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`[${step}] ${message}`);
    this.name = 'SmokeError';
  }
}

interface Job {
  id: string;
  status: string;
  result?: unknown;
  error?: unknown;
}

const JOB_STATUSES = new Set(['queued', 'running', 'succeeded', 'failed']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : undefined;
}

/** "fetch failed" alone says nothing: prefer the underlying cause (e.g. "connect ECONNREFUSED 10.0.0.1:80"). */
function describeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const { message, cause } = err as { message?: unknown; cause?: unknown };
  if (typeof cause === 'object' && cause !== null) {
    const c = cause as { message?: unknown; code?: unknown; errors?: unknown };
    if (typeof c.message === 'string' && c.message) return c.message;
    if (typeof c.code === 'string') return c.code;
  }
  return typeof message === 'string' ? message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses and normalises the base URL (no trailing slash); throws a usage-level message when invalid. */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`base URL "${raw}" is not a valid URL (expected e.g. https://app.example.com or http://20.1.2.3)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`base URL "${raw}" must use http: or https:, got ${url.protocol}`);
  }
  if (url.search || url.hash) {
    throw new Error(`base URL "${raw}" must not have a query string or fragment`);
  }
  return url.toString().replace(/\/+$/, '');
}

function asJob(value: unknown, step: string): Job {
  if (typeof value !== 'object' || value === null) {
    throw new SmokeError(step, `expected a job object, got ${excerpt(JSON.stringify(value) ?? String(value))}`);
  }
  const job = value as Record<string, unknown>;
  if (typeof job.id !== 'string' || typeof job.status !== 'string' || !JOB_STATUSES.has(job.status)) {
    throw new SmokeError(
      step,
      `expected a job with string "id" and "status" in ${[...JOB_STATUSES].join('|')}, got ${excerpt(JSON.stringify(value))}`,
    );
  }
  return { id: job.id, status: job.status, result: job.result, error: job.error };
}

class SmokeRun {
  private readonly baseUrl: string;
  private readonly wait: WaitMode;
  private readonly requestTimeoutMs: number;
  private readonly readyTimeoutMs: number;
  private readonly jobTimeoutMs: number;
  private readonly intervalMs: number;
  private readonly log: (line: string) => void;
  readonly correlationId = randomUUID();

  constructor(opts: SmokeOptions) {
    this.baseUrl = normaliseBaseUrl(opts.baseUrl);
    this.wait = opts.wait ?? 'socket';
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 180_000;
    this.jobTimeoutMs = opts.jobTimeoutMs ?? 120_000;
    this.intervalMs = opts.intervalMs ?? 2_000;
    this.log = opts.log ?? ((line) => console.log(line));
    if (this.wait !== 'socket' && this.wait !== 'poll') {
      throw new Error(`wait mode "${String(this.wait)}" is not supported (allowed: socket, poll)`);
    }
  }

  private async request(
    step: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string; json: unknown }> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          'x-correlation-id': this.correlationId,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
        redirect: 'manual',
      });
    } catch (err) {
      const reason = errorName(err) === 'TimeoutError' ? `no answer within ${this.requestTimeoutMs} ms` : describeError(err);
      throw new SmokeError(step, `${method} ${url} failed: ${reason}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  /** Retries GET `path` until it answers 200 or the readiness deadline passes. */
  private async expectOk(step: string, path: string, deadline: number): Promise<void> {
    let last = '';
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.request(step, 'GET', path);
        if (res.status === 200) {
          this.log(`ok   ${step}: GET ${path} -> 200 (attempt ${attempt})`);
          return;
        }
        last = `GET ${this.baseUrl}${path} answered ${res.status}, expected 200; body: ${excerpt(res.text) || '(empty)'}`;
      } catch (err) {
        if (!(err instanceof SmokeError)) throw err;
        last = err.message.replace(`[${step}] `, '');
      }
      if (Date.now() + this.intervalMs > deadline) {
        throw new SmokeError(step, `${last} (gave up after ${attempt} attempts / ${this.readyTimeoutMs} ms)`);
      }
      await sleep(this.intervalMs);
    }
  }

  private async createJob(input: string): Promise<Job> {
    const step = 'create-job';
    const res = await this.request(step, 'POST', '/api/jobs', { type: 'sha256', input });
    if (res.status !== 202) {
      throw new SmokeError(step, `POST ${this.baseUrl}/api/jobs answered ${res.status}, expected 202; body: ${excerpt(res.text) || '(empty)'}`);
    }
    const job = asJob(res.json, step);
    if (!UUID_RE.test(job.id)) throw new SmokeError(step, `job id "${job.id}" is not a UUID`);
    if (job.status !== 'queued') throw new SmokeError(step, `new job has status "${job.status}", expected "queued"`);
    this.log(`ok   ${step}: POST /api/jobs -> 202 id=${job.id}`);
    return job;
  }

  private async getJob(step: string, id: string): Promise<Job> {
    const res = await this.request(step, 'GET', `/api/jobs/${id}`);
    if (res.status !== 200) {
      throw new SmokeError(step, `GET ${this.baseUrl}/api/jobs/${id} answered ${res.status}, expected 200; body: ${excerpt(res.text) || '(empty)'}`);
    }
    return asJob(res.json, step);
  }

  private async pollUntilDone(id: string): Promise<Job> {
    const step = 'wait-job(poll)';
    const deadline = Date.now() + this.jobTimeoutMs;
    let job = await this.getJob(step, id);
    while (job.status === 'queued' || job.status === 'running') {
      if (Date.now() + this.intervalMs > deadline) {
        throw new SmokeError(step, `job ${id} still "${job.status}" after ${this.jobTimeoutMs} ms (is the agent running and consuming jobs:stream?)`);
      }
      await sleep(this.intervalMs);
      job = await this.getJob(step, id);
    }
    return job;
  }

  private socketUntilDone(id: string): Promise<Job> {
    const step = 'wait-job(socket)';
    return new Promise<Job>((resolve, reject) => {
      // The URL's path (if any) is a prefix for the Socket.IO endpoint, not a namespace.
      const base = new URL(this.baseUrl);
      const socket: Socket = io(base.origin, {
        path: `${base.pathname.replace(/\/+$/, '')}/socket.io/`,
        // WebSocket only: long-polling needs sticky sessions when the api has
        // several replicas behind the ingress, which the smoke test must not assume.
        transports: ['websocket'],
        reconnection: false,
        timeout: this.requestTimeoutMs,
        extraHeaders: { 'x-correlation-id': this.correlationId },
      });
      let lastStatus = 'queued';
      let settled = false;
      const finish = (err: Error | undefined, job?: Job): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.disconnect();
        if (err) reject(err);
        else resolve(job as Job);
      };
      const timer = setTimeout(
        () => finish(new SmokeError(step, `no terminal job:status for job ${id} within ${this.jobTimeoutMs} ms (last status "${lastStatus}"; is the agent running and the api relaying jobs:events?)`)),
        this.jobTimeoutMs,
      );
      const onJob = (value: unknown): void => {
        let job: Job;
        try {
          job = asJob(value, step);
        } catch (err) {
          finish(err as Error);
          return;
        }
        if (job.id !== id) return;
        lastStatus = job.status;
        if (job.status === 'succeeded' || job.status === 'failed') finish(undefined, job);
      };
      socket.on('job:status', onJob);
      socket.on('connect_error', (err: Error) =>
        finish(new SmokeError(step, `Socket.IO connection to ${this.baseUrl}/socket.io/ failed: ${err.message} (does the ingress/nginx pass WebSocket upgrades?)`)),
      );
      socket.on('connect', () => {
        this.log(`ok   ${step}: Socket.IO connected (${socket.io.engine.transport.name})`);
        socket
          .timeout(this.requestTimeoutMs)
          .emit('job:subscribe', { id }, (err: Error | null, ack: unknown) => {
            if (err) {
              finish(new SmokeError(step, `no ack for job:subscribe within ${this.requestTimeoutMs} ms`));
              return;
            }
            const a = ack as { ok?: unknown; job?: unknown; error?: unknown } | undefined;
            if (!a || a.ok !== true) {
              finish(new SmokeError(step, `job:subscribe was refused: ${excerpt(JSON.stringify(ack) ?? 'undefined')}`));
              return;
            }
            // The job may have finished before we subscribed: the ack carries its current state.
            if (a.job !== undefined) onJob(a.job);
          });
      });
    });
  }

  async run(): Promise<SmokeReport> {
    const durationsMs: Record<string, number> = {};
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      try {
        return await fn();
      } finally {
        durationsMs[name] = Date.now() - start;
      }
    };
    this.log(`smoke: ${this.baseUrl} (correlation id ${this.correlationId}, wait=${this.wait})`);
    const readyDeadline = Date.now() + this.readyTimeoutMs;
    await timed('frontend-health', () => this.expectOk('frontend-health', '/healthz', readyDeadline));
    await timed('api-health', () => this.expectOk('api-health', '/api/health', readyDeadline));
    await timed('api-ready', () => this.expectOk('api-ready', '/api/ready', readyDeadline));

    const input = `aks-platform smoke ${this.correlationId}`;
    const digest = createHash('sha256').update(input, 'utf8').digest('hex');
    const created = await timed('create-job', () => this.createJob(input));
    const done = await timed('wait-job', () => (this.wait === 'socket' ? this.socketUntilDone(created.id) : this.pollUntilDone(created.id)));
    if (done.status !== 'succeeded') {
      throw new SmokeError('wait-job', `job ${created.id} ended "${done.status}", expected "succeeded"; error: ${excerpt(JSON.stringify(done.error) ?? 'none')}`);
    }
    const stored = await timed('verify-job', () => this.getJob('verify-job', created.id));
    if (stored.status !== 'succeeded') {
      throw new SmokeError('verify-job', `GET /api/jobs/${created.id} says "${stored.status}" after a "succeeded" event`);
    }
    const resultText = JSON.stringify(stored.result) ?? '';
    if (!resultText.toLowerCase().includes(digest)) {
      throw new SmokeError('verify-job', `job ${created.id} result ${excerpt(resultText)} does not contain the expected sha256 ${digest}`);
    }
    this.log(`ok   verify-job: job ${created.id} succeeded with the expected sha256`);
    return { baseUrl: this.baseUrl, jobId: created.id, correlationId: this.correlationId, wait: this.wait, durationsMs };
  }
}

/** Runs every smoke check against `opts.baseUrl`; rejects with a SmokeError naming the failed step. */
export function runSmoke(opts: SmokeOptions): Promise<SmokeReport> {
  return new SmokeRun(opts).run();
}

const USAGE =
  'usage: npm run smoke -- <baseUrl> [--wait socket|poll] [--ready-timeout-ms N] [--request-timeout-ms N] [--job-timeout-ms N]';

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (milliseconds), got "${raw}"`);
  return n;
}

/** Parses CLI arguments into SmokeOptions; throws an Error whose message is fit for the user. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): SmokeOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      wait: { type: 'string' },
      'ready-timeout-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'job-timeout-ms': { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new Error(`expected one base URL, got ${positionals.length}: ${positionals.join(' ')}`);
  const baseUrl = positionals[0] ?? env.SMOKE_BASE_URL;
  if (!baseUrl) throw new Error('missing base URL (pass it as the first argument or set SMOKE_BASE_URL)');
  const wait = values.wait ?? 'socket';
  if (wait !== 'socket' && wait !== 'poll') throw new Error(`--wait must be one of socket, poll; got "${wait}"`);
  return {
    baseUrl: normaliseBaseUrl(baseUrl),
    wait,
    readyTimeoutMs: positiveInt('ready-timeout-ms', values['ready-timeout-ms']),
    requestTimeoutMs: positiveInt('request-timeout-ms', values['request-timeout-ms']),
    jobTimeoutMs: positiveInt('job-timeout-ms', values['job-timeout-ms']),
  };
}

async function main(): Promise<number> {
  let opts: SmokeOptions;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`smoke: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const report = await runSmoke(opts);
    console.log(`smoke: PASSED ${JSON.stringify(report.durationsMs)}`);
    return 0;
  } catch (err) {
    console.error(`smoke: FAILED ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
