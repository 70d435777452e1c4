import * as z from 'zod';
import { ConfigError } from './errors.js';
import { formatNumber } from './format.js';

export const ComparatorSchema = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type Comparator = z.infer<typeof ComparatorSchema>;

/** A parsed fitness target. `value` is normalised: durations in milliseconds, percentages as 0-100. */
export const TargetSchema = z
  .strictObject({
    op: ComparatorSchema,
    value: z.union([z.number(), z.boolean()]),
    unit: z.enum(['ms', '%', '']),
    text: z.string().describe('The target as the user wrote it, for reports.'),
  })
  .meta({ id: 'target' });
export type Target = z.infer<typeof TargetSchema>;

/** What a config may give as a target: `'< 3'`, `'> 0.8'`, `'<= 200ms'`, `'>= 99.9%'`, a number (>=), or a boolean. */
export type TargetInput = string | number | boolean;

const TARGET_RE = /^\s*(<=|>=|==|!=|=|<|>)?\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|s|us|µs|%)?\s*$/i;

/** Parses a config target; throws ConfigError naming `keyPath` when it is not one. */
export function parseTarget(input: TargetInput, keyPath = 'target'): Target {
  const parsed = checkTarget(input);
  if (typeof parsed === 'string') throw new ConfigError(parsed, keyPath);
  return parsed;
}

/** The parsed target, or the one-line problem with it (config validation reports it at its key path). */
export function checkTarget(input: unknown): Target | string {
  if (typeof input === 'boolean') return { op: '==', value: input, unit: '', text: String(input) };
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return `target must be a finite number, got ${input}`;
    return { op: '>=', value: input, unit: '', text: `>= ${input}` };
  }
  if (typeof input !== 'string') return `target must be a string like '< 3', a number or a boolean`;
  const m = TARGET_RE.exec(input);
  if (!m) {
    return `invalid target ${JSON.stringify(input)}: expected a comparison like '< 3', '> 0.8', '<= 200ms' or '>= 99%'`;
  }
  const op = (m[1] === '=' ? '==' : (m[1] ?? '>=')) as Comparator;
  let value = Number(m[2]);
  const rawUnit = m[3]?.toLowerCase();
  let unit: Target['unit'] = '';
  if (rawUnit === 'ms') unit = 'ms';
  else if (rawUnit === 's') {
    value *= 1000;
    unit = 'ms';
  } else if (rawUnit === 'us' || rawUnit === 'µs') {
    value /= 1000;
    unit = 'ms';
  } else if (rawUnit === '%') unit = '%';
  // '1e999' (or '1e306s') fits the grammar but is Infinity, which JSON stores as null: report would reject it.
  if (!Number.isFinite(value)) return `invalid target ${JSON.stringify(input)}: the number must be finite`;
  return { op, value, unit, text: input.trim() };
}

/** True when `value` meets the target. A boolean target needs a boolean value and vice versa. */
export function meetsTarget(target: Target, value: number | boolean): boolean {
  if (typeof target.value === 'boolean' || typeof value === 'boolean') {
    const equal = value === target.value;
    return target.op === '!=' ? !equal : equal;
  }
  const t = target.value;
  switch (target.op) {
    case '<':
      return value < t;
    case '<=':
      return value <= t;
    case '>':
      return value > t;
    case '>=':
      return value >= t;
    case '==':
      return value === t;
    case '!=':
      return value !== t;
  }
}

/** Whether a larger value is better for this target (for regression marks); undefined for equality targets. */
export function higherIsBetter(target: Target): boolean | undefined {
  if (target.op === '>' || target.op === '>=') return true;
  if (target.op === '<' || target.op === '<=') return false;
  return undefined;
}

export function formatTarget(target: Target): string {
  if (typeof target.value === 'boolean') return target.op === '!=' ? `not ${target.value}` : String(target.value);
  return `${target.op} ${formatNumber(target.value)}${target.unit}`;
}

/** Kept here for callers that import it with the targets; the one definition is in format.ts. */
export { formatNumber };
