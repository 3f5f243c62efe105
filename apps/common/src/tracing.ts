/**
 * W3C trace context for the api and the agent, with OpenTelemetry spans
 * exported only when configured.
 *
 *  - Every request or job runs in a span that continues the caller's
 *    `traceparent` (W3C Trace Context, parsed by OpenTelemetry's propagator)
 *    or starts a new trace. Its ids go into the log lines (`trace_id`,
 *    `span_id`) and its `traceparent` is handed on (the job's stream entry).
 *  - Export: `OTEL_EXPORTER_OTLP_ENDPOINT` (any OTLP/HTTP endpoint, e.g. an
 *    OpenTelemetry Collector) or `APPLICATIONINSIGHTS_CONNECTION_STRING`
 *    (Application Insights, through @azure/monitor-opentelemetry-exporter).
 *    With neither, no SDK is loaded: ids are made here, nothing is buffered
 *    or sent.
 */
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, isSpanContextValid, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Env } from './config';

/** Request header and stream field that carry the trace context. */
export const TRACEPARENT_HEADER = 'traceparent';

const propagator = new W3CTraceContextPropagator();

export type SpanKindName = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

/** One unit of work (a request, a job run) inside a trace. */
export interface WorkSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** The W3C `traceparent` of this span: hand it to the next hop. */
  readonly traceparent: string;
  /** Fields for the log lines of this work: `{ trace_id, span_id }`. */
  readonly logFields: { trace_id: string; span_id: string };
  setAttributes(attributes: Attributes): void;
  /** Marks the span failed. */
  setError(message: string): void;
  end(): void;
}

export interface Tracing {
  /** Where spans go: `otlp`, `azure-monitor`, `custom` (an exporter handed in), or `off` (ids and propagation only). */
  readonly exporter: 'otlp' | 'azure-monitor' | 'custom' | 'off';
  /** Starts a span that continues `traceparent` (a new trace when it is absent or malformed). */
  startSpan(name: string, opts?: { traceparent?: string | string[]; kind?: SpanKindName; attributes?: Attributes }): WorkSpan;
  /** Sends what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

/** The caller's span context, when `traceparent` is a valid W3C header. */
export function parseTraceparent(traceparent: string | string[] | undefined) {
  const value = Array.isArray(traceparent) ? traceparent[0] : traceparent;
  if (typeof value !== 'string') return undefined;
  const span = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { [TRACEPARENT_HEADER]: value }, defaultTextMapGetter));
  return span && isSpanContextValid(span) ? span : undefined;
}

function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  const carrier: Record<string, string> = {};
  const ctx = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags });
  propagator.inject(ctx, carrier, defaultTextMapSetter);
  return carrier[TRACEPARENT_HEADER];
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

function workSpan(traceId: string, spanId: string, traceFlags: number, hooks: Partial<Pick<WorkSpan, 'setAttributes' | 'setError' | 'end'>> = {}): WorkSpan {
  return {
    traceId,
    spanId,
    traceparent: formatTraceparent(traceId, spanId, traceFlags),
    logFields: { trace_id: traceId, span_id: spanId },
    setAttributes: hooks.setAttributes ?? (() => undefined),
    setError: hooks.setError ?? (() => undefined),
    end: hooks.end ?? (() => undefined),
  };
}

/** Trace context without an SDK: continue the caller's trace id with a new span id, or start a trace. */
const OFF: Tracing = {
  exporter: 'off',
  startSpan(_name, opts = {}) {
    const parent = parseTraceparent(opts.traceparent);
    return workSpan(parent?.traceId ?? randomHex(16), randomHex(8), parent?.traceFlags ?? 1);
  },
  shutdown: async () => undefined,
};

function sdkTracing(tracer: Tracer, exporter: Tracing['exporter'], shutdown: () => Promise<void>): Tracing {
  return {
    exporter,
    startSpan(name, opts = {}) {
      const parent = propagator.extract(ROOT_CONTEXT, { [TRACEPARENT_HEADER]: String(opts.traceparent ?? '') }, defaultTextMapGetter);
      const span = tracer.startSpan(name, { kind: KINDS[opts.kind ?? 'internal'], attributes: opts.attributes }, parent);
      const ctx = span.spanContext();
      return workSpan(ctx.traceId, ctx.spanId, ctx.traceFlags, {
        setAttributes: (a) => void span.setAttributes(a),
        setError: (message) => void span.setStatus({ code: SpanStatusCode.ERROR, message }),
        end: () => span.end(),
      });
    },
    shutdown,
  };
}

/**
 * Tracing that exports through `exporter` (OpenTelemetry SDK, batched). Used by
 * {@link startTracing}; tests hand in an in-memory exporter.
 */
export async function tracingWithExporter(
  service: string,
  exporter: import('@opentelemetry/sdk-trace-base').SpanExporter,
  kind: Tracing['exporter'],
  opts: { serviceName?: string; batch?: boolean } = {},
): Promise<Tracing> {
  const [{ BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName || service }),
    spanProcessors: [opts.batch === false ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  return sdkTracing(provider.getTracer(`@aks-platform/${service}`), kind, () => provider.shutdown());
}

/**
 * Tracing for one service, from its environment. Loads the OpenTelemetry SDK
 * and an exporter only when an exporter is configured.
 */
export async function startTracing(service: string, env: Env = process.env): Promise<Tracing> {
  const otlp = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const appInsights = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (otlp) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    // The endpoint is the OTLP base URL; traces go to <endpoint>/v1/traces.
    return tracingWithExporter(service, new OTLPTraceExporter({ url: `${otlp.replace(/\/+$/, '')}/v1/traces` }), 'otlp', { serviceName });
  }
  if (appInsights) {
    const { AzureMonitorTraceExporter } = await import('@azure/monitor-opentelemetry-exporter');
    return tracingWithExporter(service, new AzureMonitorTraceExporter({ connectionString: appInsights }), 'azure-monitor', { serviceName });
  }
  return OFF;
}
