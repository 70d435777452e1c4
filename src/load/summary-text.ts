import { formatBytes, formatK6Duration } from '../core/format.js';
import type { LoadSection, MetricSummary, ScenarioSummary } from '../core/result-load.js';

function metricLine(name: string, m: MetricSummary): string {
  const v = m.values;
  let text: string;
  if (m.type === 'trend') {
    const stats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'].filter((k) => v[k] !== undefined);
    text = stats.map((k) => `${k}=${m.unit === 'ms' ? formatK6Duration(v[k]) : Number(v[k].toPrecision(4))}`).join(' ');
  } else if (m.type === 'rate') {
    text = `${(v.rate * 100).toFixed(2)}% ✓ ${v.passes} ✗ ${v.fails}`;
  } else if (m.type === 'counter') {
    text =
      m.unit === 'B' ? `${formatBytes(v.count)} ${formatBytes(v.rate)}/s` : `${v.count} ${Number(v.rate.toFixed(2))}/s`;
  } else {
    text = `${v.value} min=${v.min} max=${v.max}`;
  }
  return `    ${name.padEnd(40, '.')}: ${text}`;
}

const PERCENTILE_METHOD: Record<ScenarioSummary['percentileMethod'], string> = {
  'exact-r7': 'exact (R-7 over raw samples)',
  'k6-summary': 'as k6 computed them (summary file)',
  hdr: 'HDR histogram (3 significant digits)',
};

function scenarioText(s: ScenarioSummary): string {
  const lines: string[] = [];
  const merged = s.segments && s.segments > 1 ? `, ${s.segments} segments merged` : '';
  const duration = `${(s.durationMs / 1000).toFixed(1)}s`;
  lines.push(
    `  scenario ${s.name}: ${s.engine} engine, ${s.executor}, ${duration}${merged}${s.partial ? ', PARTIAL' : ''}`,
  );
  lines.push(`    percentiles: ${PERCENTILE_METHOD[s.percentileMethod]}, resolution ${s.latencyResolutionMs}ms`);
  if (s.thresholds.length) {
    lines.push('', '    THRESHOLDS');
    for (const t of s.thresholds) {
      const observed = t.observed === null ? '(no data)' : `observed ${Number(t.observed.toPrecision(6))}`;
      lines.push(`    ${t.ok ? '✓' : '✗'} ${t.metric} '${t.expression}' ${observed}`);
    }
  }
  lines.push('');
  for (const name of Object.keys(s.metrics).sort()) lines.push(metricLine(name, s.metrics[name]));
  if (s.generatorSaturated) lines.push('', `    GENERATOR SATURATED: ${s.saturationReasons.join('; ')}`);
  for (const n of s.notes ?? []) lines.push(`    note: ${n}`);
  return lines.join('\n');
}

/** A k6-style end-of-test summary of every scenario, for the terminal. */
export function formatLoadSummary(load: LoadSection): string {
  return [`load test of ${load.targetUrl}`, ...load.scenarios.map(scenarioText)].join('\n\n') + '\n';
}
