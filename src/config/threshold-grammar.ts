import { ConfigError, InputError } from '../core/errors.js';

/**
 * k6's threshold grammar (`p(99)<200`, `rate<0.01`, `http_req_duration{group:::browse}`). It lives with the config
 * because config validation checks every threshold on load, whatever the command; src/load evaluates them.
 */

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

/** One parsed k6 threshold expression: `p(99)<200` → { aggregation: 'p', percentile: 99, op: '<', value: 200 }. */
export interface ThresholdExpression {
  text: string;
  aggregation: 'avg' | 'min' | 'max' | 'med' | 'p' | 'rate' | 'count' | 'value';
  /** For `p(N)`: N in 0..100. */
  percentile?: number;
  op: ThresholdOperator;
  value: number;
}

/** A metric reference as thresholds write it: `http_req_duration{group:::browse,method:GET}`. */
export interface MetricReference {
  text: string;
  name: string;
  /** Sub-metric tag filter; empty for the whole metric. */
  tags: Record<string, string>;
}

/** A parse outcome that carries the one-line problem instead of throwing (config validation collects it). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function fail(problem: string, keyPath?: string): never {
  throw keyPath ? new ConfigError(problem, keyPath) : new InputError(problem);
}

function orThrow<T>(parsed: Parsed<T>, keyPath?: string): T {
  if (!parsed.ok) fail(parsed.problem, keyPath);
  return parsed.value;
}

// k6's grammar: <aggregation> <operator> <number>, whitespace allowed around each part.
const EXPR_RE =
  /^\s*(avg|min|max|med|rate|count|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(===|==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/;

export function checkThresholdExpression(text: unknown): Parsed<ThresholdExpression> {
  if (typeof text !== 'string') {
    return { ok: false, problem: `threshold must be a string like 'p(99)<200', got ${JSON.stringify(text)}` };
  }
  const m = EXPR_RE.exec(text);
  const quoted = JSON.stringify(text);
  if (!m) {
    return {
      ok: false,
      problem:
        `invalid threshold expression ${quoted}: expected <aggregation><op><number>, ` +
        "e.g. 'p(99)<200', 'rate<0.01', 'count>10', 'avg<100'",
    };
  }
  const isP = m[1].startsWith('p(');
  const value = Number(m[4]);
  if (!Number.isFinite(value)) {
    return { ok: false, problem: `invalid threshold expression ${quoted}: the number must be finite` };
  }
  const expr: ThresholdExpression = {
    text: text.trim(),
    aggregation: (isP ? 'p' : m[1]) as ThresholdExpression['aggregation'],
    op: m[3] as ThresholdOperator,
    value,
  };
  if (isP) {
    const p = Number(m[2]);
    if (!(p >= 0 && p <= 100)) {
      return { ok: false, problem: `invalid threshold expression ${quoted}: percentile must be between 0 and 100` };
    }
    expr.percentile = p;
  }
  return { ok: true, value: expr };
}

/** Parses one k6 threshold expression; an invalid one is an InputError (ConfigError when `keyPath` is given). */
export function parseThresholdExpression(text: string, keyPath?: string): ThresholdExpression {
  return orThrow(checkThresholdExpression(text), keyPath);
}

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function checkMetricReference(text: string): Parsed<MetricReference> {
  const trimmed = text.trim();
  const brace = trimmed.indexOf('{');
  const name = brace === -1 ? trimmed : trimmed.slice(0, brace).trim();
  const quoted = JSON.stringify(text);
  const problem = (p: string): Parsed<MetricReference> => ({ ok: false, problem: p });
  if (!NAME_RE.test(name)) return problem(`invalid metric name ${quoted} in thresholds`);
  const tags: Record<string, string> = {};
  if (brace !== -1) {
    if (!trimmed.endsWith('}')) return problem(`invalid sub-metric ${quoted}: missing closing '}'`);
    const inner = trimmed.slice(brace + 1, -1);
    if (inner.trim() === '') return problem(`invalid sub-metric ${quoted}: no tags between '{' and '}'`);
    for (const part of inner.split(',')) {
      const colon = part.indexOf(':');
      if (colon <= 0)
        return problem(`invalid sub-metric ${quoted}: tag ${JSON.stringify(part.trim())} is not key:value`);
      const key = part.slice(0, colon).trim();
      if (!key) return problem(`invalid sub-metric ${quoted}: empty tag name`);
      tags[key] = part.slice(colon + 1).trim();
    }
  }
  return { ok: true, value: { text: formatMetricReference(name, tags), name, tags } };
}

/** Parses `metric` or `metric{tag:value,…}`; a value is all after the first ':' (`group:::browse` → `::browse`). */
export function parseMetricReference(text: string, keyPath?: string): MetricReference {
  return orThrow(checkMetricReference(text), keyPath);
}

export function formatMetricReference(name: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags);
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}:${tags[k]}`).join(',')}}`;
}
