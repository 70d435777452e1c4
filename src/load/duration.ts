import { ConfigError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART_RE = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;

/**
 * Parses a k6 (Go-style) duration such as '30s', '1m30s', '500ms', '1.5h' into milliseconds.
 * A bare number is taken as milliseconds, as k6 does for numeric options.
 */
export function parseDuration(input: string | number, keyPath = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw new ConfigError(
        `invalid duration ${input}: expected a non-negative number of ms or a string like '30s'`,
        keyPath,
      );
    return input;
  }
  const text = String(input).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  PART_RE.lastIndex = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = PART_RE.exec(text)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    consumed = PART_RE.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new ConfigError(
      `invalid duration ${JSON.stringify(input)}: expected a k6 duration like '30s', '1m30s' or '500ms'`,
      keyPath,
    );
  }
  return total;
}

/** Formats milliseconds as a k6 duration string ('1m30s', '250ms'), exact for whole milliseconds. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  rest -= s * 1000;
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  if (rest) out += `${rest}ms`;
  return out;
}
