/**
 * Observability of the running apps against real PostgreSQL and Redis:
 *  - a client's W3C trace id reaches the api's and the agent's log lines for the same job
 *    (the api carries it in the job's stream entry) and their OpenTelemetry spans;
 *  - with OTEL_EXPORTER_OTLP_ENDPOINT set, the tracing module exports over OTLP/HTTP to a
 *    real receiver (in a plain Node child process: the exporter loads `http` with a dynamic
 *    import, which Jest's module sandbox refuses);
 *  - every metric the Prometheus rules and the Grafana panels name (lib/alert-rules.ts,
 *    lib/dashboards) is in the api's or the agent's real /metrics output, or comes from
 *    managed Prometheus's default targets (lib/monitoring.ts), or is recorded by a rule.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { allRuleExpressions, isAlert, ruleGroups } from '../../../lib/alert-rules';
import { DASHBOARDS, dashboardQueries, expandGrafanaVariables } from '../../../lib/dashboards';
import { managedPrometheusMetricNames } from '../../../lib/monitoring';
import { analysePromql } from '../../../test/support/promql';
import { startAgent, type AgentHandle } from '../../agent/src';
import { createLogger, startTracing, tracingWithExporter } from '@aks-platform/common';
import { appEnv, httpJson, postgresDatabase, startOidcIssuer, startRedis, waitFor, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(60000);

type Line = Record<string, any>;
function capture(): { lines: Line[]; destination: Writable } {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, destination };
}

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let issuer: OidcIssuer;
let auth: Record<string, string>;
let agent: AgentHandle;
let otlp: Server;
const exported: string[] = [];
const apiLog = capture();
const agentLog = capture();
const apiSpans = new InMemorySpanExporter();
const agentSpans = new InMemorySpanExporter();

beforeAll(async () => {
  otlp = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') exported.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r));
  // A database of its own on the run's shared server: nothing here stops or breaks PostgreSQL.
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  auth = { authorization: `Bearer ${await issuer.token()}` };
  const env = appEnv(pg, redis, { OUTBOX_INTERVAL_MS: '200' });
  api = await startApi({
    env: { ...env, ...issuer.apiEnv() },
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ service: 'api', level: 'debug', destination: apiLog.destination }),
    tracing: await tracingWithExporter('api', apiSpans, 'custom', { batch: false }),
  });
  agent = await startAgent({
    env,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ service: 'agent', level: 'debug', destination: agentLog.destination }),
    tracing: await tracingWithExporter('agent', agentSpans, 'custom', { batch: false }),
  });
  await Promise.all([api.schemaReady, agent.warm]);
});

afterAll(async () => {
  await agent?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
  await new Promise((r) => otlp?.close(r));
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

test('a trace id sent by the client appears in the api’s and the agent’s log lines and spans for the same job', async () => {
  const posted = await httpJson(`${api.url}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: CLIENT_TRACEPARENT, ...auth },
    body: JSON.stringify({ type: 'wordcount', input: 'trace me please' }),
  });
  expect(posted.status).toBe(202);
  const id = posted.body.id as string;
  await waitFor(async () => (await httpJson(`${api.url}/api/jobs/${id}`, { headers: auth })).body.status === 'succeeded', 15000, 'job succeeded');

  const accepted = await waitFor(() => apiLog.lines.find((l) => l.jobId === id && l.message === 'job accepted'), 5000, 'api log line');
  expect(accepted).toMatchObject({ service: 'api', trace_id: TRACE_ID });
  expect(accepted.span_id).toMatch(/^[0-9a-f]{16}$/);
  expect(accepted.span_id).not.toBe('00f067aa0ba902b7');
  const finished = await waitFor(() => agentLog.lines.find((l) => l.jobId === id && l.message === 'job finished'), 5000, 'agent log line');
  expect(finished).toMatchObject({ service: 'agent', trace_id: TRACE_ID, status: 'succeeded' });
  // Every agent line of this job carries the trace id.
  expect(agentLog.lines.filter((l) => l.jobId === id).every((l) => l.trace_id === TRACE_ID)).toBe(true);

  // The spans: the api's request span is the child of the client's, the agent's job span the child of the api's.
  const request = apiSpans.getFinishedSpans().find((sp) => sp.name === 'POST /api/jobs' && sp.spanContext().traceId === TRACE_ID);
  expect(request?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  expect(request?.spanContext().spanId).toBe(accepted.span_id);
  const job = await waitFor(() => agentSpans.getFinishedSpans().find((sp) => sp.name === 'job process' && sp.attributes['job.id'] === id), 5000, 'agent span');
  expect(job.spanContext().traceId).toBe(TRACE_ID);
  expect(job.parentSpanContext?.spanId).toBe(accepted.span_id);
  expect(job.attributes).toMatchObject({ 'job.type': 'wordcount', 'job.status': 'succeeded' });

  // Probes and scrapes get no span (they would flood the trace store); a GET of a job does.
  await httpJson(`${api.url}/api/health`, { headers: { traceparent: CLIENT_TRACEPARENT } });
  await httpJson(`${api.url}/api/ready`);
  await httpJson(`${api.url}/metrics`);
  const names = apiSpans.getFinishedSpans().map((sp) => sp.name);
  expect(names).toContain('GET /api/jobs/:id');
  expect(names.filter((n) => /\/api\/health|\/api\/ready|\/metrics/.test(n))).toEqual([]);
});

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, spans are exported over OTLP/HTTP to the endpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-'));
  const script = join(dir, 'export.ts');
  writeFileSync(
    script,
    `import { startTracing } from ${JSON.stringify(resolve(__dirname, '../../common/src/tracing'))};
     (async () => {
       const tracing = await startTracing('api', process.env);
       if (tracing.exporter !== 'otlp') throw new Error('exporter ' + tracing.exporter);
       tracing.startSpan('POST /api/jobs', { traceparent: process.env.TRACEPARENT, kind: 'server' }).end();
       await tracing.shutdown();
     })();`,
  );
  try {
    // npm start's require hook (SWC, compiled files cached in the clone): ~0.1 CPU-s less than tsx/cjs,
    // which also scans every dependency's JavaScript for ESM syntax.
    const child = spawn(process.execPath, ['--require', './scripts/local/ts-hook.cjs', script], {
      cwd: resolve(__dirname, '../../..'),
      env: { PATH: process.env.PATH, TRACEPARENT: CLIENT_TRACEPARENT, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.address() as AddressInfo).port}/` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise((r) => child.once('exit', r));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // OTLP/HTTP JSON carries the ids as hex and the resource's service name.
  expect(exported.some((body) => body.includes(TRACE_ID) && body.includes('"service.name"') && body.includes('"api"'))).toBe(true);
});

test('a request without a trace context starts a new trace; without an exporter, tracing is off (no SDK) and still propagates', async () => {
  const res = await httpJson(`${api.url}/api/jobs/00000000-0000-4000-8000-000000000000`, { headers: auth });
  expect(res.status).toBe(404);
  const line = await waitFor(() => apiLog.lines.find((l) => l.url === '/api/jobs/00000000-0000-4000-8000-000000000000'), 5000, 'request log line');
  expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect(line.trace_id).not.toBe(TRACE_ID);

  const off = await startTracing('api', {});
  expect(off.exporter).toBe('off');
  const span = off.startSpan('x', { traceparent: CLIENT_TRACEPARENT });
  expect(span.traceId).toBe(TRACE_ID);
  expect(span.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  expect(off.startSpan('x', { traceparent: 'garbage' }).traceId).toMatch(/^[0-9a-f]{32}$/);
});

/** Metric names in a Prometheus text exposition (sample lines only). */
function exportedNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)?.[0] ?? ''),
  );
}

