import type { LoadSection, MetricSummary, ScenarioSummary } from '../../core/result-load.js';
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../duration.js';
import type { LoadEngine } from '../engine.js';
import type { LoadRunOptions, PreparedScenario } from '../scenario-model.js';
import { evaluateOnSummaries } from '../summary-thresholds.js';
import { runAutocannon } from './autocannon.js';

/**
 * `engine: 'autocannon'`: closed-model scenarios (constant-vus, shared-iterations) run through the scaling area's
 * autocannon wrapper. autocannon records whole milliseconds and 2xx latencies only; its figures say so.
 */
async function runAutocannonScenarios(opts: LoadRunOptions, prepared: PreparedScenario[]): Promise<LoadSection> {
  const scenarios: ScenarioSummary[] = [];
  for (const p of prepared) {
    if (opts.signal?.aborted) break;
    const sc = p.scenario;
    if (sc.executor !== 'constant-vus' && sc.executor !== 'shared-iterations') {
      throw new UsageError(
        `engine autocannon runs closed-model scenarios only (constant-vus, shared-iterations); scenario ${p.name} uses ${sc.executor}: use the native engine`,
      );
    }
    if ((sc.setup ?? []).length || sc.requests.some((r) => /\$\{/.test(r.path) || r.capture || r.checks?.length)) {
      throw new UsageError(
        `engine autocannon cannot run scenario ${p.name}: it has templates, setup steps, captures or body checks; use the native engine`,
      );
    }
    const base = new URL(opts.baseUrl);
    const prefix = base.pathname.replace(/\/$/, '');
    // autocannon cycles through its request list: expand weights into a list with that many entries
    const requests = sc.requests.flatMap((r) =>
      Array.from({ length: Math.max(1, Math.round(r.weight ?? 1)) }, () => ({
        method: r.method ?? 'GET',
        path: prefix + r.path,
        headers: {
          ...(r.body !== undefined && typeof r.body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...(r.headers ?? {}),
        },
        ...(r.body !== undefined ? { body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) } : {}),
      })),
    );
    const startedAt = new Date();
    const res = await runAutocannon({
      url: base.origin,
      connections: sc.vus ?? 1,
      ...(sc.executor === 'shared-iterations'
        ? { amount: sc.iterations ?? 1 }
        : { durationSec: parseDuration(sc.duration!, `load.scenarios.${p.name}.duration`) / 1000 }),
      requests,
      signal: opts.signal,
      skipProbe: true,
    });
    // Every request that ended counts once in http_reqs, answered or not, as in k6: http_reqs = failed + succeeded.
    const failed = res.non2xx + res.errors + res.timeouts;
    const total = res.requests + res.errors + res.timeouts;
    const metrics: Record<string, MetricSummary> = {
      http_reqs: {
        type: 'counter',
        values: { count: total, rate: res.durationMs > 0 ? total / (res.durationMs / 1000) : 0 },
      },
      http_req_duration: {
        type: 'trend',
        unit: 'ms',
        values: {
          count: res.latency.count,
          avg: res.latency.mean,
          med: res.latency.p50,
          'p(90)': res.latency.p90,
          'p(99)': res.latency.p99,
          max: res.latency.max,
        },
      },
      http_req_failed: {
        type: 'rate',
        values: { rate: total ? failed / total : 0, passes: failed, fails: total - failed },
      },
    };
    const notes = [
      `autocannon: latencies in whole milliseconds (resolution 1 ms) over the ${res.requests} responses; ` +
        'closed model ' +
        '(no coordinated-omission correction)',
      ...(res.errors ? [`requests without a response: ${res.errors} (${res.timeouts} of them timeouts)`] : []),
    ];
    const thresholds = evaluateOnSummaries(p.thresholds, metrics, notes);
    scenarios.push({
      name: p.name,
      executor: sc.executor,
      engine: 'autocannon',
      startedAt: startedAt.toISOString(),
      durationMs: res.durationMs,
      partial: res.aborted,
      generatorSaturated: false,
      saturationReasons: [],
      latencyResolutionMs: 1,
      percentileMethod: 'hdr',
      sampleCount: res.latency.count,
      metrics,
      thresholds,
      percentileCurve: [
        { p: 50, ms: res.latency.p50 },
        { p: 90, ms: res.latency.p90 },
        { p: 99, ms: res.latency.p99 },
        { p: 100, ms: res.latency.max },
      ],
      notes,
    });
  }
  return {
    targetUrl: opts.baseUrl,
    scenarios,
    ...(opts.allowDroppedIterations ? { allowDroppedIterations: true } : {}),
  };
}

export const autocannonEngine: LoadEngine = { name: 'autocannon', run: runAutocannonScenarios };
