import { InputError } from '../../core/errors.js';
import type { MetricSummary, MetricType, ScenarioSummary, ThresholdOutcome } from '../../core/result-load.js';
import { parseMetricReference, parseThresholdExpression } from '../threshold-expression.js';
import { BUILTIN_METRICS } from '../metric-types.js';
import { summaryKey } from '../summary-thresholds.js';

type Json = Record<string, unknown>;

function num(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function observedFor(
  metricText: string,
  expression: string,
  values: Record<string, number>,
  file: string,
): number | null {
  const ref = parseMetricReference(metricText);
  let expr;
  try {
    expr = parseThresholdExpression(expression);
  } catch {
    throw new InputError(`${file}: metric ${metricText} has an invalid threshold ${JSON.stringify(expression)}`);
  }
  const key = summaryKey({ metric: ref, expression: expr, abortOnFail: false, delayAbortEvalMs: 0 });
  const v = values[key] ?? (key === 'p(50)' ? values.med : key === 'med' ? values['p(50)'] : undefined);
  return num(v) ? v : null;
}

/** Type of a summary-export metric, which does not state it: inferred from its keys (and k6's built-in types). */
function inferType(name: string, m: Json): MetricType {
  const base = name.split('{')[0];
  const builtin = BUILTIN_METRICS[base];
  if (builtin) return builtin.type;
  if ('passes' in m && 'fails' in m) return 'rate';
  if ('count' in m) return 'counter';
  if ('avg' in m || 'med' in m) return 'trend';
  return 'gauge';
}

function baseSummary(
  name: string,
  durationMs: number,
  metrics: Record<string, MetricSummary>,
  thresholds: ThresholdOutcome[],
  notes: string[],
): ScenarioSummary {
  const d = metrics.http_req_duration?.values ?? {};
  const count = d.count ?? metrics.http_reqs?.values.count ?? 0;
  return {
    name,
    executor: 'k6',
    engine: 'k6',
    startedAt: '',
    durationMs,
    partial: false,
    generatorSaturated: false,
    saturationReasons: [],
    latencyResolutionMs: 0.001,
    percentileMethod: 'k6-summary',
    sampleCount: count,
    metrics,
    thresholds,
    percentileCurve: ['min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max']
      .filter((k) => num(d[k]))
      .map((k) => ({ p: k === 'min' ? 0 : k === 'med' ? 50 : k === 'max' ? 100 : Number(k.slice(2, -1)), ms: d[k] })),
    notes: [
      ...notes,
      'percentiles as k6 computed them (k6 summary file: no raw samples here to recompute them); k6 does not report generator saturation, check dropped_iterations',
      ...missingP99Note(d),
    ],
  };
}

/** k6 prints p(99) only when summaryTrendStats asks for it; what the file's other statistics say about it. */
function missingP99Note(d: Record<string, number>): string[] {
  if (num(d['p(99)']) || !num(d.max)) return [];
  const lower = ['p(95)', 'p(90)', 'med', 'min'].find((k) => num(d[k]));
  return [
    `no p(99) of http_req_duration in this file (add "p(99)" to k6's summaryTrendStats): it lies between ` +
      `${lower ? `${lower} = ${d[lower]} ms` : '0 ms'} and max = ${d.max} ms`,
  ];
}

/**
 * `k6 run --summary-export=file.json` (legacy format): metrics as flat objects of stats; rates carry
 * `passes`/`fails`/`value`; thresholds map expression → **true when the threshold FAILED**.
 */
export function ingestSummaryExport(name: string, doc: Json, file: string): ScenarioSummary {
  const metricsIn = doc.metrics as Record<string, Json>;
  const metrics: Record<string, MetricSummary> = {};
  const thresholds: ThresholdOutcome[] = [];
  for (const [metric, m] of Object.entries(metricsIn)) {
    if (!m || typeof m !== 'object') throw new InputError(`${file}: metrics.${metric} is not an object`);
    const type = inferType(metric, m);
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(m)) if (k !== 'thresholds' && num(v)) values[k] = v;
    if (type === 'rate') {
      const passes = values.passes ?? 0;
      const fails = values.fails ?? 0;
      metrics[metric] = {
        type,
        values: { rate: values.value ?? (passes + fails ? passes / (passes + fails) : 0), passes, fails },
      };
    } else {
      const base = BUILTIN_METRICS[metric.split('{')[0]];
      metrics[metric] = {
        type,
        ...(type === 'trend' && (base?.contains ?? 'time') === 'time' ? { unit: 'ms' } : {}),
        values,
      };
    }
    const th = m.thresholds;
    if (th !== undefined) {
      if (!th || typeof th !== 'object') throw new InputError(`${file}: metrics.${metric}.thresholds is not an object`);
      for (const [expr, failed] of Object.entries(th as Json)) {
        if (typeof failed !== 'boolean')
          throw new InputError(`${file}: metrics.${metric}.thresholds[${JSON.stringify(expr)}] must be a boolean`);
        thresholds.push({
          metric,
          expression: expr,
          ok: !failed,
          observed: observedFor(metric, expr, metrics[metric].values, file),
          abortOnFail: false,
        });
      }
    }
  }
  const reqs = metrics.http_reqs?.values;
  const durationMs = reqs && reqs.rate > 0 ? (reqs.count / reqs.rate) * 1000 : 0;
  return baseSummary(name, durationMs, metrics, thresholds, [
    'from k6 --summary-export (threshold true there means failed)',
  ]);
}

/** The data k6 passes to handleSummary(): `metrics.<name>.{type, contains, values, thresholds: {expr: {ok}}}`. */
export function ingestHandleSummary(name: string, doc: Json, file: string): ScenarioSummary {
  const metricsIn = doc.metrics as Record<string, Json>;
  const metrics: Record<string, MetricSummary> = {};
  const thresholds: ThresholdOutcome[] = [];
  for (const [metric, m] of Object.entries(metricsIn)) {
    const type = m?.type as MetricType;
    if (!['trend', 'rate', 'counter', 'gauge'].includes(type) || !m.values || typeof m.values !== 'object') {
      throw new InputError(`${file}: metrics.${metric} needs a type (trend/rate/counter/gauge) and values`);
    }
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(m.values as Json)) if (num(v)) values[k] = v;
    const unit = m.contains === 'time' ? 'ms' : m.contains === 'data' ? 'B' : undefined;
    metrics[metric] = { type, ...(unit ? { unit } : {}), values };
    if (m.thresholds !== undefined) {
      for (const [expr, r] of Object.entries(m.thresholds as Json)) {
        const ok = (r as { ok?: unknown })?.ok;
        if (typeof ok !== 'boolean')
          throw new InputError(`${file}: metrics.${metric}.thresholds[${JSON.stringify(expr)}].ok must be a boolean`);
        thresholds.push({
          metric,
          expression: expr,
          ok,
          observed: observedFor(metric, expr, values, file),
          abortOnFail: false,
        });
      }
    }
  }
  const state = doc.state as Json | undefined;
  const durationMs = num(state?.testRunDurationMs) ? state.testRunDurationMs : 0;
  return baseSummary(name, durationMs, metrics, thresholds, ['from k6 handleSummary() data']);
}

/** Tells the two summary formats apart: handleSummary metrics have `type` and `values`. */
export function isHandleSummary(doc: Json): boolean {
  const metrics = doc.metrics as Record<string, Json>;
  return Object.values(metrics).some((m) => m && typeof m === 'object' && 'values' in m && 'type' in m);
}
