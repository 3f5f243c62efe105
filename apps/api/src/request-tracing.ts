/**
 * A span per HTTP request, continuing the caller's W3C `traceparent` (the
 * SPA sends one with every call). The request's log lines carry `trace_id` and
 * `span_id`, and the span's `traceparent` travels on with the job it creates.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TRACEPARENT_HEADER, type Tracing, type WorkSpan } from '@aks-platform/common';

const spans = new WeakMap<FastifyRequest, WorkSpan>();

export function registerRequestTracing(app: FastifyInstance, tracing: Tracing, opts: { untraced?: ReadonlySet<string> } = {}): void {
  app.addHook('onRequest', async (req) => {
    const route = req.routeOptions.url;
    // Route templates that get no span (probes, scrapes): no ids, no child logger, nothing exported.
    if (route !== undefined && opts.untraced?.has(route)) return;
    const span = tracing.startSpan(`${req.method} ${route ?? 'unmatched'}`, {
      traceparent: req.headers[TRACEPARENT_HEADER],
      kind: 'server',
      attributes: { 'http.request.method': req.method, ...(route ? { 'http.route': route } : {}) },
    });
    spans.set(req, span);
    req.log = req.log.child(span.logFields);
  });
  app.addHook('onResponse', async (req, reply) => {
    const span = spans.get(req);
    if (!span) return;
    span.setAttributes({ 'http.response.status_code': reply.statusCode });
    if (reply.statusCode >= 500) span.setError(`HTTP ${reply.statusCode}`);
    span.end();
  });
}

/** The span of a request (undefined outside a traced request). */
export function requestSpan(req: FastifyRequest): WorkSpan | undefined {
  return spans.get(req);
}
