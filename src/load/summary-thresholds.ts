import type { MetricSummary, ThresholdOutcome } from '../core/result-load.js';
import { compare, type ParsedThreshold } from './threshold-expression.js';

/** The summary key a threshold's aggregation reads: `p(99)` → 'p(99)', `med` → 'med', `rate` on a counter → 'rate'. */
export function summaryKey(t: ParsedThreshold): string {
  const e = t.expression;
  if (e.aggregation === 'p') return `p(${e.percentile})`;
  return e.aggregation;
}

/**
 * Evaluates thresholds on already-aggregated summaries (autocannon results, k6 summaries without raw points). A
 * statistic the summary does not contain cannot be judged: the threshold is reported failed with `observed: null` and
 * a note.
 */
export function evaluateOnSummaries(
  thresholds: ParsedThreshold[],
  metrics: Record<string, MetricSummary>,
  notes: string[],
): ThresholdOutcome[] {
  return thresholds.map((t) => {
    const m = metrics[t.metric.text];
    const key = summaryKey(t);
    let v = m?.values[key];
    if (v === undefined && m && key === 'p(50)') v = m.values.med;
    if (v === undefined && m && key === 'med') v = m.values['p(50)'];
    if (v === undefined || Number.isNaN(v)) {
      notes.push(
        `threshold ${t.metric.text} ${t.expression.text} could not be evaluated: the summary has no ${key} for ${t.metric.text}`,
      );
      return {
        metric: t.metric.text,
        expression: t.expression.text,
        ok: false,
        observed: null,
        abortOnFail: t.abortOnFail,
      };
    }
    return {
      metric: t.metric.text,
      expression: t.expression.text,
      ok: compare(v, t.expression.op, t.expression.value),
      observed: v,
      abortOnFail: t.abortOnFail,
    };
  });
}
