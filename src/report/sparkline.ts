const BARS = '▁▂▃▄▅▆▇█';

/** A one-line Unicode bar chart of the values, scaled min..max; missing values are '·'. */
export function sparkline(values: Array<number | boolean | null>): string {
  const nums = values.map((v) => (typeof v === 'boolean' ? Number(v) : v));
  const present = nums.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return '·'.repeat(values.length);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  return nums
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return '·';
      if (hi === lo) return BARS[3];
      return BARS[Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))];
    })
    .join('');
}
