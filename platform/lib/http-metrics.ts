import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';

/** Per-service HTTP metrics: request count, error count and a duration histogram by route and status. */
export function registerHttpMetrics(app: FastifyInstance, service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests handled', labelNames, registers: [registry] });
  const errors = new Counter({ name: 'http_request_errors_total', help: 'HTTP requests answered with status >= 500', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    requests.inc(labels);
    if (reply.statusCode >= 500) errors.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  return registry;
}

export async function renderMetrics(registries: Registry[]): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge(registries);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