test('every metric the rules and dashboards name is exported by the running apps (or by managed Prometheus, or recorded by a rule)', async () => {
  // Traffic first, so every labelled series has a sample (the job above ran already).
  const [apiMetrics, agentMetrics] = await Promise.all([httpJson(`${api.url}/metrics`), httpJson(`${agent.url}/metrics`)]);
  expect(apiMetrics.status).toBe(200);
  const apps = new Set([...exportedNames(String(apiMetrics.body)), ...exportedNames(String(agentMetrics.body))]);
  const recorded = new Set(ruleGroups().flatMap((g) => g.rules.filter((r) => !isAlert(r)).map((r) => (r as { record: string }).record)));
  const managed = managedPrometheusMetricNames();
  const used = [
    ...allRuleExpressions().map((e) => ({ where: `rule ${e.where}`, expr: e.expr })),
    ...Object.values(DASHBOARDS).flatMap(dashboardQueries).map((q) => ({ where: `panel ${q.where}`, expr: expandGrafanaVariables(q.expr) })),
  ].flatMap(({ where, expr }) => analysePromql(expr).metrics.map((metric) => ({ where, metric })));
  expect(used.length).toBeGreaterThan(50);
  const missing = used.filter(({ metric }) => !apps.has(metric) && !managed.has(metric) && !recorded.has(metric));
  expect(missing).toEqual([]);
  // The app metrics the alerts need are there, with values.
  for (const name of ['http_requests_total', 'http_request_duration_seconds_bucket', 'jobs_processed_total', 'job_processing_seconds_bucket', 'jobs_queue_lag', 'jobs_queue_pending', 'jobs_oldest_pending_age_seconds', 'socketio_connected_clients']) {
    expect({ name, exported: apps.has(name) }).toEqual({ name, exported: true });
  }
  // The check can fail: a name no app exports is reported.
  expect(apps.has('jobs_made_up_total') || managed.has('jobs_made_up_total')).toBe(false);
});

test('the queue gauges follow the queue: a queued job shows as lag and as the oldest pending age', async () => {
  await agent.worker.stop(1000); // no consumer from here on
  const posted = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ type: 'sha256', input: 'waits' }) });
  expect(posted.status).toBe(202);
  await new Promise((r) => setTimeout(r, 1100)); // older than the 1 s snapshot, and ≥ 1 s of age
  const text = String((await httpJson(`${api.url}/metrics`)).body);
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
  expect(value('jobs_queue_lag')).toBeGreaterThanOrEqual(1);
  expect(value('jobs_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(1);
});
