import { ConfigError, InputError } from '../core/errors.js';
import type { ThresholdConfig } from '../config/types.js';
import { parseDuration } from './duration.js';

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

/** One parsed k6 threshold expression, e.g. `p(99)<200` → { aggregation: 'p', percentile: 99, op: '<', value: 200 }. */
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

export interface ParsedThreshold {
  metric: MetricReference;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

function fail(message: string, keyPath?: string): never {
  throw keyPath ? new ConfigError(message, keyPath) : new InputError(message);
}

// k6's grammar: <aggregation> <operator> <number>, whitespace allowed around each part.
const EXPR_RE = /^\s*(avg|min|max|med|rate|count|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(===|==|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/;

/** Parses one k6 threshold expression; an invalid one is an InputError (ConfigError when `keyPath` is given) quoting it. */
export function parseThresholdExpression(text: string, keyPath?: string): ThresholdExpression {
  if (typeof text !== 'string') fail(`threshold must be a string like 'p(99)<200', got ${JSON.stringify(text)}`, keyPath);
  const m = EXPR_RE.exec(text);
  if (!m) {
    fail(`invalid threshold expression ${JSON.stringify(text)}: expected <aggregation><op><number>, e.g. 'p(99)<200', 'rate<0.01', 'count>10', 'avg<100'`, keyPath);
  }
  const isP = m[1].startsWith('p(');
  const expr: ThresholdExpression = {
    text: text.trim(),
    aggregation: (isP ? 'p' : m[1]) as ThresholdExpression['aggregation'],
    op: m[3] as ThresholdOperator,
    value: Number(m[4]),
  };
  if (isP) {
    const p = Number(m[2]);
    if (!(p >= 0 && p <= 100)) fail(`invalid threshold expression ${JSON.stringify(text)}: percentile must be between 0 and 100`, keyPath);
    expr.percentile = p;
  }
  return expr;
}

const NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses `metric` or `metric{tag:value,…}`; the value is everything after the first ':' (so `group:::browse` → `::browse`). */
export function parseMetricReference(text: string, keyPath?: string): MetricReference {
  const trimmed = text.trim();
  const brace = trimmed.indexOf('{');
  const name = brace === -1 ? trimmed : trimmed.slice(0, brace).trim();
  if (!NAME_RE.test(name)) fail(`invalid metric name ${JSON.stringify(text)} in thresholds`, keyPath);
  const tags: Record<string, string> = {};
  if (brace !== -1) {
    if (!trimmed.endsWith('}')) fail(`invalid sub-metric ${JSON.stringify(text)}: missing closing '}'`, keyPath);
    const inner = trimmed.slice(brace + 1, -1);
    if (inner.trim() === '') fail(`invalid sub-metric ${JSON.stringify(text)}: no tags between '{' and '}'`, keyPath);
    for (const part of inner.split(',')) {
      const colon = part.indexOf(':');
      if (colon <= 0) fail(`invalid sub-metric ${JSON.stringify(text)}: tag ${JSON.stringify(part.trim())} is not key:value`, keyPath);
      const key = part.slice(0, colon).trim();
      const value = part.slice(colon + 1).trim();
      if (!key) fail(`invalid sub-metric ${JSON.stringify(text)}: empty tag name`, keyPath);
      tags[key] = value;
    }
  }
  return { text: formatMetricReference(name, tags), name, tags };
}

export function formatMetricReference(name: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags);
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}:${tags[k]}`).join(',')}}`;
}

/** Parses a thresholds object `{ metric: [expr | {threshold, abortOnFail, delayAbortEval}] }`. */
export function parseThresholds(
  thresholds: Record<string, Array<string | ThresholdConfig>> | undefined,
  keyPath?: string,
): ParsedThreshold[] {
  const out: ParsedThreshold[] = [];
  for (const [metricText, list] of Object.entries(thresholds ?? {})) {
    const path = keyPath ? `${keyPath}.${metricText}` : undefined;
    const metric = parseMetricReference(metricText, path);
    if (!Array.isArray(list)) fail(`thresholds for ${metricText} must be an array of expressions`, path);
    list.forEach((item, i) => {
      const itemPath = path ? `${path}[${i}]` : undefined;
      if (typeof item === 'string') {
        out.push({ metric, expression: parseThresholdExpression(item, itemPath), abortOnFail: false, delayAbortEvalMs: 0 });
      } else if (item && typeof item === 'object' && typeof item.threshold === 'string') {
        out.push({
          metric,
          expression: parseThresholdExpression(item.threshold, itemPath),
          abortOnFail: item.abortOnFail === true,
          delayAbortEvalMs: item.delayAbortEval ? parseDuration(item.delayAbortEval, itemPath ? `${itemPath}.delayAbortEval` : 'delayAbortEval') : 0,
        });
      } else {
        fail(`threshold for ${metricText} must be a string or { threshold, abortOnFail?, delayAbortEval? }, got ${JSON.stringify(item)}`, itemPath);
      }
    });
  }
  return out;
}

export function compare(observed: number, op: ThresholdOperator, value: number): boolean {
  switch (op) {
    case '<': return observed < value;
    case '<=': return observed <= value;
    case '>': return observed > value;
    case '>=': return observed >= value;
    case '==':
    case '===': return observed === value;
    case '!=': return observed !== value;
  }
}
