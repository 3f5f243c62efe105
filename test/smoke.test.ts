/**
 * scripts/smoke.ts against a tiny in-process fake of the ingress (frontend
 * /healthz + api routes + Socket.IO), so the smoke test's own logic is tested
 * without the real apps or a cluster.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as IoServer } from 'socket.io';
import { normaliseBaseUrl, parseCli, runSmoke, SmokeError } from '../scripts/smoke';

interface FakeJob {
  id: string;
  type: string;
  input: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  result: unknown;
  error: unknown;
}

interface Behaviour {
  healthz: number;
  readyStatus: () => number;
  createStatus: number;
  /** What the "agent" does with a job. */
  outcome: 'succeed' | 'fail' | 'hang' | 'wrong-result';
  /** Delay between status changes. */
  stepMs: number;
  emitEvents: boolean;
}

class FakeIngress {
  readonly jobs = new Map<string, FakeJob>();
  readonly seenCorrelationIds = new Set<string>();
  behaviour: Behaviour = {
    healthz: 200,
    readyStatus: () => 200,
    createStatus: 202,
    outcome: 'succeed',
    stepMs: 30,
    emitEvents: true,
  };
  private http!: HttpServer;
  private io!: IoServer;
  private timers: NodeJS.Timeout[] = [];
  url = '';

  async start(): Promise<void> {
    this.http = createServer((req, res) => void this.handle(req, res));
    this.io = new IoServer(this.http, { path: '/socket.io/' });
    this.io.on('connection', (socket) => {
      socket.on('job:subscribe', (payload: { id?: unknown }, ack?: (a: unknown) => void) => {
        const job = typeof payload?.id === 'string' ? this.jobs.get(payload.id) : undefined;
        if (!job) {
          ack?.({ ok: false, error: 'not_found' });
          return;
        }
        void socket.join(`job:${job.id}`);
        ack?.({ ok: true, job });
      });
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearTimeout);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private setStatus(job: FakeJob, status: FakeJob['status']): void {
    job.status = status;
    if (this.behaviour.emitEvents) this.io.to(`job:${job.id}`).emit('job:status', { ...job });
  }

  private schedule(job: FakeJob): void {
    const { outcome, stepMs } = this.behaviour;
    if (outcome === 'hang') return;
    this.timers.push(
      setTimeout(() => {
        this.setStatus(job, 'running');
        this.timers.push(
          setTimeout(() => {
            if (outcome === 'fail') {
              job.error = { message: 'boom in agent' };
              this.setStatus(job, 'failed');
              return;
            }
            const text = outcome === 'wrong-result' ? 'something else' : job.input;
            job.result = { sha256: createHash('sha256').update(text).digest('hex') };
            this.setStatus(job, 'succeeded');
          }, stepMs),
        );
      }, stepMs),
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cid = req.headers['x-correlation-id'];
    if (typeof cid === 'string') this.seenCorrelationIds.add(cid);
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/healthz') return this.send(res, this.behaviour.healthz, { status: 'ok' });
    if (req.method === 'GET' && url === '/api/health') return this.send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url === '/api/ready') {
      const status = this.behaviour.readyStatus();
      return this.send(res, status, status === 200 ? { status: 'ready' } : { status: 'not_ready', checks: { postgres: 'ok', redis: 'timeout' } });
    }
    if (req.method === 'POST' && url === '/api/jobs') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw) as { type: string; input: string };
      if (this.behaviour.createStatus !== 202) {
        return this.send(res, this.behaviour.createStatus, { error: 'validation_failed', field: 'type', message: 'must be one of wordcount, sha256, sleep' });
      }
      const job: FakeJob = { id: randomUUID(), type: body.type, input: body.input, status: 'queued', result: null, error: null };
      this.jobs.set(job.id, job);
      this.schedule(job);
      return this.send(res, 202, { id: job.id, type: job.type, status: job.status, createdAt: new Date().toISOString() });
    }
    const m = /^\/api\/jobs\/([^/]+)$/.exec(url);
    if (req.method === 'GET' && m) {
      const job = this.jobs.get(m[1]);
      return job ? this.send(res, 200, job) : this.send(res, 404, { error: 'not_found' });
    }
    this.send(res, 404, { error: 'not_found' });
  }
}

