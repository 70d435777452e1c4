import type { MetricSummary, ScenarioSummary } from '../core/result-load.js';
import type { MetricStore } from './metric-store.js';
import { CURVE_POINTS } from './percentiles.js';

/** The latency curve of http_req_duration, for plots. */
export function percentileCurve(store: MetricStore): Array<{ p: number; ms: number }> {
  const t = store.trend('http_req_duration');
  if (!t || t.count === 0) return [];
  return CURVE_POINTS.map((p) => ({ p, ms: t.percentile(p) }));
}

/**
 * The data object k6 hands to handleSummary() (`metrics.<name>.{type, contains, values, thresholds}`), written next to
 * every native run so tools reading k6 summaries read ours too.
 */
export function toHandleSummaryData(summary: ScenarioSummary): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(summary.metrics)) {
    const entry: Record<string, unknown> = { type: m.type, contains: containsOf(m), values: m.values };
    const th = summary.thresholds.filter((t) => t.metric === name);
    if (th.length) entry.thresholds = Object.fromEntries(th.map((t) => [t.expression, { ok: t.ok }]));
    metrics[name] = entry;
  }
  return {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
    options: {
      summaryTrendStats: Object.keys(summary.metrics['http_req_duration']?.values ?? {}),
      summaryTimeUnit: '',
      noColor: false,
    },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: summary.durationMs },
    metrics,
  };
}

function containsOf(m: MetricSummary): string {
  if (m.unit === 'ms') return 'time';
  if (m.unit === 'B') return 'data';
  return 'default';
}
