import type { FitnessContext, FitnessFunction, FitnessValue } from './fitness-function.js';
import type { Evidence, FitnessKind, FitnessOutcome, OverallVerdict, Result } from './result.js';
import { higherIsBetter, meetsTarget, parseTarget } from './target.js';

/** Evidence kept per function in the Result; the total is kept in `evidenceTotal`. */
export const MAX_EVIDENCE = 200;

function kindOf(fn: FitnessFunction): FitnessKind {
  const needs = fn.needs ?? [];
  return needs.length === 1 ? needs[0] : 'custom';
}

function asFitnessValue(raw: unknown): FitnessValue {
  if (typeof raw === 'number' || typeof raw === 'boolean') return { value: raw };
  if (!raw || typeof raw !== 'object' || !('value' in raw)) {
    throw new TypeError(`test() must return a number, a boolean or { value, evidence }, got ${describe(raw)}`);
  }
  const fv = raw as Record<string, unknown>;
  const value = fv.value;
  if (value !== null && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`test() returned value ${describe(value)}; it must be a number, a boolean or null`);
  }
  if (fv.evidence !== undefined) checkEvidence(fv.evidence);
  if (fv.reason !== undefined && typeof fv.reason !== 'string')
    throw new TypeError('test() returned a reason that is not a string');
  return raw as FitnessValue;
}

