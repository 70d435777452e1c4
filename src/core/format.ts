/**
 * The one number and time formatter of reports, terminal summaries and sweep tables, so a value reads the same
 * everywhere. Pure functions over plain numbers; nothing else of ours is imported.
 */

/** 4 significant digits, integers as they are, large values rounded: `143.3`, `0.1235`, `12346`. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (Math.abs(n) >= 10_000) return String(Math.round(n));
  return String(Number(n.toPrecision(4)));
}

/** `digits` significant digits; integers and values ≥ 1000 without a fraction; `-` when missing (sweep tables). */
export function formatSignificant(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(digits);
}

/** A measured or baseline value as reports show it: `75%`, `143.27ms`, `true`, `n/a`. */
export function formatValue(value: number | boolean | null | undefined, unit: string): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value === 'boolean') return String(value);
  return `${formatNumber(value)}${unit}`;
}

/** The Baseline column: empty when the config set no `current` (no baseline is not a missing measurement). */
export function formatBaseline(value: number | boolean | null | undefined, unit: string): string {
  return value === null || value === undefined ? '' : formatValue(value, unit);
}

/** A signed difference: `+12ms`, `-3%`, `±0`. */
export function formatSigned(delta: number, unit: string): string {
  return `${delta > 0 ? '+' : delta < 0 ? '-' : '±'}${formatNumber(Math.abs(delta))}${unit}`;
}

/** Milliseconds with the same rounding as fitness values (so a p99 reads the same in every table); seconds ≥ 10 s. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${formatNumber(ms / 1000)}s`;
  return `${formatNumber(ms)}ms`;
}

/** Milliseconds without a unit for a column headed "ms": `143.3`; `n/a` when missing. */
export function formatMsNumber(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? 'n/a' : formatNumber(ms);
}

/** A duration the way k6's end-of-test summary prints trends: `1.23s`, `62.50ms`, `850µs`; `-` when missing. */
export function formatK6Duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(0)}µs`;
}

/** Wall time of a run: `850ms`, `12.3s`, `4m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** A 0..1 ratio as a percentage: `1.25%`; `n/a` when missing. */
export function formatPercent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return 'n/a';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Decimal byte units as k6 prints data: `512 B`, `1.5 kB`, `3.2 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** `2026-11-25T10:41:07.120Z` -> `2026-11-25 10:41:07 UTC` (ISO input is already UTC). */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
