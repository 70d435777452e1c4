import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Distributed tracing with OpenTelemetry. Enabled only when an OTLP endpoint is configured (the standard
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces); otherwise nothing is registered
 * and every call below hits the API's no-op implementation, so requests pay next to nothing.
 * W3C `traceparent` crosses gateway → services (HTTP headers), events (stored with each event) and the saga.
 */

const TRACER = 'pitchey-platform';
let provider: NodeTracerProvider | null = null;

export function otlpTracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | null {
  const direct = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (direct) return direct;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/$/, '')}/v1/traces` : null;
}

/** Once per process (later calls are ignored): the service name is the first caller's. */
export function initTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (provider) return true;
  const url = otlpTracesEndpoint(env);
  if (!url) return false;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url }), {
        scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY ?? 1000),
      }),
    ],
  });
  // AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
  return true;
}

export function tracingEnabled(): boolean {
  return provider !== null;
}

/** Sends buffered spans now (a platform closing); tracing stays on for others in this process. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush().catch(() => {});
}

/** Sends buffered spans and turns tracing off. */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = null;
  await p?.shutdown().catch(() => {});
}

export const tracer = () => trace.getTracer(TRACER);

/** Runs `fn` in a new active span; records a thrown error on it. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  fn: (span: Span) => Promise<T>,
  parent?: Context,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind }, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** The current context as a `traceparent` value (null when there is no active trace). */
export function currentTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  return traceparent ? propagation.extract(context.active(), { traceparent }) : context.active();
}

/** Adds `traceparent` (and `tracestate`) of the active context to outgoing headers. */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** ` trace_id=…` for log lines written inside a trace, '' otherwise. */
export function traceTag(): string {
  const id = trace.getSpanContext(context.active())?.traceId;
  return id ? ` trace_id=${id}` : '';
}

const serverSpans = new WeakMap<FastifyRequest, Span>();

/** ` trace_id=…` of a request's server span (for log lines written outside its handler, e.g. error handlers). */
export function traceTagOf(req: FastifyRequest): string {
  const id = serverSpans.get(req)?.spanContext().traceId;
  return id ? ` trace_id=${id}` : '';
}

/**
 * A SERVER span per request, child of the caller's `traceparent`; route handlers run inside it (wrapped at route
 * registration, so register this before any route). No-op unless tracing is enabled.
 */
export function registerTracing(app: FastifyInstance): void {
  if (!tracingEnabled()) return;
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function traced(this: FastifyInstance, req, reply) {
      const span = serverSpans.get(req);
      return span
        ? context.with(trace.setSpan(context.active(), span), () => handler.call(this, req, reply))
        : handler.call(this, req, reply);
    };
  });
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify hook: a throw must become a rejection
  app.addHook('onRequest', async (req) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(
      `${req.method} ${req.routeOptions.url ?? 'unmatched'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.url.split('?')[0] } },
      parent,
    );
    serverSpans.set(req, span);
  });
  app.addHook('onResponse', async (req, reply) => {
    const span = serverSpans.get(req);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

export { SpanKind };
