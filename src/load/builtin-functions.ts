import type { Evidence } from '../core/result.js';
import type { FitnessContext, FitnessFunctions, FitnessValue } from '../core/fitness-function.js';
import type { LoadSection, ScenarioSummary } from '../core/result-load.js';

function scenarioEvidence(s: ScenarioSummary): Evidence {
  const d = s.metrics.http_req_duration?.values ?? {};
  const dropped = s.metrics.dropped_iterations?.values.count ?? 0;
  const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : `${v.toFixed(v < 10 ? 2 : 1)}ms`);
  return {
    message:
      `${s.name} (${s.engine}, ${s.executor}): p50 ${fmt(d.med)} p95 ${fmt(d['p(95)'])} p99 ${fmt(d['p(99)'])} max ${fmt(d.max)} over ${s.sampleCount} requests` +
      `${dropped ? `, ${dropped} dropped iterations` : ''}${s.generatorSaturated ? ', generator saturated' : ''}${s.partial ? ', partial' : ''}` +
      ` [${s.percentileMethod === 'exact-r7' ? 'exact R-7 percentiles' : s.percentileMethod === 'k6-summary' ? 'percentiles as k6 computed them' : 'HDR histogram'}, resolution ${s.latencyResolutionMs}ms]`,
    data: {
      scenario: s.name,
      engine: s.engine,
      percentiles: { p50: d.med, p90: d['p(90)'], p95: d['p(95)'], p99: d['p(99)'], max: d.max },
      requests: s.metrics.http_reqs?.values.count ?? 0,
      droppedIterations: dropped,
      generatorSaturated: s.generatorSaturated,
      saturationReasons: s.saturationReasons,
      partial: s.partial,
      percentileMethod: s.percentileMethod,
      latencyResolutionMs: s.latencyResolutionMs,
    },
  };
}

interface P99Bounds {
  name: string;
  low: number;
  high: number;
  /** The statistic the lower bound comes from ('p(99)' when known). */
  lowFrom: string;
}

/** p99 of a scenario, or the interval its other statistics put it in (p99 ≥ p95 ≥ p90 ≥ median; p99 ≤ max). */
function p99Bounds(s: ScenarioSummary): P99Bounds | null {
  const d = s.metrics.http_req_duration?.values ?? {};
  const finite = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  if (finite(d['p(99)'])) return { name: s.name, low: d['p(99)'], high: d['p(99)'], lowFrom: 'p(99)' };
  if (!finite(d.max)) return null;
  const from = ['p(95)', 'p(90)', 'med', 'min'].find((k) => finite(d[k]));
  return { name: s.name, low: from ? d[from] : 0, high: d.max, lowFrom: from ?? 'zero' };
}

/** The endpoints with the highest p99 of a scenario: which request a p99 breach comes from. */
function endpointEvidence(s: ScenarioSummary): Evidence[] {
  return (s.endpoints ?? []).slice(0, TOP_ENDPOINTS).map((e) => ({
    message:
      `${s.name}: ${e.method ? `${e.method} ` : ''}${e.group ? `${e.group}::` : ''}${e.name} p99 ${ms(e.p99)}` +
      ` p95 ${ms(e.p95)} p50 ${ms(e.p50)} over ${e.count} requests, ${e.failed} failed`,
    data: { scenario: s.name, endpoint: e },
  }));
}

