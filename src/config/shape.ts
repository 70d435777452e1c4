import { ConfigError } from '../core/errors.js';

/**
 * A tiny structural validator that reports the first problem as one line naming the key path
 * (`load.scenarios.browse.executor: must be one of …`). Unknown keys are errors, so typos never pass silently.
 */
export type Check = (value: unknown, path: string) => void;

function fail(path: string, message: string): never {
  throw new ConfigError(message, path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export const str: Check = (v, p) => { if (typeof v !== 'string' || v === '') fail(p, `must be a non-empty string, got ${describe(v)}`); };
export const bool: Check = (v, p) => { if (typeof v !== 'boolean') fail(p, `must be true or false, got ${describe(v)}`); };
export const fn: Check = (v, p) => { if (typeof v !== 'function') fail(p, `must be a function, got ${describe(v)}`); };
export const any: Check = () => {};

export function num(opts: { min?: number; max?: number; integer?: boolean } = {}): Check {
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(p, `must be a number, got ${describe(v)}`);
    if (opts.integer && !Number.isInteger(v)) fail(p, `must be a whole number, got ${v}`);
    if (opts.min !== undefined && v < opts.min) fail(p, `must be >= ${opts.min}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) fail(p, `must be <= ${opts.max}, got ${v}`);
  };
}

export function oneOf(...allowed: readonly (string | number | boolean)[]): Check {
  return (v, p) => {
    if (!allowed.includes(v as string)) fail(p, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}`);
  };
}

export function matches(re: RegExp, what: string): Check {
  return (v, p) => {
    str(v, p);
    if (!re.test(v as string)) fail(p, `must be ${what}, got ${describe(v)}`);
  };
}

export function arrayOf(item: Check, opts: { minItems?: number } = {}): Check {
  return (v, p) => {
    if (!Array.isArray(v)) fail(p, `must be an array, got ${describe(v)}`);
    if (opts.minItems !== undefined && v.length < opts.minItems) fail(p, `must have at least ${opts.minItems} item(s)`);
    v.forEach((x, i) => item(x, `${p}[${i}]`));
  };
}

/** Each alternative is tried in order; if none fits, the message of the alternative named by `pick` (or the last) wins. */
export function anyOf(label: string, ...alternatives: Check[]): Check {
  return (v, p) => {
    for (const alt of alternatives) {
      try { alt(v, p); return; } catch { /* try the next */ }
    }
    fail(p, `must be ${label}, got ${describe(v)}`);
  };
}

export function record(value: Check, opts: { minKeys?: number; key?: RegExp; keyWhat?: string } = {}): Check {
  return (v, p) => {
    if (!isPlainObject(v)) fail(p, `must be an object, got ${describe(v)}`);
    const keys = Object.keys(v);
    if (opts.minKeys !== undefined && keys.length < opts.minKeys) fail(p, `must have at least ${opts.minKeys} entr${opts.minKeys === 1 ? 'y' : 'ies'}`);
    for (const k of keys) {
      if (opts.key && !opts.key.test(k)) fail(`${p}.${k}`, `is not a valid name (${opts.keyWhat ?? opts.key.source})`);
      value(v[k], `${p}.${k}`);
    }
  };
}

export interface Field { check: Check; required?: boolean }
export type Fields = Record<string, Check | Field>;

export function obj(fields: Fields, opts: { open?: boolean } = {}): Check {
  return (v, p) => {
    if (!isPlainObject(v)) fail(p, `must be an object, got ${describe(v)}`);
    for (const [k, spec] of Object.entries(fields)) {
      const f = typeof spec === 'function' ? { check: spec } : spec;
      const child = p ? `${p}.${k}` : k;
      if (v[k] === undefined) {
        if (f.required) fail(child, 'is required');
        continue;
      }
      f.check(v[k], child);
    }
    if (!opts.open) {
      for (const k of Object.keys(v)) {
        if (!(k in fields)) {
          const hint = closest(k, Object.keys(fields));
          fail(p ? `${p}.${k}` : k, `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}; allowed: ${Object.keys(fields).join(', ')}`);
        }
      }
    }
  };
}

export function required(check: Check): Field {
  return { check, required: true };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { bestD = d; best = c; }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
