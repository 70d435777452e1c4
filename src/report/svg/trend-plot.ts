import type { FitnessOutcome, TrendPoint } from '../../core/result.js';
import { formatNumber } from '../../core/format.js';
import { linearScale, niceTicks } from './axis-scale.js';
import { esc, px } from './svg-text.js';

const VERDICT_COLOR: Record<string, string> = {
  pass: '#059669',
  fail: '#dc2626',
  inconclusive: '#d97706',
  error: '#7c3aed',
  skipped: '#9ca3af',
};

/**
 * One small chart per function: its value across earlier runs (oldest first) and this run (last point, ringed), with
 * the target as a dashed line. Points are coloured by verdict; booleans plot as 1/0; missing values leave a gap.
 */
export function renderTrendPlot(
  fn: FitnessOutcome,
  history: TrendPoint[],
  currentRunId: string,
  startedAt: string,
): string {
  const series = [...history, { runId: currentRunId, startedAt, value: fn.value, verdict: fn.verdict }];
  const num = (v: number | boolean | null): number | null => (typeof v === 'boolean' ? Number(v) : v);
  const values = series.map((p) => num(p.value)).filter((v): v is number => v !== null);
  const target = typeof fn.target.value === 'boolean' ? Number(fn.target.value) : fn.target.value;
  const lo = Math.min(target, ...values);
  const hi = Math.max(target, ...values);
  const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.1 || 1;
  const w = 340;
  const h = 150;
  const area = { x0: 48, x1: w - 14, y0: h - 30, y1: 12 };
  const x = linearScale(0, Math.max(1, series.length - 1), area.x0, area.x1);
  const y = linearScale(lo - pad, hi + pad, area.y0, area.y1);
  const parts = [
    `<svg class="plot plot-trend" data-function="${esc(fn.id)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ` +
      `${h}" role="img" aria-label="${esc(`Trend of ${fn.id}`)}">`,
  ];
  for (const t of niceTicks(lo - pad, hi + pad, 4)) {
    parts.push(
      `<line class="grid" x1="${area.x0}" y1="${px(y(t))}" x2="${area.x1}" y2="${px(y(t))}"/>` +
        `<text class="tick" x="${area.x0 - 5}" y="${px(y(t) + 4)}" text-anchor="end">${esc(formatNumber(t))}</text>`,
    );
  }
  parts.push(
    `<line class="target" x1="${area.x0}" y1="${px(y(target))}" x2="${area.x1}" y2="${px(y(target))}">` +
      `<title>${esc(`target ${fn.target.text}`)}</title></line>`,
  );
  let d = '';
  let pen = false;
  series.forEach((p, i) => {
    const v = num(p.value);
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${px(x(i))},${px(y(v))}`;
    pen = true;
  });
  if (d) parts.push(`<path class="trend-line" d="${d}"/>`);
  series.forEach((p, i) => {
    const v = num(p.value);
    if (v === null) return;
    const current = i === series.length - 1;
    parts.push(
      `<circle class="trend-point${current ? ' current' : ''}" cx="${px(x(i))}" cy="${px(y(v))}" ` +
        `r="${current ? 5 : 3.5}" fill="${VERDICT_COLOR[p.verdict] ?? '#6b7280'}"><title>` +
        esc(`${p.startedAt.slice(0, 16).replace('T', ' ')} ${p.runId}: ${String(p.value)}${fn.unit} (${p.verdict})`) +
        '</title></circle>',
    );
  });
  parts.push(`<text class="tick" x="${area.x0}" y="${h - 10}">${esc(series[0].startedAt.slice(0, 10))}</text>`);
  parts.push(`<text class="tick" x="${area.x1}" y="${h - 10}" text-anchor="end">this run</text>`);
  parts.push('</svg>');
  return parts.join('');
}
