/** Maps a data domain onto a pixel range, linear or log10, with readable tick values. */
export interface AxisScale {
  (v: number): number;
  ticks: number[];
  format(v: number): string;
}

export function linearScale(
  d0: number,
  d1: number,
  r0: number,
  r1: number,
  format: (v: number) => string = compact,
): AxisScale {
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as AxisScale;
  f.ticks = niceTicks(d0, d1, 5);
  f.format = format;
  return f;
}

/** log10 scale; values below `d0` are clamped. Ticks at 1, 2, 5 × 10^k within the domain. */
export function logScale(
  d0: number,
  d1: number,
  r0: number,
  r1: number,
  format: (v: number) => string = compact,
): AxisScale {
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const span = l1 - l0 || 1;
  const f = ((v: number) => r0 + ((Math.log10(Math.max(v, d0)) - l0) / span) * (r1 - r0)) as AxisScale;
  const ticksWith = (mults: number[]): number[] => {
    const ticks: number[] = [];
    for (let k = Math.floor(l0); k <= Math.ceil(l1); k++) {
      for (const m of mults) {
        const t = Number((m * 10 ** k).toPrecision(6));
        if (t >= d0 * 0.999 && t <= d1 * 1.001) ticks.push(t);
      }
    }
    return ticks;
  };
  const fine = ticksWith([1, 2, 5]);
  f.ticks = fine.length > 8 ? ticksWith([1]) : fine;
  f.format = format;
  return f;
}

export function niceTicks(d0: number, d1: number, count: number): number[] {
  const span = d1 - d0;
  if (!(span > 0)) return [d0];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(d0 / step) * step; t <= d1 + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Upper bound rounded up to a readable value (1, 2, 2.5, 5 × 10^k). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= v) ?? 10 * mag;
}

export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a >= 1 || a === 0) return String(Number(v.toPrecision(4)));
  return String(Number(v.toPrecision(2)));
}
