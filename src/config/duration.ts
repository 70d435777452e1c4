import { ConfigError } from '../core/errors.js';

const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a k6 duration ('500ms', '30s', '1m30s') to milliseconds. */
export function parseK6Duration(text: string, keyPath = 'duration'): number {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    throw new ConfigError(`invalid duration ${JSON.stringify(text)}: expected e.g. '30s', '1m30s' or '500ms'`, keyPath);
  }
  let ms = 0;
  for (const m of text.matchAll(PART_RE)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms;
}
