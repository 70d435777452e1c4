/**
 * Percentile of ascending-sorted values by k6's rule (TrendSink.P): linear interpolation between the closest ranks,
 * i = p * (n - 1), which is Hyndman & Fan's R-7 (also numpy's default). `p` is a fraction 0..1.
 * k6 returns 0 for an empty trend; we return NaN so callers can tell "no data" from zero.
 */
export function percentileR7(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0];
  const clamped = Math.min(1, Math.max(0, p));
  const i = clamped * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  const a = sorted[lo];
  const b = sorted[hi];
  return a + (b - a) * (i - lo);
}

/** Sorts a copy of the values ascending as numbers (Float64Array sort is numeric). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}

/** Percentile points 0..100 used for latency curves (denser in the tail). */
export const CURVE_POINTS: readonly number[] = [0, 10, 25, 50, 75, 90, 95, 97.5, 99, 99.5, 99.9, 99.99, 100];