describe('smoke test script', () => {
  let fake: FakeIngress;
  const lines: string[] = [];
  const fast = { requestTimeoutMs: 2_000, readyTimeoutMs: 1_000, jobTimeoutMs: 2_000, intervalMs: 50, log: (l: string) => lines.push(l) };

  beforeEach(async () => {
    lines.length = 0;
    fake = new FakeIngress();
    await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it.each(['socket', 'poll'] as const)('passes against a healthy ingress (wait=%s)', async (wait) => {
    const report = await runSmoke({ ...fast, baseUrl: `${fake.url}/`, wait });
    expect(report.wait).toBe(wait);
    expect(fake.jobs.get(report.jobId)?.status).toBe('succeeded');
    expect(fake.seenCorrelationIds).toEqual(new Set([report.correlationId]));
    expect(Object.keys(report.durationsMs)).toEqual(['frontend-health', 'api-health', 'api-ready', 'create-job', 'wait-job', 'verify-job']);
    expect(lines.some((l) => l.includes('succeeded with the expected sha256'))).toBe(true);
  });

  it('uses the subscribe ack when the job finished before the subscription', async () => {
    fake.behaviour = { ...fake.behaviour, stepMs: 0, emitEvents: false };
    await expect(runSmoke({ ...fast, baseUrl: fake.url, wait: 'socket' })).resolves.toMatchObject({ wait: 'socket' });
  });

  it('retries readiness until it turns green', async () => {
    let calls = 0;
    fake.behaviour = { ...fake.behaviour, readyStatus: () => (++calls < 3 ? 503 : 200) };
    await runSmoke({ ...fast, baseUrl: fake.url, wait: 'poll' });
    expect(calls).toBe(3);
    expect(lines).toContain('ok   api-ready: GET /api/ready -> 200 (attempt 3)');
  });

  it('fails on a readiness that stays red, naming the endpoint and the body', async () => {
    fake.behaviour = { ...fake.behaviour, readyStatus: () => 503 };
    const err = await runSmoke({ ...fast, baseUrl: fake.url, readyTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmokeError);
    expect((err as SmokeError).step).toBe('api-ready');
    expect((err as Error).message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/ready answered 503, expected 200; body: .*"redis":"timeout"/);
    expect((err as Error).message).toMatch(/gave up after \d+ attempts/);
  });

  it('fails when the frontend health check is not 200', async () => {
    fake.behaviour = { ...fake.behaviour, healthz: 404 };
    await expect(runSmoke({ ...fast, baseUrl: fake.url, readyTimeoutMs: 100 })).rejects.toThrow(/\[frontend-health\] GET .*\/healthz answered 404/);
  });

  it('fails with the api error when the job is rejected', async () => {
    fake.behaviour = { ...fake.behaviour, createStatus: 400 };
    await expect(runSmoke({ ...fast, baseUrl: fake.url })).rejects.toThrow(/\[create-job\] POST .*\/api\/jobs answered 400, expected 202; body: .*validation_failed/);
  });

  it.each(['socket', 'poll'] as const)('reports a failed job with its error (wait=%s)', async (wait) => {
    fake.behaviour = { ...fake.behaviour, outcome: 'fail' };
    await expect(runSmoke({ ...fast, baseUrl: fake.url, wait })).rejects.toThrow(/\[wait-job\] job .* ended "failed", expected "succeeded"; error: .*boom in agent/);
  });

  it.each([
    ['socket', /\[wait-job\(socket\)\] no terminal job:status for job .* within 300 ms \(last status "queued"/],
    ['poll', /\[wait-job\(poll\)\] job .* still "queued" after 300 ms/],
  ] as const)('times out when no agent picks the job up (wait=%s)', async (wait, expected) => {
    fake.behaviour = { ...fake.behaviour, outcome: 'hang' };
    await expect(runSmoke({ ...fast, baseUrl: fake.url, wait, jobTimeoutMs: 300 })).rejects.toThrow(expected);
  });

  it('detects a result that does not carry the expected digest', async () => {
    fake.behaviour = { ...fake.behaviour, outcome: 'wrong-result' };
    await expect(runSmoke({ ...fast, baseUrl: fake.url, wait: 'poll' })).rejects.toThrow(/\[verify-job\] .* does not contain the expected sha256 [0-9a-f]{64}/);
  });

  it('names an unreachable ingress', async () => {
    await fake.stop();
    const err = (await runSmoke({ ...fast, baseUrl: fake.url, readyTimeoutMs: 100 }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^\[frontend-health\] GET http:\/\/127\.0\.0\.1:\d+\/healthz failed: .*ECONNREFUSED/);
    fake = new FakeIngress();
    await fake.start();
  });
});

describe('smoke CLI arguments', () => {
  it('parses the base URL and options', () => {
    expect(parseCli(['https://app.example.com/', '--wait', 'poll', '--job-timeout-ms', '5000'], {})).toEqual({
      baseUrl: 'https://app.example.com',
      wait: 'poll',
      jobTimeoutMs: 5000,
      readyTimeoutMs: undefined,
      requestTimeoutMs: undefined,
    });
  });
  it('falls back to SMOKE_BASE_URL', () => {
    expect(parseCli([], { SMOKE_BASE_URL: 'http://20.1.2.3' }).baseUrl).toBe('http://20.1.2.3');
  });
  it.each([
    [[], /missing base URL/],
    [['ftp://x'], /must use http: or https:, got ftp:/],
    [['not a url'], /"not a url" is not a valid URL/],
    [['http://x', '--wait', 'carrier-pigeon'], /--wait must be one of socket, poll; got "carrier-pigeon"/],
    [['http://x', '--job-timeout-ms', '0'], /--job-timeout-ms must be a positive integer/],
    [['http://a', 'http://b'], /expected one base URL, got 2/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCli(argv as string[], {})).toThrow(message);
  });
  it('keeps a path prefix on the base URL', () => {
    expect(normaliseBaseUrl('https://example.com/app/')).toBe('https://example.com/app');
  });
});
