import type { FitnessOutcome, Verdict } from '../core/result.js';
import { formatNumber, formatTarget } from '../core/target.js';

/** A measured or baseline value as reports show it: `75%`, `143.27ms`, `true`, `n/a`. */
export function formatValue(value: number | boolean | null | undefined, unit: string): string {
  if (value === null || value === undefined) return 'n/a';
  if (typeof value === 'boolean') return String(value);
  return `${formatNumber(value)}${unit}`;
}

/** The target as reports show it; a unit-less numeric target borrows the function's unit (`>= 100` of a % metric -> `>= 100%`). */
export function formatFunctionTarget(fn: Pick<FitnessOutcome, 'target' | 'unit'>): string {
  const text = formatTarget(fn.target);
  return typeof fn.target.value === 'number' && fn.target.unit === '' && fn.unit ? `${text}${fn.unit}` : text;
}

export function formatSigned(delta: number, unit: string): string {
  return `${delta > 0 ? '+' : delta < 0 ? '-' : '±'}${formatNumber(Math.abs(delta))}${unit}`;
}

/** Milliseconds with the same rounding as fitness values (so a p99 reads the same in every table). */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${formatNumber(ms / 1000)}s`;
  return `${formatNumber(ms)}ms`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

export function formatPercent(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return 'n/a';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** `2026-11-25T10:41:07.120Z` -> `2026-11-25 10:41:07 UTC` (ISO input is already UTC). */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  inconclusive: 'INCONCL',
  error: 'ERROR',
  skipped: 'SKIP',
};

export const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'fail',
  inconclusive: 'inconclusive',
  error: 'error',
  skipped: 'skipped',
};
