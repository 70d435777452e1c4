import { ConfigError, InputError } from '../core/errors.js';
import type { MetricType, ThresholdOutcome } from '../core/result-load.js';
import { AGGREGATIONS_BY_TYPE } from './metric-types.js';
import type { MetricDefinition } from './metric-types.js';
import { CounterSink, GaugeSink, RateSink, type MetricStore, type Sink } from './metric-store.js';
import { compare, type ParsedThreshold } from './threshold-expression.js';
import { TrendSink } from './trend-sink.js';

/**
 * Checks that every threshold names a known metric and an aggregation valid for its type (k6 rejects `p(99)` on a
 * rate, `rate` on a trend, …). Throws ConfigError (with `keyPath`) or InputError quoting the offending text.
 */
export function validateThresholds(
  thresholds: ParsedThreshold[],
  lookup: (name: string) => MetricDefinition | undefined,
  keyPath?: string,
): void {
  for (const t of thresholds) {
    const def = lookup(t.metric.name);
    const where = keyPath ? `${keyPath}.${t.metric.text}` : undefined;
    if (!def) {
      const msg = `invalid threshold on ${JSON.stringify(t.metric.text)}: no metric named ${t.metric.name}`;
      throw where ? new ConfigError(msg, where) : new InputError(msg);
    }
    const allowed = AGGREGATIONS_BY_TYPE[def.type];
    if (!allowed.includes(t.expression.aggregation)) {
      const msg = `invalid threshold ${JSON.stringify(t.expression.text)} on ${t.metric.text}: a ${def.type} metric allows ${describe(def.type)}`;
      throw where ? new ConfigError(msg, where) : new InputError(msg);
    }
  }
}

function describe(type: MetricType): string {
  return AGGREGATIONS_BY_TYPE[type].map((a) => (a === 'p' ? 'p(N)' : a)).join(', ');
}

/**
 * The value a threshold compares, from a sink. k6 evaluates an empty metric as zeros; we do the same for the verdict
 * but report `observed: null` so reports can say there was no data.
 */
export function observedValue(t: ParsedThreshold, sink: Sink | undefined, durationMs: number): number | null {
  if (!sink) return null;
  const agg = t.expression.aggregation;
  if (sink instanceof TrendSink) {
    if (sink.count === 0) return null;
    switch (agg) {
      case 'avg':
        return sink.sum / sink.count;
      case 'min':
        return sink.min;
      case 'max':
        return sink.max;
      case 'med':
        return sink.percentile(50);
      case 'p':
        return sink.percentile(t.expression.percentile!);
    }
  } else if (sink instanceof RateSink) {
    if (sink.total === 0) return null;
    if (agg === 'rate') return sink.rate;
  } else if (sink instanceof CounterSink) {
    if (agg === 'count') return sink.sum;
    if (agg === 'rate') return durationMs > 0 ? sink.sum / (durationMs / 1000) : 0;
  } else if (sink instanceof GaugeSink) {
    if (sink.samples === 0) return null;
    if (agg === 'value') return sink.value;
  }
  throw new Error(`aggregation ${agg} is not valid for ${t.metric.text}`);
}

/** Evaluates thresholds against a store. Sub-metrics must have been declared on the store before samples arrived. */
export function evaluateThresholds(
  thresholds: ParsedThreshold[],
  store: MetricStore,
  durationMs: number,
): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const observed = observedValue(t, store.sink(t.metric.text), durationMs);
    return {
      metric: t.metric.text,
      expression: t.expression.text,
      ok: compare(observed ?? 0, t.expression.op, t.expression.value),
      observed,
      abortOnFail: t.abortOnFail,
    };
  });
}