/** Evidence goes into result.json: an array of { message, … } objects that JSON can represent. */
function checkEvidence(evidence: unknown): void {
  if (!Array.isArray(evidence))
    throw new TypeError(`test() returned evidence ${describe(evidence)}; it must be an array`);
  evidence.forEach((e, i) => {
    if (!e || typeof e !== 'object' || Array.isArray(e) || typeof (e as { message?: unknown }).message !== 'string') {
      throw new TypeError(`test() returned evidence[${i}] ${describe(e)}; each item must be an object with a message`);
    }
  });
  try {
    JSON.stringify(evidence);
  } catch (e) {
    throw new TypeError(`test() returned evidence that cannot be written as JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `of type ${typeof v}`;
}

type OutcomeBase = Omit<FitnessOutcome, 'value' | 'verdict' | 'evidence' | 'evidenceTotal' | 'durationMs'>;

function outcomeBase(id: string, fn: FitnessFunction): OutcomeBase {
  const target = parseTarget(fn.target, `fitness.${id}.target`);
  return {
    id,
    kind: kindOf(fn),
    metric: fn.metric,
    ...(fn.description ? { description: fn.description } : {}),
    unit: fn.unit ?? target.unit,
    target,
    baseline: fn.current ?? null,
    ...(fn.adr ? { adr: fn.adr } : {}),
    severity: fn.severity ?? 'critical',
  };
}

/** The outcome of a function that was not run (a section it needs was not collected): its test is never called. */
export function skippedOutcome(id: string, fn: FitnessFunction, reason: string): FitnessOutcome {
  return {
    ...outcomeBase(id, fn),
    value: null,
    verdict: 'skipped',
    reason,
    evidence: [],
    evidenceTotal: 0,
    durationMs: 0,
  };
}

export interface JudgeOptions {
  /** Fingerprints accepted by the baseline file: a fail whose violations are all accepted is a pass. */
  baselined?: ReadonlySet<string>;
}

/**
 * Runs one function's test and judges its value against its target. Never throws: errors become verdict 'error'.
 * With a baseline, a failing function whose fingerprinted evidence is entirely accepted passes ("fail only on new").
 */
export async function judgeFunction(
  id: string,
  fn: FitnessFunction,
  ctx: FitnessContext,
  opts: JudgeOptions = {},
): Promise<FitnessOutcome> {
  const started = performance.now();
  const base = outcomeBase(id, fn);
  const target = base.target;
  let fv: FitnessValue;
  try {
    fv = asFitnessValue(await fn.test(ctx));
  } catch (e) {
    return {
      ...base,
      value: null,
      verdict: 'error',
      reason: e instanceof Error ? e.message : String(e),
      evidence: [],
      evidenceTotal: 0,
      durationMs: performance.now() - started,
    };
  }
  const evidence: Evidence[] = (fv.evidence ?? []).map((e) =>
    e.fingerprint && opts.baselined?.has(e.fingerprint) ? { ...e, baselined: true } : e,
  );
  let verdict: FitnessOutcome['verdict'];
  let reason = fv.reason;
  if (fv.verdict === 'inconclusive') {
    // a lower bound that already misses an upper-bound target can only miss it by more: the verdict is known
    const missed =
      fv.valueIsLowerBound &&
      typeof fv.value === 'number' &&
      typeof target.value === 'number' &&
      higherIsBetter(target) === false &&
      !meetsTarget(target, fv.value);
    const bounded =
      !missed &&
      typeof fv.valueUpperBound === 'number' &&
      typeof target.value === 'number' &&
      higherIsBetter(target) === false &&
      meetsTarget(target, fv.valueUpperBound);
    // a lower bound that already meets a higher-is-better target (e.g. a capacity of at least X) meets it for sure
    const atLeast =
      !missed &&
      !bounded &&
      fv.valueIsLowerBound &&
      typeof fv.value === 'number' &&
      typeof target.value === 'number' &&
      higherIsBetter(target) === true &&
      meetsTarget(target, fv.value);
    verdict = missed ? 'fail' : bounded || atLeast ? 'pass' : 'inconclusive';
    if (missed) reason = `${reason}; the observed value already misses the target, and the truth is only worse`;
    if (atLeast) reason = `${reason}; the value is a lower bound and already meets the target`;
    if (bounded) {
      reason = `${reason}; even its upper bound ${fv.valueUpperBound} meets the target`;
      fv = { ...fv, value: fv.valueUpperBound! };
    }
  } else if (fv.value === null || (typeof fv.value === 'number' && !Number.isFinite(fv.value))) {
    verdict = 'inconclusive';
    reason ??= 'no value could be measured';
  } else if (typeof fv.value !== typeof target.value) {
    verdict = 'error';
    reason = `test() returned a ${typeof fv.value} but the target ${target.text} needs a ${typeof target.value}`;
  } else verdict = meetsTarget(target, fv.value) ? 'pass' : 'fail';
  if (verdict === 'fail' && opts.baselined?.size) {
    const violations = evidence.filter((e) => e.fingerprint);
    if (violations.length > 0 && violations.every((e) => e.baselined)) {
      verdict = 'pass';
      reason = `all ${violations.length} violation${violations.length === 1 ? ' is' : 's are'} accepted by the baseline`;
    }
  }
  return {
    ...base,
    value: fv.value,
    verdict,
    ...(reason ? { reason } : {}),
    evidence: evidence.slice(0, MAX_EVIDENCE),
    evidenceTotal: evidence.length,
    durationMs: performance.now() - started,
  };
}

export function summarise(functions: FitnessOutcome[]): Result['summary'] {
  const s = { total: functions.length, passed: 0, failed: 0, inconclusive: 0, errored: 0, skipped: 0 };
  for (const f of functions) {
    if (f.verdict === 'pass') s.passed++;
    else if (f.verdict === 'fail') s.failed++;
    else if (f.verdict === 'inconclusive') s.inconclusive++;
    else if (f.verdict === 'error') s.errored++;
    else s.skipped++;
  }
  return s;
}

/** fail beats error beats inconclusive beats pass. */
export function overallVerdict(functions: FitnessOutcome[]): OverallVerdict {
  if (functions.some((f) => f.verdict === 'fail')) return 'fail';
  if (functions.some((f) => f.verdict === 'error')) return 'error';
  if (functions.some((f) => f.verdict === 'inconclusive')) return 'inconclusive';
  return 'pass';
}
