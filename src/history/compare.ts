import type { ComparisonSection, FunctionComparison, Result } from '../core/result.js';
import { higherIsBetter, meetsTarget } from '../core/target.js';

/**
 * Compares each function of `current` with the same function in `previous`. A function regressed when its value
 * moved in the worse direction of its target (higher-is-better for `>`/`>=`, lower for `<`/`<=`); for equality and
 * boolean targets, when the previous value met the target and the current one does not. Missing values never count
 * as regressions (the verdict already says inconclusive/error).
 */
export function compareResults(current: Result, previous: Result, against: 'last' | 'last-pass'): ComparisonSection {
  const prevById = new Map(previous.functions.map((f) => [f.id, f]));
  const functions: FunctionComparison[] = current.functions.map((f) => {
    const prev = prevById.get(f.id)?.value ?? null;
    const cur = f.value;
    const delta = typeof prev === 'number' && typeof cur === 'number' ? cur - prev : null;
    let regressed = false;
    if (prev !== null && cur !== null) {
      const dir = higherIsBetter(f.target);
      if (delta !== null && dir !== undefined) regressed = dir ? delta < 0 : delta > 0;
      else if (typeof prev === typeof f.target.value && typeof cur === typeof f.target.value) {
        regressed = meetsTarget(f.target, prev) && !meetsTarget(f.target, cur);
      }
    }
    return { id: f.id, previous: prev, current: cur, delta, regressed };
  });
  return { against, previousRunId: previous.runId, previousStartedAt: previous.startedAt, functions };
}
