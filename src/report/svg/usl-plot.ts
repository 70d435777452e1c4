import type { ScaleSection } from '../../core/result-scale.js';
import { linearScale, niceMax } from './axis-scale.js';
import { renderAxes } from './axes.js';
import { esc, plotArea, px } from './svg-text.js';

/** Universal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1)). */
export function uslThroughput(n: number, fit: { sigma: number; kappa: number; lambda: number }): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

/**
 * Measured throughput per N (median as a filled dot, each repeat as a ring) with the fitted USL curve, linear
 * scaling λN for reference, the predicted peak N*, and the region beyond the measured cores shaded.
 */
export function renderUslPlot(scale: ScaleSection): string {
  const frame = { width: 720, height: 340, left: 64, right: 24, top: 16, bottom: 48 };
  const area = plotArea(frame);
  const fit = scale.fit;
  const maxMeasuredN = Math.max(1, ...scale.points.map((p) => p.n));
  const peak = fit?.nMax ?? null;
  const nEnd = Math.max(
    maxMeasuredN * 2,
    peak !== null && peak <= maxMeasuredN * 8 ? peak * 1.25 : 0,
    ...(fit?.predictions.map((p) => p.n) ?? []),
  );
  const xMax = Math.ceil(nEnd);
  const curve = fit
    ? Array.from({ length: 121 }, (_, i) => {
        const n = 1 + ((xMax - 1) * i) / 120;
        return { n, t: uslThroughput(n, fit) };
      })
    : [];
  const measured = scale.points.flatMap((p) => [p.throughput, ...p.runs]);
  const yMax = niceMax(Math.max(1, ...measured, ...curve.map((c) => c.t)) * 1.08);
  const x = linearScale(0, xMax, area.x0, area.x1);
  const y = linearScale(0, yMax, area.y0, area.y1);
  const parts = [
    `<svg class="plot plot-usl" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ${frame.height}" ` +
      `role="img" aria-label="Throughput by N with the USL fit">`,
  ];
  const cores = scale.sutCores ?? scale.cores;
  if (cores > 0 && cores < xMax) {
    parts.push(
      `<rect class="beyond-cores" x="${px(x(cores))}" y="${px(area.y1)}" width="${px(area.x1 - x(cores))}" ` +
        `height="${px(area.y0 - area.y1)}">` +
        `<title>${esc(`N beyond the ${cores} cores of the system under test`)}</title></rect>`,
    );
    parts.push(`<text class="note" x="${px(x(cores) + 6)}" y="${px(area.y1 + 14)}">beyond ${cores} cores</text>`);
  }
  parts.push(renderAxes({ x, y, area, xLabel: `N (${scale.mode})`, yLabel: 'throughput, req/s' }));
  if (fit) {
    const linEnd = Math.min(xMax, yMax / fit.lambda);
    parts.push(
      `<path class="linear" d="M${px(x(0))},${px(y(0))}L${px(x(linEnd))},${px(y(fit.lambda * linEnd))}">` +
        `<title>linear scaling λN</title></path>`,
    );
    const d = curve.map((c, i) => `${i === 0 ? 'M' : 'L'}${px(x(c.n))},${px(y(c.t))}`).join('');
    const title = `USL fit σ=${fit.sigma.toFixed(4)} κ=${fit.kappa.toFixed(5)} λ=${fit.lambda.toFixed(1)}`;
    parts.push(`<path class="usl-curve" d="${d}" fill="none"><title>${esc(title)}</title></path>`);
    if (peak !== null && peak <= xMax) {
      parts.push(
        `<line class="peak" x1="${px(x(peak))}" y1="${px(area.y0)}" x2="${px(x(peak))}" y2="${px(area.y1)}"/>`,
      );
      parts.push(
        `<text class="note" x="${px(x(peak) - 6)}" y="${px(area.y1 + 30)}" text-anchor="end">N* ≈ ` +
          `${peak.toFixed(1)}</text>`,
      );
    }
  }
  for (const p of scale.points) {
    for (const r of p.runs)
      parts.push(
        `<circle class="run" cx="${px(x(p.n))}" cy="${px(y(r))}" r="4">` +
          `<title>${esc(`N=${p.n} repeat: ${r.toFixed(0)} req/s`)}</title></circle>`,
      );
    const eff = p.efficiency === null ? '' : `, E(N) ${p.efficiency.toFixed(3)}`;
    parts.push(
      `<circle class="measured" cx="${px(x(p.n))}" cy="${px(y(p.throughput))}" r="5">` +
        `<title>${esc(`N=${p.n}: ${p.throughput.toFixed(0)} req/s (median${eff})`)}</title></circle>`,
    );
  }
  // Legend bottom-right: under a USL curve that region stays empty.
  const lx = area.x1 - 230;
  const ly = area.y0 - (fit ? 62 : 26);
  parts.push(
    `<g class="legend-box"><circle class="measured" cx="${lx}" cy="${ly}" r="5"/>` +
      `<text class="legend" x="${lx + 12}" y="${ly + 4}">measured (median; rings: repeats)</text>`,
  );
  if (fit) {
    parts.push(
      `<path class="usl-curve" d="M${lx - 6},${ly + 18}h12"/><text class="legend" x="${lx + 12}" y="${ly + 22}">USL ` +
        `fit, R² ${fit.r2.toFixed(3)}</text>`,
    );
    parts.push(
      `<path class="linear" d="M${lx - 6},${ly + 36}h12"/><text class="legend" x="${lx + 12}" y="${ly + 40}">linear ` +
        `λN</text>`,
    );
  }
  parts.push('</g></svg>');
  return parts.join('');
}
