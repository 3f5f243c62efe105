import { Writable } from 'node:stream';
import { resolveCorrelationId } from '../src/correlation';
import { createLogger } from '../src/logger';
import { createMetrics, UNMATCHED_ROUTE } from '../src/metrics';

function capture() {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  test('writes JSON with timestamp, level label, service, correlation id and message', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'api', destination });
    log.child({ correlationId: 'abc-1' }).info({ jobId: 'j1' }, 'job accepted');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      service: 'api',
      correlationId: 'abc-1',
      jobId: 'j1',
      message: 'job accepted',
    });
  });

  test('redacts secrets wherever they appear', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'agent', destination });
    log.info(
      {
        password: 'p1',
        pg: { host: 'db', password: 'p2' },
        env: { PGPASSWORD: 'p3', REDIS_PASSWORD: 'p4' },
        req: { headers: { authorization: 'Bearer p5', cookie: 'sid=p6', accept: 'json' } },
        config: { redis: { password: 'p7' } },
      },
      'config loaded',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']) expect(text).not.toContain(`${secret}"`);
    expect(lines[0].pg).toEqual({ host: 'db', password: '[redacted]' });
    expect(lines[0].req.headers.accept).toBe('json');
  });

  test('respects the level', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'api', level: 'warn', destination });
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((l) => l.message)).toEqual(['shown']);
  });
});

describe('correlation id', () => {
  test('accepts well-formed ids and replaces others with a UUID', () => {
    expect(resolveCorrelationId('req-123_abc.def:9')).toBe('req-123_abc.def:9');
    expect(resolveCorrelationId(['first', 'second'])).toBe('first');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const bad of [undefined, '', 'has space', 'x'.repeat(129), 'line\nbreak', '<script>']) {
      expect(resolveCorrelationId(bad)).toMatch(uuid);
    }
  });
});

describe('metrics', () => {
  test('labels requests by method, route template and status; unknown routes share one label', async () => {
    const m = createMetrics('api', { defaultMetrics: false });
    m.observe('post', '/api/jobs', 202, 0.003);
    m.observe('GET', '/api/jobs/:id', 404, 0.001);
    m.observe('GET', undefined, 404, 0.001);
    const text = await m.registry.metrics();
    expect(text).toContain('http_requests_total{method="POST",route="/api/jobs",status_code="202",service="api"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="/api/jobs/:id",status_code="404",service="api"} 1');
    expect(text).toContain(`http_requests_total{method="GET",route="${UNMATCHED_ROUTE}",status_code="404",service="api"} 1`);
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.005",service="api",method="POST",route="/api/jobs",status_code="202"} 1');
    expect(text).toContain('http_request_duration_seconds_bucket{le="0.0025",service="api",method="POST",route="/api/jobs",status_code="202"} 0');
  });
});
