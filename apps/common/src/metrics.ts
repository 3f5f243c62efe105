/** Prometheus metrics: one registry per process with default Node metrics and HTTP RED metrics. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const UNMATCHED_ROUTE = 'unmatched';

export interface HttpMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status_code'>;
  duration: Histogram<'method' | 'route' | 'status_code'>;
  /** Records one finished request. `route` must be a route template (e.g. /api/jobs/:id), never a raw URL. */
  observe(method: string, route: string | undefined, statusCode: number, seconds: number): void;
}

export function createMetrics(service: string, opts: { defaultMetrics?: boolean } = {}): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    requests,
    duration,
    observe(method, route, statusCode, seconds) {
      // Raw URLs would give unbounded label cardinality; unknown paths share one label.
      const labels = { method: method.toUpperCase(), route: route || UNMATCHED_ROUTE, status_code: String(statusCode) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
