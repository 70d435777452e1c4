import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';

const labelNames = ['service', 'method', 'route', 'status'] as const;

interface HttpMetricSet {
  requests: Counter<(typeof labelNames)[number]>;
  errors: Counter<(typeof labelNames)[number]>;
  duration: Histogram<(typeof labelNames)[number]>;
}

const sets = new WeakMap<Registry, HttpMetricSet>();

function metricSet(registry: Registry): HttpMetricSet {
  let s = sets.get(registry);
  if (!s) {
    s = {
      requests: new Counter({
        name: 'http_requests_total',
        help: 'HTTP requests handled',
        labelNames,
        registers: [registry],
      }),
      errors: new Counter({
        name: 'http_request_errors_total',
        help: 'HTTP requests answered with status >= 500',
        labelNames,
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration',
        labelNames,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    };
    sets.set(registry, s);
  }
  return s;
}

/**
 * Per-service HTTP metrics: request count, error count and a duration histogram by route and status, labelled with
 * the service. Services sharing one process share one registry (the `service` label tells them apart).
 */
export function registerHttpMetrics(app: FastifyInstance, service: string, registry: Registry): Registry {
  const m = metricSet(registry);
  app.addHook('onResponse', async (req, reply) => {
    const labels = {
      service,
      method: req.method,
      route: req.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    m.requests.inc(labels);
    if (reply.statusCode >= 500) m.errors.inc(labels);
    m.duration.observe(labels, reply.elapsedTime / 1000);
  });
  return registry;
}

export async function renderMetrics(registries: Registry[]): Promise<{ contentType: string; body: string }> {
  const unique = [...new Set(registries)];
  const bodies = await Promise.all(unique.map((r) => r.metrics()));
  return { contentType: unique[0]?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8', body: bodies.join('\n') };
}
