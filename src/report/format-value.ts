import type { FitnessOutcome, Verdict } from '../core/result.js';
import { formatTarget } from '../core/target.js';

/**
 * The target as reports show it; a unit-less numeric target borrows the function's unit (`>= 100` of a % metric ->
 * `>= 100%`).
 */
export function formatFunctionTarget(fn: Pick<FitnessOutcome, 'target' | 'unit'>): string {
  const text = formatTarget(fn.target);
  return typeof fn.target.value === 'number' && fn.target.unit === '' && fn.unit ? `${text}${fn.unit}` : text;
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  inconclusive: 'INCONCL',
  error: 'ERROR',
  skipped: 'SKIP',
};