const TOP_ENDPOINTS = 5;
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)}ms`;

function noLoad(ctx: FitnessContext): FitnessValue | null {
  if (!ctx.load || ctx.load.scenarios.length === 0)
    return { value: null, verdict: 'inconclusive', reason: 'no load scenario was run' };
  return null;
}

/** Why a latency verdict on this load section cannot be trusted, if it cannot. */
export function latencyInconclusiveReason(load: LoadSection): string | undefined {
  const saturated = load.scenarios.filter((s) => s.generatorSaturated);
  if (saturated.length) {
    return `generator saturated in ${saturated.map((s) => `${s.name} (${s.saturationReasons.join('; ')})`).join(', ')}: the latency is the load generator's, not the service's`;
  }
  if (!load.allowDroppedIterations) {
    const dropping = load.scenarios.filter((s) => (s.metrics.dropped_iterations?.values.count ?? 0) > 0);
    if (dropping.length) {
      return `iterations were dropped in ${dropping.map((s) => `${s.name} (${s.metrics.dropped_iterations.values.count})`).join(', ')}: the offered rate was not delivered, so the p99 covers less than the load asked for (set load.allowDroppedIterations to judge anyway)`;
    }
  }
  return undefined;
}

/**
 * Built-in load fitness functions:
 *  - p99Latency: max over scenarios of http_req_duration p99 (ms), target < 200ms (the review's budget); inconclusive
 *    when the generator saturated or iterations were dropped (unless allowed), but FAIL when iterations were dropped
 *    and the observed p99 already misses the target;
 *  - errorRate: http_req_failed rate over all scenarios, as a percentage, target < 1%;
 *  - loadThresholds: every k6 threshold of every scenario passed.
 */
export const loadFitnessFunctions: FitnessFunctions = {
  p99Latency: {
    metric: 'p99 latency',
    target: '< 200ms',
    unit: 'ms',
    description:
      '99th percentile of http_req_duration under the configured load (open model: from the intended send time)',
    severity: 'critical',
    needs: ['load'],
    test(ctx) {
      const none = noLoad(ctx);
      if (none) return none;
      const load = ctx.load!;
      const evidence = [...load.scenarios.map(scenarioEvidence), ...load.scenarios.flatMap(endpointEvidence)];
      const p99s = load.scenarios.map(p99Bounds).filter((b): b is P99Bounds => b !== null);
      if (p99s.length === 0)
        return { value: null, verdict: 'inconclusive', reason: 'no request got a response', evidence };
      const value = Math.max(...p99s.map((b) => b.low));
      const upper = Math.max(...p99s.map((b) => b.high));
      const unknown = p99s.filter((b) => b.low !== b.high);
      const reason = latencyInconclusiveReason(load);
      if (!reason && unknown.length === 0) return { value, evidence };
      if (!reason) {
        // A summary without p(99) (k6 prints it only when asked): its other statistics bound it.
        const why = `no p(99) in ${unknown.map((b) => `${b.name} (between ${b.lowFrom} ${b.low} ms and max ${b.high} ms)`).join(', ')}`;
        return {
          value,
          verdict: 'inconclusive',
          reason: why,
          evidence,
          valueIsLowerBound: true,
          valueUpperBound: upper,
        };
      }
      // Dropped iterations only hide load (the p99 under the full rate is higher); a saturated generator inflates
      // latencies, so its value bounds nothing.
      const valueIsLowerBound = !load.scenarios.some((s) => s.generatorSaturated);
      return { value, verdict: 'inconclusive', reason, evidence, valueIsLowerBound };
    },
  },
  errorRate: {
    metric: 'error rate',
    target: '< 1%',
    unit: '%',
    description: 'share of requests that failed (http_req_failed: network error or unexpected status)',
    severity: 'critical',
    needs: ['load'],
    test(ctx) {
      const none = noLoad(ctx);
      if (none) return none;
      let failed = 0;
      let total = 0;
      const evidence: Evidence[] = [];
      for (const s of ctx.load!.scenarios) {
        const v = s.metrics.http_req_failed?.values;
        if (!v) continue;
        failed += v.passes;
        total += v.passes + v.fails;
        evidence.push({
          message: `${s.name}: ${v.passes} of ${v.passes + v.fails} requests failed (${(v.rate * 100).toFixed(2)}%)`,
          data: { scenario: s.name, failed: v.passes, total: v.passes + v.fails },
        });
      }
      if (total === 0) return { value: null, verdict: 'inconclusive', reason: 'no request was sent', evidence };
      return { value: (failed / total) * 100, evidence };
    },
  },
  loadThresholds: {
    metric: 'k6 thresholds',
    target: true,
    description: 'every k6 threshold of every scenario passed',
    severity: 'medium',
    needs: ['load'],
    test(ctx) {
      const none = noLoad(ctx);
      if (none) return none;
      const evidence: Evidence[] = [];
      let all = true;
      for (const s of ctx.load!.scenarios) {
        for (const t of s.thresholds) {
          all &&= t.ok;
          evidence.push({
            message: `${s.name}: ${t.metric} ${t.expression} ${t.ok ? 'passed' : 'FAILED'}${t.observed === null ? ' (no data)' : ` (observed ${Number(t.observed.toPrecision(6))})`}`,
            data: { scenario: s.name, ...t },
          });
        }
      }
      if (evidence.length === 0)
        return { value: null, verdict: 'inconclusive', reason: 'no thresholds configured', evidence };
      evidence.sort((a, b) => Number((a.data as { ok: boolean }).ok) - Number((b.data as { ok: boolean }).ok));
      return { value: all, evidence };
    },
  },
};
