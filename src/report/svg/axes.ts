import type { AxisScale } from './axis-scale.js';
import { esc, px } from './svg-text.js';

export interface AxesSpec {
  x: AxisScale;
  y: AxisScale;
  area: { x0: number; x1: number; y0: number; y1: number };
  xLabel: string;
  yLabel: string;
  /** Custom x tick positions and labels (e.g. percentiles on a "nines" axis). */
  xTicks?: Array<{ at: number; label: string }>;
}

/** Grid, tick labels and axis titles. */
export function renderAxes(a: AxesSpec): string {
  const { x0, x1, y0, y1 } = a.area;
  const parts: string[] = [`<g class="axes">`];
  for (const t of a.y.ticks) {
    const y = a.y(t);
    parts.push(`<line class="grid" x1="${px(x0)}" y1="${px(y)}" x2="${px(x1)}" y2="${px(y)}"/>`);
    parts.push(`<text class="tick" x="${px(x0 - 6)}" y="${px(y + 4)}" text-anchor="end">${esc(a.y.format(t))}</text>`);
  }
  const xt = a.xTicks ?? a.x.ticks.map((t) => ({ at: a.x(t), label: a.x.format(t) }));
  for (const t of xt) {
    parts.push(`<line class="grid" x1="${px(t.at)}" y1="${px(y0)}" x2="${px(t.at)}" y2="${px(y1)}"/>`);
    parts.push(`<text class="tick" x="${px(t.at)}" y="${px(y0 + 16)}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  parts.push(`<line class="axis" x1="${px(x0)}" y1="${px(y0)}" x2="${px(x1)}" y2="${px(y0)}"/>`);
  parts.push(`<line class="axis" x1="${px(x0)}" y1="${px(y0)}" x2="${px(x0)}" y2="${px(y1)}"/>`);
  parts.push(
    `<text class="axis-title" x="${px((x0 + x1) / 2)}" y="${px(y0 + 34)}" text-anchor="middle">${esc(a.xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis-title" transform="translate(${px(x0 - 46)} ${px((y0 + y1) / 2)}) rotate(-90)" ` +
      `text-anchor="middle">${esc(a.yLabel)}</text>`,
  );
  parts.push('</g>');
  return parts.join('');
}
