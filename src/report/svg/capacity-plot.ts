import type { CapacitySection } from '../../core/result-capacity.js';
import { linearScale, niceMax } from './axis-scale.js';
import { renderAxes } from './axes.js';
import { esc, plotArea, px } from './svg-text.js';

/**
 * Latency against offered rate from a capacity search: each trial's p99 (filled when the SLO held, ringed when it
 * broke), the p99 target as a dashed line, and the knee bracket shaded between the last rate that held and the
 * first that broke.
 */
export function renderCapacityPlot(c: CapacitySection): string {
  const frame = { width: 720, height: 320, left: 64, right: 24, top: 16, bottom: 48 };
  const area = plotArea(frame);
  const trials = c.steps.flatMap((s) => s.trials.map((t) => ({ rate: s.rate, t })));
  const p99s = trials.map(({ t }) => t.p99Ms).filter((v): v is number => v !== null);
  const xMax = niceMax(Math.max(1, ...c.steps.map((s) => s.rate)) * 1.05);
  // Latency past the knee grows without bound: cap the axis at 4× the target so the SLO region stays readable.
  const yMax = niceMax(Math.min(Math.max(c.slo.p99Ms * 1.2, ...p99s), c.slo.p99Ms * 4));
  const x = linearScale(0, xMax, area.x0, area.x1);
  const y = linearScale(0, yMax, area.y0, area.y1);
  const parts = [
    `<svg class="plot plot-capacity" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ${frame.height}" ` +
      `role="img" aria-label="p99 latency by offered arrival rate">`,
  ];
  if (c.knee) {
    parts.push(
      `<rect class="beyond-cores" x="${px(x(c.knee.low))}" y="${px(area.y1)}" ` +
        `width="${px(Math.max(2, x(c.knee.high) - x(c.knee.low)))}" height="${px(area.y0 - area.y1)}">` +
        `<title>${esc(`knee between ${c.knee.low} and ${c.knee.high} req/s`)}</title></rect>`,
    );
    parts.push(`<text class="note" x="${px(x(c.knee.low) - 6)}" y="${px(area.y1 + 14)}" text-anchor="end">knee</text>`);
  }
  parts.push(renderAxes({ x, y, area, xLabel: 'offered arrival rate, req/s', yLabel: 'p99 latency, ms' }));
  parts.push(
    `<line class="peak" x1="${px(area.x0)}" y1="${px(y(c.slo.p99Ms))}" x2="${px(area.x1)}" y2="${px(y(c.slo.p99Ms))}">` +
      `<title>${esc(`SLO: p99 < ${c.slo.p99Ms} ms`)}</title></line>`,
  );
  for (const { rate, t } of trials) {
    if (t.p99Ms === null) continue;
    const cy = y(Math.min(t.p99Ms, yMax));
    const why = t.ok ? 'SLO held' : t.violations.join('; ');
    parts.push(
      `<circle class="${t.ok ? 'measured' : 'run'}" cx="${px(x(rate))}" cy="${px(cy)}" r="5">` +
        `<title>${esc(`${rate} req/s: p99 ${t.p99Ms.toFixed(1)} ms, achieved ${t.achievedRate.toFixed(0)} req/s — ${why}`)}` +
        '</title></circle>',
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
