import { ConfigError, InputError } from '../core/errors.js';
import type { ThresholdConfig } from '../config/types.js';
import { parseDuration } from './duration.js';

// The grammar lives with the config, which checks every threshold on load whatever the command (issue 14 item 21).
import { formatMetricReference, parseMetricReference, parseThresholdExpression } from '../config/threshold-grammar.js';
import type { MetricReference, ThresholdExpression, ThresholdOperator } from '../config/threshold-grammar.js';

export { formatMetricReference, parseMetricReference, parseThresholdExpression };
export type { MetricReference, ThresholdExpression, ThresholdOperator };

export interface ParsedThreshold {
  metric: MetricReference;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

function fail(message: string, keyPath?: string): never {
  throw keyPath ? new ConfigError(message, keyPath) : new InputError(message);
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
        out.push({
          metric,
          expression: parseThresholdExpression(item, itemPath),
          abortOnFail: false,
          delayAbortEvalMs: 0,
        });
      } else if (item && typeof item === 'object' && typeof item.threshold === 'string') {
        out.push({
          metric,
          expression: parseThresholdExpression(item.threshold, itemPath),
          abortOnFail: item.abortOnFail === true,
          delayAbortEvalMs: item.delayAbortEval
            ? parseDuration(item.delayAbortEval, itemPath ? `${itemPath}.delayAbortEval` : 'delayAbortEval')
            : 0,
        });
      } else {
        fail(
          `threshold for ${metricText} must be a string or { threshold, abortOnFail?, delayAbortEval? }, got ${JSON.stringify(item)}`,
          itemPath,
        );
      }
    });
  }
  return out;
}

export function compare(observed: number, op: ThresholdOperator, value: number): boolean {
  switch (op) {
    case '<':
      return observed < value;
    case '<=':
      return observed <= value;
    case '>':
      return observed > value;
    case '>=':
      return observed >= value;
    case '==':
    case '===':
      return observed === value;
    case '!=':
      return observed !== value;
  }
}
