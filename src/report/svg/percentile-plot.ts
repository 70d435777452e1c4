import type { ScenarioSummary } from '../../core/result-load.js';
import { formatNumber } from '../../core/format.js';
import { logScale, linearScale, niceMax } from './axis-scale.js';
import { renderAxes } from './axes.js';
import { esc, PALETTE, plotArea, px } from './svg-text.js';

/** "Nines" of a percentile: 90 -> 1, 99 -> 2, 99.9 -> 3. The HDR-histogram x axis, log scale in 1/(1-p). */
export function nines(p: number): number {
  return -Math.log10(1 - Math.min(p, 99.9999) / 100);
}

/** k6 thresholds on http_req_duration of the form p(N)<X / p(N)<=X, as points to mark on the curve. */
function durationThresholds(s: ScenarioSummary): Array<{ p: number; ms: number; ok: boolean; expression: string }> {
  const out = [];
  for (const t of s.thresholds) {
    if (t.metric !== 'http_req_duration') continue;
    const m = /^\s*p\((\d+(?:\.\d+)?)\)\s*<=?\s*(\d+(?:\.\d+)?)\s*$/.exec(t.expression);
    if (m && Number(m[1]) < 100) out.push({ p: Number(m[1]), ms: Number(m[2]), ok: t.ok, expression: t.expression });
  }
  return out;
}

const formatMs = formatNumber;

/**
 * Latency by percentile, one curve per scenario: x is the percentile on a log "nines" scale (so p99, p99.9 get room),
 * y is milliseconds on a log scale. p100 (the max) is drawn as a marker at the right edge.
 */
export function renderPercentilePlot(scenarios: ScenarioSummary[]): string {
  const withCurve = scenarios.filter((s) => s.percentileCurve.length > 0);
  const frame = { width: 720, height: 340, left: 64, right: 130, top: 16, bottom: 48 };
  const area = plotArea(frame);
  const finite = withCurve.flatMap((s) => s.percentileCurve.filter((c) => c.p < 100));
  const maxNines = Math.max(2, Math.ceil(Math.max(0, ...finite.map((c) => nines(c.p)))));
  const all = withCurve.flatMap((s) => s.percentileCurve.map((c) => c.ms)).filter((v) => v > 0);
  const minMs = all.length ? 10 ** Math.floor(Math.log10(Math.min(...all))) : 0.1;
  const maxMs = niceMax(all.length ? Math.max(...all) : 1);
  const x = linearScale(0, maxNines, area.x0, area.x1);
  const y = logScale(minMs, maxMs, area.y0, area.y1, (v) => `${v}`);
  const xTicks = Array.from({ length: maxNines + 1 }, (_, k) => ({
    at: x(k),
    label: k === 0 ? 'p0' : `p${Number((100 - 100 / 10 ** k).toPrecision(k + 2))}`,
  }));
  const parts = [
    `<svg class="plot plot-percentiles" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ` +
      `${frame.height}" role="img" aria-label="Latency percentile curves">`,
    renderAxes({ x, y, area, xLabel: 'percentile (log scale of 1/(1-p))', yLabel: 'latency, ms (log)', xTicks }),
  ];
  withCurve.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = s.percentileCurve.filter((c) => c.p < 100).map((c) => ({ ...c, x: x(nines(c.p)), y: y(c.ms) }));
    const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${px(p.x)},${px(p.y)}`).join('');
    parts.push(`<g class="scenario" data-scenario="${esc(s.name)}">`);
    parts.push(`<path class="series" d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of pts) {
      parts.push(
        `<circle class="point" cx="${px(p.x)}" cy="${px(p.y)}" r="3" fill="${color}">` +
          `<title>${esc(`${s.name} p${p.p}: ${p.ms} ms`)}</title></circle>`,
      );
    }
    const max = s.percentileCurve.find((c) => c.p === 100);
    if (max) {
      parts.push(
        `<path class="max-marker" d="M${px(area.x1 - 5)},${px(y(max.ms))}l5,-5l5,5l-5,5z" fill="${color}">` +
          `<title>${esc(`${s.name} max: ${max.ms} ms`)}</title></path>`,
      );
    }
    for (const t of durationThresholds(s)) {
      const tx = x(nines(t.p));
      const ty = y(t.ms);
      parts.push(
        `<path class="threshold${t.ok ? '' : ' crossed'}" d="M${px(tx - 7)},${px(ty)}h14" stroke="${color}">` +
          `<title>${esc(`${s.name} threshold ${t.expression}: ${t.ok ? 'ok' : 'crossed'}`)}</title></path>`,
      );
    }
    const last = pts[pts.length - 1];
    const labelY = 24 + i * 34;
    parts.push(`<rect x="${px(area.x1 + 16)}" y="${px(labelY - 9)}" width="12" height="3" fill="${color}"/>`);
    parts.push(
      `<text class="legend" x="${px(area.x1 + 32)}" ` +
        `y="${px(labelY - 4)}">${esc(s.name)}${s.generatorSaturated ? ' ⚠' : ''}</text>`,
    );
    if (last)
      parts.push(
        `<text class="legend small" x="${px(area.x1 + 32)}" y="${px(labelY + 8)}">p${last.p} ${formatMs(last.ms)} ` +
          `ms</text>`,
      );
    parts.push('</g>');
  });
  if (withCurve.some((s) => durationThresholds(s).length > 0)) {
    const ny = 24 + withCurve.length * 34 + 6;
    parts.push(`<text class="legend small" x="${px(area.x1 + 16)}" y="${px(ny)}">dashes: thresholds</text>`);
    parts.push(`<text class="legend small" x="${px(area.x1 + 16)}" y="${px(ny + 14)}">(red: crossed)</text>`);
  }
  parts.push(`<text class="legend small" x="${px(area.x1 + 16)}" y="${px(area.y0 - 4)}">◆ max (p100)</text>`);
  parts.push('</svg>');
  return parts.join('');
}
