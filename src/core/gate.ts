import { ExitCode } from './exit-codes.js';
import type { Result, Verdict } from './result.js';

export type FailOn = Extract<Verdict, 'fail' | 'error' | 'inconclusive'>;

/** By default a failed or errored function fails the gate; inconclusive ones (e.g. generator saturated) do not. */
export const DEFAULT_FAIL_ON: readonly FailOn[] = ['fail', 'error'];

/** The CI-gate exit code of a result. */
export function gateExitCode(result: Result, failOn: readonly FailOn[] = DEFAULT_FAIL_ON): ExitCode {
  const failing = result.functions.some((f) => (failOn as readonly string[]).includes(f.verdict));
  return failing ? ExitCode.FitnessFailed : ExitCode.Pass;
}
